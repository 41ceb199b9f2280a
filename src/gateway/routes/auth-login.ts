// Login (the one public route besides /healthz) and a user's own password change.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { changeOwnPassword, login } from '../../coordination/users/user-service.js';
import type { Login, PasswordChange } from '../../coordination/users/user-schema.js';
import { ErrorRef, authErrors } from '../schemas.js';

export async function authRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: Login }>(
    '/v1/auth/login',
    {
      config: { public: true },
      schema: {
        summary: 'Log in with user name and password; answers the bearer token (JWT) for the rest of the API',
        tags: ['auth'],
        security: [],
        body: Type.Ref('LoginRequest'),
        response: { 200: Type.Ref('LoginResult'), 400: ErrorRef, 401: ErrorRef, 423: ErrorRef },
      },
    },
    async (req) => login(app.ctx.pool, app.ctx.keys, app.ctx.cfg, req.body),
  );

  app.post<{ Body: PasswordChange }>(
    '/v1/auth/password',
    {
      schema: {
        summary: 'Change your own password (audited); tokens issued before stop working on coordination routes',
        tags: ['auth'],
        body: Type.Ref('PasswordChange'),
        response: { 200: Type.Ref('User'), 400: ErrorRef, 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => changeOwnPassword(app.ctx.pool, app.ctx.cfg, req.principal, req.body.currentPassword, req.body.newPassword),
  );
}
