import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { appError } from '../../errors.js';
import { ErrorRef } from '../schemas.js';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness and database check',
        tags: ['system'],
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }), 503: ErrorRef },
      },
    },
    async () => {
      try {
        await app.ctx.pool.query('SELECT 1');
      } catch (err) {
        throw appError('YPQ_DB_UNAVAILABLE', (err as Error).message);
      }
      return { status: 'ok' as const };
    },
  );
}
