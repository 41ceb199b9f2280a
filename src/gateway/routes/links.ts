// Link results: a batch's decisions, and one decision with its explanation (candidates and
// per-field weights). For township and county staff of the record's division, and admins;
// every read is audited (a link result says who a record is about).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { audit } from '../../audit/audit-log.js';
import { coversDivision, requireRole } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import {
  batchResultsSql, resultByIdSql, resultHistorySql, scopeOf, toLinkResult, type LinkResultRow,
} from '../../matching/link-results.js';
import { ErrorRef, authErrors, shareSchema } from '../schemas.js';

export const LinkPageSchema = shareSchema(
  Type.Object(
    {
      batchId: Type.Integer(),
      links: Type.Array(Type.Ref('LinkResult')),
      nextAfter: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as ?after= for the next page; null on the last page' }),
    },
    { $id: 'LinkPage' },
  ),
);

interface HistoryRow {
  status: string;
  pid: string | null;
  score: number;
  rule: string;
  model_id: string;
  decided_at: Date;
  decided_by: string;
  replaced_at: Date;
  replaced_by: string;
}

export async function linkRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  app.get<{ Querystring: { batch: number; after?: number; limit?: number } }>(
    '/v1/links',
    {
      schema: {
        summary: "A batch's link decisions, one per person of each record (audited)",
        description: 'Township and county staff see the decisions about records in their division; admins all.',
        tags: ['matching'],
        querystring: Type.Object({
          batch: Type.Integer({ minimum: 1 }),
          after: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
        }),
        response: { 200: Type.Ref('LinkPage'), ...authErrors },
      },
    },
    async (req) => {
      const who = req.principal;
      requireRole(who, 'township', 'county', 'admin');
      const { batch, after = 0, limit = 500 } = req.query;
      const { rows } = await pool.query<LinkResultRow>(batchResultsSql(batch, scopeOf(who), after, limit));
      await audit(pool, who, { action: 'list', objectType: 'link_results', objectId: `batch:${batch}`, purpose: 'link results', detail: { count: rows.length } });
      return { batchId: batch, links: rows.map(toLinkResult), nextAfter: rows.length === limit ? Number(rows[rows.length - 1].id) : null };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/v1/links/:id',
    {
      schema: {
        summary: 'One decision with its explanation: the candidates and each field\'s level and weight (audited)',
        tags: ['matching'],
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: Type.Ref('LinkDetail'), 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      const who = req.principal;
      requireRole(who, 'township', 'county', 'admin');
      const row = (await pool.query<LinkResultRow>(resultByIdSql(req.params.id))).rows[0];
      // Out of scope answers like absent: a unit cannot probe other divisions' records.
      if (!row || !coversDivision(who, row.division)) throw appError('YPQ_NOT_FOUND', `link ${req.params.id}`);
      const history = (await pool.query<HistoryRow>(resultHistorySql(req.params.id))).rows;
      await audit(pool, who, { action: 'read', objectType: 'link_result', objectId: String(row.id), purpose: 'link explanation' });
      return {
        ...toLinkResult(row),
        explanation: row.explanation,
        history: history.map((h) => ({
          status: h.status, pid: h.pid, score: h.score, rule: h.rule, modelId: h.model_id, decidedAt: h.decided_at.toISOString(),
          decidedBy: h.decided_by, replacedAt: h.replaced_at.toISOString(), replacedBy: h.replaced_by,
        })),
      };
    },
  );
}
