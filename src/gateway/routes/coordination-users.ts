// 系统维护: users, their roles and units, disabling, unlocking and password resets (admins).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ROLES, requireRole, type Role } from '../../auth/principal.js';
import { createUser, getUser, listUsers, patchUser, resetPassword } from '../../coordination/users/user-service.js';
import type { NewUser, UserPatch } from '../../coordination/users/user-schema.js';
import { IdParams, literals } from '../../coordination/shared/schema-parts.js';
import { ErrorRef, authErrors } from '../schemas.js';

export async function coordinationUserRoutes(app: FastifyInstance): Promise<void> {
  const { pool, cfg } = app.ctx;
  app.addHook('preHandler', async (req) => requireRole(req.principal, 'admin'));

  app.get<{ Querystring: { role?: Role; unit?: string; active?: boolean } }>(
    '/v1/coordination/users',
    {
      schema: {
        summary: 'Users (admins; audited)',
        tags: ['users'],
        querystring: Type.Object({ role: Type.Optional(literals(ROLES)), unit: Type.Optional(Type.String({ maxLength: 40 })), active: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Array(Type.Ref('User')), ...authErrors },
      },
    },
    async (req) => listUsers(pool, req.principal, req.query),
  );

  app.post<{ Body: NewUser }>(
    '/v1/coordination/users',
    {
      schema: {
        summary: 'Create a user with a role, a unit and a first password (admins)',
        tags: ['users'],
        body: Type.Ref('NewUser'),
        response: { 201: Type.Ref('User'), 400: ErrorRef, 409: ErrorRef, ...authErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await createUser(pool, cfg, req.principal, req.body)),
  );

  app.get<{ Params: { id: number } }>(
    '/v1/coordination/users/:id',
    { schema: { summary: 'One user (admins; audited)', tags: ['users'], params: IdParams, response: { 200: Type.Ref('User'), 404: ErrorRef, ...authErrors } } },
    async (req) => getUser(pool, req.principal, req.params.id),
  );

  app.patch<{ Params: { id: number }; Body: UserPatch }>(
    '/v1/coordination/users/:id',
    {
      schema: {
        summary: 'Change a user’s role, unit or feeds, disable (active=false) or re-enable it, or lift a lockout (unlock=true)',
        tags: ['users'],
        params: IdParams,
        body: Type.Ref('UserPatch'),
        response: { 200: Type.Ref('User'), 400: ErrorRef, 404: ErrorRef, 409: ErrorRef, ...authErrors },
      },
    },
    async (req) => patchUser(pool, req.principal, req.params.id, req.body),
  );

  app.post<{ Params: { id: number }; Body: { password: string } }>(
    '/v1/coordination/users/:id/password',
    {
      schema: {
        summary: 'Set a new password for a user who lost theirs (admins; audited, the password never)',
        tags: ['users'],
        params: IdParams,
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('User'), 400: ErrorRef, 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => resetPassword(pool, cfg, req.principal, req.params.id, req.body.password),
  );
}
