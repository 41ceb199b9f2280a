// 业务办理: business items between member units — submit, assign, handle, feedback, return, archive.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { actOnItem, getItem, listItems, submitItem } from '../../coordination/items/item-service.js';
import { ITEM_BOXES, ItemActionBodies, ItemStatusSchema, type ItemActionBody, type NewItem } from '../../coordination/items/item-schema.js';
import { ITEM_ACTIONS, type ItemAction } from '../../coordination/items/item-state.js';
import { CountyCode, CursorParam, IdParams, Limit, UnitCode, literals } from '../../coordination/shared/schema-parts.js';
import { ErrorRef, authErrors } from '../schemas.js';

const Purpose = Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'why the items are read (audited); default "business item handling"' }));

const ListQuery = Type.Object({
  box: Type.Optional(literals(ITEM_BOXES)),
  status: Type.Optional(Type.Array(ItemStatusSchema)),
  overdue: Type.Optional(Type.Boolean()),
  requester: Type.Optional(UnitCode),
  handler: Type.Optional(UnitCode),
  county: Type.Optional(CountyCode),
  limit: Limit,
  cursor: CursorParam,
  purpose: Purpose,
});

const SUMMARY: Record<ItemAction, string> = {
  assign: 'Assign handling units and their deadline (the coordination office)',
  handle: 'Record what the unit did and submit its result (a handling unit); the last result goes to the requesting unit',
  feedback: 'Say whether the result serves (the requesting unit)',
  return: 'Send the item back with a reason and a new deadline, to every or some handling units (the office)',
  archive: 'Archive a handled item (the office); it is marked on time when no unit was late or sent back',
};

export async function coordinationItemRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  app.get<{ Querystring: typeof ListQuery.static }>(
    '/v1/coordination/items',
    {
      schema: {
        summary: 'The caller’s business items: box=todo (waiting for you), in_progress, done (archived) or all; newest first (audited)',
        tags: ['coordination'],
        querystring: ListQuery,
        response: { 200: Type.Ref('CoordItemPage'), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => listItems(pool, req.principal, { ...req.query, box: req.query.box ?? 'all', limit: req.query.limit ?? 50 }),
  );

  app.post<{ Body: NewItem }>(
    '/v1/coordination/items',
    {
      schema: {
        summary: 'Submit a business item (title, details, requested handling) from the caller’s unit to the coordination office',
        tags: ['coordination'],
        body: Type.Ref('CoordNewItem'),
        response: { 201: Type.Ref('CoordItem'), 400: ErrorRef, ...authErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await submitItem(pool, req.principal, req.body)),
  );

  app.get<{ Params: { id: number }; Querystring: { purpose?: string } }>(
    '/v1/coordination/items/:id',
    {
      schema: {
        summary: 'One business item with its handling units, results and history (audited)',
        tags: ['coordination'],
        params: IdParams,
        querystring: Type.Object({ purpose: Purpose }),
        response: { 200: Type.Ref('CoordItem'), 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => getItem(pool, req.principal, req.params.id, req.query.purpose),
  );

  for (const action of ITEM_ACTIONS) {
    app.post<{ Params: { id: number }; Body: ItemActionBody<typeof action> }>(
      `/v1/coordination/items/:id/${action}`,
      {
        schema: {
          summary: SUMMARY[action],
          tags: ['coordination'],
          params: IdParams,
          body: ItemActionBodies[action],
          response: { 200: Type.Ref('CoordItem'), 400: ErrorRef, 404: ErrorRef, 409: ErrorRef, ...authErrors },
        },
      },
      async (req) => actOnItem(pool, req.principal, req.params.id, action, req.body),
    );
  }
}
