// One person of the population database, for the township or county responsible for them.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { audit } from '../../audit/audit-log.js';
import { coversDivision, requireRole } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { personByPidSql, toPerson, type PersonRow } from '../../population/person-repo.js';
import { ErrorRef, authErrors } from '../schemas.js';

export async function personRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { pid: string }; Querystring: { purpose?: string } }>(
    '/v1/persons/:pid',
    {
      schema: {
        summary: 'One person, if the caller\'s unit covers their household registration or residence (audited)',
        tags: ['population'],
        params: Type.Object({ pid: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ purpose: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: Type.Ref('Person'), 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      const who = req.principal;
      requireRole(who, 'township', 'county', 'admin');
      const { rows } = await app.ctx.pool.query<PersonRow>(personByPidSql(req.params.pid));
      const row = rows[0];
      // Out of scope answers like absent, so that a unit cannot probe who exists elsewhere.
      if (!row || !(coversDivision(who, row.hukou_division) || coversDivision(who, row.residence_division))) {
        throw appError('YPQ_NOT_FOUND', `person ${req.params.pid}`);
      }
      await audit(app.ctx.pool, who, {
        action: 'read',
        objectType: 'person',
        objectId: row.pid,
        purpose: req.query.purpose ?? 'lookup',
      });
      return toPerson(row);
    },
  );
}
