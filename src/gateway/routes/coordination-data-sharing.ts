// 数据共享: each agency's monthly supply — on time? complete? — its ranking, export and reminders.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { FEED_KINDS, requireRole } from '../../auth/principal.js';
import { computeSharing, exportRows, listSharing, remindLateAgencies, sharingRanking, type SharingQuery } from '../../coordination/data-sharing/sharing-service.js';
import { sharingCsv, sharingXlsx } from '../../coordination/data-sharing/sharing-export.js';
import { parseMonth } from '../../coordination/shared/month.js';
import { CountyCode, MonthKey, literals } from '../../coordination/shared/schema-parts.js';
import { audit } from '../../audit/audit-log.js';
import { ErrorRef, authErrors } from '../schemas.js';

const Filter = {
  month: Type.Optional(MonthKey),
  from: Type.Optional(MonthKey),
  to: Type.Optional(MonthKey),
  county: Type.Optional(CountyCode),
  agency: Type.Optional(Type.String({ maxLength: 40 })),
  feed: Type.Optional(literals(FEED_KINDS)),
};

const RangeBody = Type.Object({ from: MonthKey, to: MonthKey }, { additionalProperties: false });

export async function coordinationDataSharingRoutes(app: FastifyInstance): Promise<void> {
  const { pool, cfg } = app.ctx;

  app.get<{ Querystring: SharingQuery }>(
    '/v1/coordination/data-sharing/monthly',
    {
      schema: {
        summary: 'Monthly supply per agency and feed: records supplied, accepted, rejected by reason, duplicates, reporting and on-time rate, completeness, linked share, score',
        tags: ['coordination'],
        querystring: Type.Object(Filter),
        response: { 200: Type.Array(Type.Ref('CoordSharingMonthly')), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => listSharing(pool, req.principal, req.query),
  );

  app.get<{ Querystring: { month: string; county?: string } }>(
    '/v1/coordination/data-sharing/ranking',
    {
      schema: {
        summary: 'Agencies of a month ranked by their mean feed score (docs/coordination.md)',
        tags: ['coordination'],
        querystring: Type.Object({ month: MonthKey, county: Type.Optional(CountyCode) }),
        response: { 200: Type.Array(Type.Ref('CoordSharingRank')), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => sharingRanking(pool, req.principal, req.query),
  );

  app.get<{ Querystring: SharingQuery & { format?: 'csv' | 'xlsx' } }>(
    '/v1/coordination/data-sharing/export',
    {
      schema: {
        summary: 'The monthly figures as CSV (UTF-8) or XLSX (audited)',
        tags: ['coordination'],
        querystring: Type.Object({ ...Filter, format: Type.Optional(literals(['csv', 'xlsx'] as const)) }),
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), 400: ErrorRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const format = req.query.format ?? 'csv';
      const rows = await exportRows(pool, req.principal, { ...req.query, format });
      const name = `data-sharing-${req.query.month ?? `${req.query.from}_${req.query.to}`}`;
      if (format === 'xlsx') {
        return reply
          .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${name}.xlsx"`)
          .send(await sharingXlsx(rows, name));
      }
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(sharingCsv(rows));
    },
  );

  app.post<{ Body: { from: string; to: string } }>(
    '/v1/coordination/data-sharing/compute',
    {
      schema: {
        summary: 'Recompute and store the figures of a range of months now (the coord-monthly job does it every night)',
        tags: ['coordination'],
        body: RangeBody,
        response: { 200: Type.Object({ months: Type.Array(Type.String()), rows: Type.Integer(), ms: Type.Integer() }), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'admin', 'county');
      const r = await computeSharing(pool, { from: parseMonth(req.body.from), to: parseMonth(req.body.to), onTimeDays: cfg.coordOnTimeDays });
      await audit(pool, req.principal, { action: 'update', objectType: 'coord_sharing', objectId: `${req.body.from}..${req.body.to}`, purpose: 'data-sharing supervision', detail: { action: 'compute', rows: r.rows } });
      return r;
    },
  );

  app.post<{ Body: { month: string } }>(
    '/v1/coordination/data-sharing/remind',
    {
      schema: {
        summary: 'Remind the agencies that were late or incomplete in a month (once per agency, feed, month and reason)',
        tags: ['coordination'],
        body: Type.Object({ month: MonthKey }, { additionalProperties: false }),
        response: { 200: Type.Object({ reminders: Type.Integer() }), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'admin', 'county');
      const county = req.principal.role === 'county' ? req.principal.unit : null;
      const reminders = await remindLateAgencies(pool, parseMonth(req.body.month), cfg.coordCompletenessThreshold, county);
      await audit(pool, req.principal, { action: 'update', objectType: 'coord_sharing', objectId: req.body.month, purpose: 'data-sharing supervision', detail: { action: 'remind', reminders } });
      return { reminders };
    },
  );
}
