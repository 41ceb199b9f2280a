// The clerical review queue: persons matching could not decide, for the township and county
// staff of the record's division (and admins). A clerk sees the record beside each candidate
// and links it to one of them, or to no one (a new person).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { audit } from '../../audit/audit-log.js';
import { requireRole } from '../../auth/principal.js';
import { reviewQueueSql, scopeOf, toLinkResult, type LinkResultRow } from '../../matching/link-results.js';
import { decideReview, reviewItem } from '../../matching/review/review-service.js';
import { ErrorRef, authErrors, shareSchema } from '../schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const ComparedField = Type.Object({
  field: Type.String(),
  level: Type.String(),
  weight: Type.Number(),
  tf: Type.Optional(Type.Object({ frequency: Type.Number(), adjustment: Type.Number() })),
  differs: Type.Boolean({ description: 'the record and the person disagree at this field' }),
});

export const ReviewItemSchema = shareSchema(
  Type.Object(
    {
      result: Type.Ref('LinkResult'),
      record: Type.Object({
        name: Nullable(Type.String()), idNumber: Nullable(Type.String()), sex: Type.Union([Type.Integer(), Type.String(), Type.Null()]),
        birthDate: Nullable(Type.String()), divisions: Type.Array(Type.String()), phone: Nullable(Type.String()),
      }, { description: 'the person as the record states them' }),
      candidates: Type.Array(Type.Object({
        pid: Type.String(),
        probability: Type.Number(),
        matchWeight: Type.Number(),
        excluded: Nullable(Type.String({ description: 'a hard rule that forbids this link' })),
        person: Type.Object({
          name: Type.String(), idNumber: Nullable(Type.String()), sex: Type.Union([Type.Integer(), Type.Null()]), birthDate: Nullable(Type.String()),
          hukouDivision: Nullable(Type.String()), residenceDivision: Nullable(Type.String()), phone: Nullable(Type.String()),
          status: Type.Integer({ description: '1 正常, 2 死亡, 3 迁出' }),
        }),
        fields: Type.Array(ComparedField),
      }), { description: 'each candidate as the population database holds them now, best first' }),
    },
    { $id: 'ReviewItem' },
  ),
);

export const ReviewQueueSchema = shareSchema(
  Type.Object(
    {
      items: Type.Array(Type.Intersect([Type.Ref('LinkResult'), Type.Object({ candidateCount: Type.Integer() })])),
      nextAfter: Type.Union([Type.Integer(), Type.Null()]),
    },
    { $id: 'ReviewQueue' },
  ),
);

export async function reviewRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;
  const params = Type.Object({ id: Type.Integer({ minimum: 1 }) });

  app.get<{ Querystring: { feed?: string; after?: number; limit?: number } }>(
    '/v1/review',
    {
      schema: {
        summary: 'The review queue of the caller\'s division, oldest first (audited)',
        tags: ['matching'],
        querystring: Type.Object({
          feed: Type.Optional(Type.String({ enum: ['prenatal', 'birth', 'household', 'marriage', 'housing'] })),
          after: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: { 200: Type.Ref('ReviewQueue'), ...authErrors },
      },
    },
    async (req) => {
      const who = req.principal;
      requireRole(who, 'township', 'county', 'admin');
      const { feed, after = 0, limit = 100 } = req.query;
      const { rows } = await pool.query<LinkResultRow & { candidate_count: number }>(reviewQueueSql(scopeOf(who), { feed, after, limit }));
      await audit(pool, who, { action: 'list', objectType: 'review_queue', objectId: scopeOf(who) || '*', purpose: 'clerical review', detail: { count: rows.length } });
      return {
        items: rows.map((r) => ({ ...toLinkResult(r), candidateCount: r.candidate_count ?? 0 })),
        nextAfter: rows.length === limit ? Number(rows[rows.length - 1].id) : null,
      };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/v1/review/:id',
    {
      schema: {
        summary: 'One review item: the record beside each candidate, differing fields marked (audited)',
        tags: ['matching'],
        params,
        response: { 200: Type.Ref('ReviewItem'), 404: ErrorRef, 409: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'township', 'county', 'admin');
      return reviewItem(pool, req.principal, req.params.id);
    },
  );

  app.post<{ Params: { id: number }; Body: { pid?: string; new?: boolean; note?: string } }>(
    '/v1/review/:id/decide',
    {
      schema: {
        summary: 'Decide a review item: link to a person (pid) or a new person (new: true)',
        description: 'The decision replaces the model\'s (kept in the history), is applied to the population database at once, ' +
          'and its candidates become labelled pairs for the next `yipanqi links estimate`.',
        tags: ['matching'],
        params,
        body: Type.Object({
          pid: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          new: Type.Optional(Type.Boolean()),
          note: Type.Optional(Type.String({ maxLength: 500 })),
        }, { additionalProperties: false }),
        response: { 200: Type.Ref('LinkResult'), 400: ErrorRef, 404: ErrorRef, 409: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'township', 'county', 'admin');
      return decideReview(pool, req.principal, req.params.id, req.body);
    },
  );
}
