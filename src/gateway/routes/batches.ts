// The batches a caller may see, a batch's status and counts, and its rejected records (JSON, or
// CSV for a spreadsheet).
// Who sees a batch: the agency that sent it; township and county staff for the agencies located
// in their division; admins all. Anyone else gets 404, as for a batch that does not exist, so
// batch ids cannot be probed.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { coversDivision, type Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { FEED_KINDS } from '../../auth/principal.js';
import { listBatches } from '../../intake/batch-list.js';
import { batchByIdSql, rejectsSql, toBatch, toReject, type BatchRow, type RejectRow } from '../../intake/batch-repo.js';
import { ErrorRef, authErrors, shareSchema } from '../schemas.js';

export const BatchListSchema = shareSchema(
  Type.Object(
    {
      batches: Type.Array(Type.Ref('Batch')),
      nextBefore: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as ?before= for the next page; null on the last page' }),
    },
    { $id: 'BatchList' },
  ),
);

export const BatchRejectsSchema = shareSchema(
  Type.Object(
    {
      batchId: Type.Integer(),
      rejects: Type.Array(Type.Ref('BatchReject')),
      nextAfter: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as ?after= for the next page; null on the last page' }),
    },
    { $id: 'BatchRejects' },
  ),
);

const CSV_PAGE = 10_000;

function maySee(who: Principal, row: BatchRow): boolean {
  if (who.role === 'admin') return true;
  if (who.role === 'agency') return row.agency === who.unit;
  return coversDivision(who, row.agency_division);
}

const csvField = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export async function batchRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  async function visibleBatch(who: Principal, id: number): Promise<BatchRow> {
    const row = (await pool.query<BatchRow>(batchByIdSql(id))).rows[0];
    if (!row || !maySee(who, row)) throw appError('YPQ_NOT_FOUND', `batch ${id}`);
    return row;
  }

  const params = Type.Object({ id: Type.Integer({ minimum: 1 }) });

  app.get<{ Querystring: { agency?: string; feed?: string; before?: number; limit?: number } }>(
    '/v1/batches',
    {
      schema: {
        summary: 'The batches the caller may see, newest first',
        description:
          'An agency sees its own (an SFTP drop names its batch here), township and county staff those of the agencies in their ' +
          'division, admins all. Filter by `agency` and `feed`; page with `before` (a batch id) and `limit`.',
        tags: ['intake'],
        querystring: Type.Object({
          agency: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          feed: Type.Optional(Type.String({ enum: [...FEED_KINDS] })),
          before: Type.Optional(Type.Integer({ minimum: 1, description: 'only batches with a smaller id' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
        response: { 200: Type.Ref('BatchList'), ...authErrors },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50;
      // One extra batch tells whether there is a next page.
      const rows = await listBatches(pool, req.principal, { agency: req.query.agency, feed: req.query.feed, before: req.query.before, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return { batches: page, nextBefore: rows.length > limit ? page[page.length - 1].id : null };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/v1/batches/:id',
    {
      schema: {
        summary: "A batch's status and counts",
        description: 'Visible to the sending agency, to township/county staff for agencies in their division, and to admins.',
        tags: ['intake'],
        params,
        response: { 200: Type.Ref('Batch'), 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => toBatch(await visibleBatch(req.principal, req.params.id)),
  );

  app.get<{ Params: { id: number }; Querystring: { format?: 'json' | 'csv'; after?: number; limit?: number } }>(
    '/v1/batches/:id/rejects',
    {
      schema: {
        summary: 'The rejected records of a batch: position, record id, field, code, message',
        description:
          'JSON, paged by record (`after`, `limit`); or, with `Accept: text/csv` or `?format=csv`, all of them as CSV ' +
          'with the columns position,record_id,field,code,message. A record with several problems has one row per problem.',
        tags: ['intake'],
        params,
        querystring: Type.Object({
          format: Type.Optional(Type.String({ enum: ['json', 'csv'] })),
          after: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'only records after this position' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000, description: 'records per page' })),
        }),
        produces: ['application/json', 'text/csv'],
        response: { 200: Type.Ref('BatchRejects'), 404: ErrorRef, ...authErrors },
      },
    },
    async (req, reply) => {
      const batch = await visibleBatch(req.principal, req.params.id);
      const after = req.query.after ?? 0;
      const wantsCsv = req.query.format === 'csv' || (req.query.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''));
      if (wantsCsv) {
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="batch-${batch.id}-rejects.csv"`);
        return reply.send(Readable.from(csvRows(batch, after)));
      }
      const limit = req.query.limit ?? 1000;
      // One extra record tells whether there is a next page.
      const rows = (await pool.query<RejectRow>(rejectsSql(batch.agency, batch.id, after, limit + 1))).rows;
      const positions = [...new Set(rows.map((r) => r.position))];
      const more = positions.length > limit;
      const page = more ? rows.filter((r) => r.position <= positions[limit - 1]) : rows;
      return { batchId: batch.id, rejects: page.map(toReject), nextAfter: more ? positions[limit - 1] : null };
    },
  );

  async function* csvRows(batch: BatchRow, after: number): AsyncGenerator<string> {
    yield 'position,record_id,field,code,message\n';
    let from = after;
    while (true) {
      const rows = (await pool.query<RejectRow>(rejectsSql(batch.agency, batch.id, from, CSV_PAGE))).rows;
      if (!rows.length) return;
      yield rows.map((r) => [r.position, r.record_id, r.field, r.code, r.message].map(csvField).join(',') + '\n').join('');
      from = rows[rows.length - 1].position;
    }
  }
}
