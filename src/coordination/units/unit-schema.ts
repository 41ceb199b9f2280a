// 组织领导: a member unit of the coordination group, its duties and who to contact.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { CountyCode, NullableString, Timestamp, literals } from '../shared/schema-parts.js';

export const UNIT_KINDS = ['office', 'department', 'agency', 'township'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

const Short = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });

export const UnitInputSchema = shareSchema(
  Type.Object(
    {
      county: Type.Optional(CountyCode),
      name: Type.String({ minLength: 1, maxLength: 100 }),
      kind: literals(UNIT_KINDS),
      duties: Type.Optional(Short(4000, 'the unit’s duties in the coordination work')),
      topics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 50, description: 'what to ask this unit about' })),
      leader: Type.Optional(Type.Union([Short(60, 'responsible leader (分管领导)'), Type.Null()])),
      leaderTitle: Type.Optional(Type.Union([Short(60), Type.Null()])),
      office: Type.Optional(Type.Union([Short(100, 'responsible office (责任科室)'), Type.Null()])),
      contactName: Type.Optional(Type.Union([Short(60), Type.Null()])),
      contactPhone: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+() -]{3,30}$' }), Type.Null()])),
      notifyWebhook: Type.Optional(Type.Union([Type.String({ pattern: '^https?://', maxLength: 500, description: 'reminders are POSTed here (signed JWS)' }), Type.Null()])),
      notifySms: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+]{5,20}$', description: 'reminders are sent here by SMS' }), Type.Null()])),
      sortOrder: Type.Optional(Type.Integer()),
      active: Type.Optional(Type.Boolean()),
    },
    { $id: 'CoordUnitInput', additionalProperties: false },
  ),
);
export type UnitInput = Static<typeof UnitInputSchema>;

export const UnitSchema = shareSchema(
  Type.Object(
    {
      code: Type.String(),
      county: Type.String(),
      name: Type.String(),
      kind: literals(UNIT_KINDS),
      duties: Type.String(),
      topics: Type.Array(Type.String()),
      leader: NullableString,
      leaderTitle: NullableString,
      office: NullableString,
      contactName: NullableString,
      contactPhone: NullableString,
      notifyWebhook: NullableString,
      notifySms: NullableString,
      sortOrder: Type.Integer(),
      active: Type.Boolean(),
      updatedAt: Timestamp,
    },
    { $id: 'CoordUnit' },
  ),
);
export type Unit = Static<typeof UnitSchema>;
