// 档案查询: archived business items in time order, searchable in Chinese, and each unit's handling record.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { handlingRecord, searchArchive } from '../../coordination/archive/archive-service.js';
import { CountyCode, CursorParam, Limit, UnitCode } from '../../coordination/shared/schema-parts.js';
import { ErrorRef, authErrors } from '../schemas.js';

const Range = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'archived at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'archived before' })),
};

const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'words to find, Chinese or not (every space-separated part must occur)' })),
  unit: Type.Optional(UnitCode),
  county: Type.Optional(CountyCode),
  ...Range,
  limit: Limit,
  cursor: CursorParam,
  purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export async function coordinationArchiveRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  app.get<{ Querystring: typeof SearchQuery.static }>(
    '/v1/coordination/archive',
    {
      schema: {
        summary: 'Archived business items, latest first, with full-text search in Chinese (audited); the office sees its county’s, a unit its own',
        tags: ['coordination'],
        querystring: SearchQuery,
        response: { 200: Type.Ref('CoordItemPage'), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => searchArchive(pool, req.principal, { ...req.query, limit: req.query.limit ?? 50 }),
  );

  app.get<{ Querystring: { county?: string; from?: string; to?: string } }>(
    '/v1/coordination/archive/handling-record',
    {
      schema: {
        summary: 'Each member unit’s handling record (public to the group): archived, on time, late, returned, open, overdue',
        tags: ['coordination'],
        querystring: Type.Object({ county: Type.Optional(CountyCode), ...Range }),
        response: { 200: Type.Array(Type.Ref('CoordHandlingRecord')), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => handlingRecord(pool, req.principal, req.query),
  );
}
