// 系统维护: the gateway's users, their login and password changes.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { FEED_KINDS, ROLES } from '../../auth/principal.js';
import { NullableTimestamp, Timestamp, literals } from '../shared/schema-parts.js';

const Username = Type.String({ pattern: '^[A-Za-z0-9._@-]{3,64}$' });
const Password = Type.String({ minLength: 1, maxLength: 200 });

export const LoginSchema = shareSchema(
  Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Password }, { $id: 'LoginRequest', additionalProperties: false }),
);
export type Login = Static<typeof LoginSchema>;

export const UserSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      username: Type.String(),
      displayName: Type.String(),
      role: literals(ROLES),
      unit: Type.String(),
      feeds: Type.Array(Type.String()),
      active: Type.Boolean(),
      lockedUntil: NullableTimestamp,
      failedLogins: Type.Integer(),
      passwordChangedAt: Timestamp,
      lastLoginAt: NullableTimestamp,
      createdAt: Timestamp,
    },
    { $id: 'User' },
  ),
);
export type User = Static<typeof UserSchema>;

export const LoginResultSchema = shareSchema(
  Type.Object(
    { token: Type.String(), tokenType: Type.Literal('Bearer'), expiresAt: Timestamp, user: Type.Ref('User') },
    { $id: 'LoginResult' },
  ),
);

export const NewUserSchema = shareSchema(
  Type.Object(
    {
      username: Username,
      displayName: Type.Optional(Type.String({ maxLength: 100 })),
      password: Password,
      role: literals(ROLES),
      unit: Type.String({ minLength: 1, maxLength: 40 }),
      feeds: Type.Optional(Type.Array(literals(FEED_KINDS), { uniqueItems: true })),
    },
    { $id: 'NewUser', additionalProperties: false },
  ),
);
export type NewUser = Static<typeof NewUserSchema>;

export const UserPatchSchema = shareSchema(
  Type.Object(
    {
      displayName: Type.Optional(Type.String({ maxLength: 100 })),
      role: Type.Optional(literals(ROLES)),
      unit: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
      feeds: Type.Optional(Type.Array(literals(FEED_KINDS), { uniqueItems: true })),
      active: Type.Optional(Type.Boolean({ description: 'false disables the user: no more logins, and its tokens stop working on coordination routes' })),
      unlock: Type.Optional(Type.Literal(true, { description: 'clear a lockout after failed logins' })),
    },
    { $id: 'UserPatch', additionalProperties: false, minProperties: 1 },
  ),
);
export type UserPatch = Static<typeof UserPatchSchema>;

export const PasswordChangeSchema = shareSchema(
  Type.Object({ currentPassword: Password, newPassword: Password }, { $id: 'PasswordChange', additionalProperties: false }),
);
export type PasswordChange = Static<typeof PasswordChangeSchema>;
