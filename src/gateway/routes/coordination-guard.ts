// Before a coordination handler: a token issued by POST /v1/auth/login must still belong to an
// active user whose password has not changed since (tokens minted otherwise carry no uid).
import type { FastifyInstance } from 'fastify';
import { requireLiveUser } from '../../coordination/users/user-service.js';

export function guardLiveUser(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.config?.public) return;
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    await requireLiveUser(app.ctx.pool, m?.[1]);
  });
}
