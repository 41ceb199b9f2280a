// The gateway's public signing keys, for receivers of signed webhooks (and other gateways).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { authErrors } from '../schemas.js';

export async function keyRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/keys',
    {
      schema: {
        summary: 'The public key set (JWKS) that verifies webhook bodies signed by this gateway',
        tags: ['system'],
        response: {
          200: Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...authErrors,
        },
      },
    },
    async () => app.ctx.keys.publicJwks(),
  );
}
