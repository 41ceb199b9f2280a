// 监管平台: case handling per township, county and province, per month, with trends and a score.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { requireRole } from '../../auth/principal.js';
import { computeSupervision, supervisionMonth, supervisionTrend } from '../../coordination/supervision/supervision-service.js';
import { SUPERVISION_LEVELS } from '../../coordination/supervision/supervision-schema.js';
import { parseMonth } from '../../coordination/shared/month.js';
import { MonthKey, literals } from '../../coordination/shared/schema-parts.js';
import { audit } from '../../audit/audit-log.js';
import { ErrorRef, authErrors } from '../schemas.js';

const Division = Type.String({ pattern: '^([0-9]{2}|[0-9]{6}|[0-9]{9})$' });

export async function coordinationSupervisionRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  app.get<{ Querystring: { month: string; level?: string; unit?: string } }>(
    '/v1/coordination/supervision',
    {
      schema: {
        summary: 'A month’s case-handling figures and scores: townships, counties and the province roll-up, within the caller’s scope',
        tags: ['coordination'],
        querystring: Type.Object({ month: MonthKey, level: Type.Optional(literals(SUPERVISION_LEVELS)), unit: Type.Optional(Division) }),
        response: { 200: Type.Array(Type.Ref('CoordSupervisionMonthly')), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => supervisionMonth(pool, req.principal, req.query),
  );

  app.get<{ Querystring: { unit: string; from: string; to: string } }>(
    '/v1/coordination/supervision/trend',
    {
      schema: {
        summary: 'One township’s, county’s or province’s figures month by month',
        tags: ['coordination'],
        querystring: Type.Object({ unit: Division, from: MonthKey, to: MonthKey }),
        response: { 200: Type.Array(Type.Ref('CoordSupervisionMonthly')), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => supervisionTrend(pool, req.principal, req.query),
  );

  app.post<{ Body: { from: string; to: string } }>(
    '/v1/coordination/supervision/compute',
    {
      schema: {
        summary: 'Recompute and store the figures of a range of months now (the coord-monthly job does it every night)',
        tags: ['coordination'],
        body: Type.Object({ from: MonthKey, to: MonthKey }, { additionalProperties: false }),
        response: { 200: Type.Object({ months: Type.Array(Type.String()), rows: Type.Integer(), ms: Type.Integer() }), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'admin', 'county');
      const r = await computeSupervision(pool, { from: parseMonth(req.body.from), to: parseMonth(req.body.to) });
      await audit(pool, req.principal, { action: 'update', objectType: 'coord_supervision', objectId: `${req.body.from}..${req.body.to}`, purpose: 'case-handling supervision', detail: { action: 'compute', rows: r.rows } });
      return r;
    },
  );
}
