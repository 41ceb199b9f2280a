// The division directory and the member agencies: reference data every role may read.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { agenciesSql, divisionsSql, toAgency, toDivision } from '../../reference/reference-repo.js';
import { authErrors } from '../schemas.js';

export async function referenceRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { parent?: string } }>(
    '/v1/divisions',
    {
      schema: {
        summary: 'Divisions under a parent (the top level when no parent is given)',
        tags: ['reference'],
        querystring: Type.Object({ parent: Type.Optional(Type.String({ pattern: '^[0-9]{2,12}$' })) }),
        response: { 200: Type.Array(Type.Ref('Division')), ...authErrors },
      },
    },
    async (req) => (await app.ctx.pool.query(divisionsSql(req.query.parent))).rows.map(toDivision),
  );
  app.get(
    '/v1/agencies',
    {
      schema: {
        summary: 'The member agencies and the feeds each may send',
        tags: ['reference'],
        response: { 200: Type.Array(Type.Ref('Agency')), ...authErrors },
      },
    },
    async () => (await app.ctx.pool.query(agenciesSql())).rows.map(toAgency),
  );
}
