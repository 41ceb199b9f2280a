// 组织领导: the member units of the coordination group, their duties and contacts.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { getUnit, listUnits, putUnit } from '../../coordination/units/unit-service.js';
import { UNIT_KINDS, type UnitInput, type UnitKind } from '../../coordination/units/unit-schema.js';
import { CountyCode, UnitCode, literals } from '../../coordination/shared/schema-parts.js';
import { ErrorRef, authErrors } from '../schemas.js';

const CodeParams = Type.Object({ code: UnitCode });

export async function coordinationUnitRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  app.get<{ Querystring: { kind?: UnitKind; topic?: string; q?: string; county?: string; includeInactive?: boolean } }>(
    '/v1/coordination/units',
    {
      schema: {
        summary: 'Member units of the caller’s coordination group: duties, leader, office, contact — who to ask for what',
        tags: ['coordination'],
        querystring: Type.Object({
          kind: Type.Optional(literals(UNIT_KINDS)),
          topic: Type.Optional(Type.String({ maxLength: 40, description: 'units that answer for this topic' })),
          q: Type.Optional(Type.String({ maxLength: 100, description: 'text in the name, duties or topics' })),
          county: Type.Optional(CountyCode),
          includeInactive: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Type.Array(Type.Ref('CoordUnit')), ...authErrors },
      },
    },
    async (req) => listUnits(pool, req.principal, req.query),
  );

  app.get<{ Params: { code: string } }>(
    '/v1/coordination/units/:code',
    {
      schema: { summary: 'One member unit', tags: ['coordination'], params: CodeParams, response: { 200: Type.Ref('CoordUnit'), 404: ErrorRef, ...authErrors } },
    },
    async (req) => getUnit(pool, req.principal, req.params.code),
  );

  app.put<{ Params: { code: string }; Body: UnitInput }>(
    '/v1/coordination/units/:code',
    {
      schema: {
        summary: 'Register or change a member unit (the coordination office, or an admin); fields left out keep their value',
        tags: ['coordination'],
        params: CodeParams,
        body: Type.Ref('CoordUnitInput'),
        response: { 200: Type.Ref('CoordUnit'), 201: Type.Ref('CoordUnit'), 400: ErrorRef, 409: ErrorRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const { unit, created } = await putUnit(pool, req.principal, req.params.code, req.body);
      return reply.status(created ? 201 : 200).send(unit);
    },
  );
}
