// Cases for the townships and counties that handle them (../shared/spec/api.md): list, read,
// and act. Scope: a township its own cases and those handed over to it, a county its townships',
// an admin all, an agency none (403). Out-of-scope ids answer 404. Every read and change is audited.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { actOnCase } from '../../cases/case-actions.js';
import { getCase, listCases } from '../../cases/case-reads.js';
import { ActionBodies, CaseStatusSchema, type ActionBody, type ActionName } from '../../cases/case-schema.js';
import { RULE_CODES } from '../../rules/catalog.js';
import { ErrorRef, authErrors } from '../schemas.js';

const Purpose = Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'why the data is read (audited); default "case handling"' }));
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const ListQuery = Type.Object({
  status: Type.Optional(Type.Array(CaseStatusSchema, { description: 'one or more statuses (repeat the parameter)' })),
  rule: Type.Optional(Type.Array(Type.Union(RULE_CODES.map((c) => Type.Literal(c))))),
  township: Type.Optional(Type.String({ pattern: '^[0-9]{9}$' })),
  county: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  overdue: Type.Optional(Type.Boolean({ description: 'true: only open or accepted cases past their deadline; false: the others' })),
  sort: Type.Optional(Type.Union([Type.Literal('deadline'), Type.Literal('-deadline')], { default: 'deadline' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  purpose: Purpose,
});

const ACTION_SUMMARY: Record<ActionName, string> = {
  accept: 'Accept an open case (the responsible township)',
  resolve: 'Resolve an accepted case, saying what was done',
  return: 'Return an open or accepted case with a reason (not ours, wrong data, …)',
  delegate: 'Hand the case over (委托) to another township, with its own deadline; both see it',
  answer: 'Answer a pending handover (the township it was handed to); the answer goes back to the sender',
  comment: 'Add a comment to the case history',
  close: 'Close (archive) a resolved or returned case (its county, or an admin)',
};

export async function caseRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: typeof ListQuery.static }>(
    '/v1/cases',
    {
      schema: {
        summary: 'Cases visible to the caller, soonest deadline first, a page at a time (audited)',
        tags: ['cases'],
        querystring: ListQuery,
        response: { 200: Type.Ref('CasePage'), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      const q = req.query;
      return listCases(
        app.ctx.pool,
        req.principal,
        {
          status: q.status, rule: q.rule, township: q.township, county: q.county, overdue: q.overdue,
          sort: q.sort ?? 'deadline', limit: q.limit ?? 50, cursor: q.cursor,
        },
        q.purpose ?? 'case handling',
      );
    },
  );

  app.get<{ Params: { id: number }; Querystring: { purpose?: string } }>(
    '/v1/cases/:id',
    {
      schema: {
        summary: 'One case: its payload, handovers, history and match explanation (audited)',
        tags: ['cases'],
        params: IdParams,
        querystring: Type.Object({ purpose: Purpose }),
        response: { 200: Type.Ref('Case'), 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => getCase(app.ctx.pool, req.principal, req.params.id, req.query.purpose ?? 'case handling'),
  );

  for (const action of Object.keys(ActionBodies) as ActionName[]) {
    app.post<{ Params: { id: number }; Body: ActionBody<typeof action> }>(
      `/v1/cases/:id/${action}`,
      {
        schema: {
          summary: ACTION_SUMMARY[action],
          tags: ['cases'],
          params: IdParams,
          body: ActionBodies[action],
          response: { 200: Type.Ref('Case'), 400: ErrorRef, 404: ErrorRef, 409: ErrorRef, ...authErrors },
        },
      },
      async (req) => actOnCase(app.ctx.pool, req.principal, req.params.id, action, req.body),
    );
  }
}
