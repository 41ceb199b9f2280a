// Reminders and notices to the caller's unit (overdue items, results, late data supply).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { listReminders, markReminderRead } from '../../coordination/reminders/reminder-service.js';
import { REMINDER_KINDS, type ReminderKind } from '../../coordination/reminders/reminder-schema.js';
import { CursorParam, IdParams, Limit, UnitCode, literals } from '../../coordination/shared/schema-parts.js';
import { ErrorRef, authErrors } from '../schemas.js';

export async function coordinationReminderRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  app.get<{ Querystring: { unit?: string; unread?: boolean; kind?: ReminderKind; limit?: number; cursor?: string } }>(
    '/v1/coordination/reminders',
    {
      schema: {
        summary: 'Reminders and notices to the caller’s unit, newest first',
        tags: ['coordination'],
        querystring: Type.Object({
          unit: Type.Optional(UnitCode),
          unread: Type.Optional(Type.Boolean()),
          kind: Type.Optional(literals(REMINDER_KINDS)),
          limit: Limit,
          cursor: CursorParam,
        }),
        response: { 200: Type.Ref('CoordReminderPage'), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => listReminders(pool, req.principal, { ...req.query, limit: req.query.limit ?? 50 }),
  );

  app.post<{ Params: { id: number } }>(
    '/v1/coordination/reminders/:id/read',
    { schema: { summary: 'Mark a reminder read', tags: ['coordination'], params: IdParams, response: { 200: Type.Ref('CoordReminder'), 404: ErrorRef, ...authErrors } } },
    async (req) => markReminderRead(pool, req.principal, req.params.id),
  );
}
