// Notification supervision for admins: deliveries (dead ones above all), a retry for a dead one,
// and the subscriptions that decide which township or county is told about what.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { audit } from '../../audit/audit-log.js';
import { requireRole } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { DELIVERY_STATUSES, NOTIFY_EVENTS, type DeliveryStatus, type NewSubscription } from '../../notify/notify-schema.js';
import {
  deactivateSubscriptionSql, insertSubscriptionSql, listNotificationsSql, listSubscriptionsSql, retryDeadSql,
  toNotification, toSubscription, type OutboxRow, type SubscriptionRow,
} from '../../notify/outbox-repo.js';
import { ErrorRef, authErrors } from '../schemas.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export async function notificationRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  app.get<{ Querystring: { status?: DeliveryStatus; caseId?: number; limit?: number; cursor?: string } }>(
    '/v1/notifications',
    {
      schema: {
        summary: 'Notification deliveries (admins): status=dead lists those that gave up after their last retry',
        tags: ['notifications'],
        querystring: Type.Object({
          status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)))),
          caseId: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
        }),
        response: { 200: Type.Ref('NotificationPage'), ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'admin');
      const limit = req.query.limit ?? 100;
      const { rows } = await pool.query<OutboxRow>(
        listNotificationsSql({ status: req.query.status, caseId: req.query.caseId, afterId: req.query.cursor ? Number(req.query.cursor) : undefined, limit: limit + 1 }),
      );
      const page = rows.slice(0, limit);
      await audit(pool, req.principal, {
        action: 'list',
        objectType: 'notification',
        objectId: req.query.status ?? 'all',
        purpose: 'delivery supervision',
        detail: { ids: page.map((r) => r.id) },
      });
      return { items: page.map(toNotification), nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/v1/notifications/:id/retry',
    {
      schema: {
        summary: 'Put a dead notification back in the queue with a fresh attempt budget (admins)',
        tags: ['notifications'],
        params: IdParams,
        response: { 200: Type.Ref('Notification'), 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'admin');
      const { rows } = await pool.query<OutboxRow>(retryDeadSql(req.params.id, new Date()));
      if (!rows.length) throw appError('YPQ_NOT_FOUND', `dead notification ${req.params.id}`);
      await audit(pool, req.principal, { action: 'update', objectType: 'notification', objectId: String(req.params.id), purpose: 'delivery supervision', detail: { action: 'retry' } });
      return toNotification(rows[0]);
    },
  );

  app.get<{ Querystring: { unit?: string } }>(
    '/v1/notification-subscriptions',
    {
      schema: {
        summary: 'Who is notified of which case events, per township or county (admins)',
        tags: ['notifications'],
        querystring: Type.Object({ unit: Type.Optional(Type.String({ pattern: '^([0-9]{6}|[0-9]{9})$' })) }),
        response: { 200: Type.Array(Type.Ref('Subscription')), ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'admin');
      const { rows } = await pool.query<SubscriptionRow>(listSubscriptionsSql(req.query.unit));
      await audit(pool, req.principal, { action: 'list', objectType: 'notification_subscription', objectId: req.query.unit ?? 'all', purpose: 'notification setup' });
      return rows.map(toSubscription);
    },
  );

  app.post<{ Body: NewSubscription }>(
    '/v1/notification-subscriptions',
    {
      schema: {
        summary: 'Add (or re-activate and update) a subscription (admins)',
        tags: ['notifications'],
        body: Type.Ref('NewSubscription'),
        response: { 200: Type.Ref('Subscription'), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'admin');
      const b = req.body;
      if (b.channel === 'webhook' && !/^https?:\/\/\S+$/.test(b.target)) throw appError('YPQ_VALIDATION', 'a webhook target must be an http(s) URL');
      if (b.channel === 'sms' && !/^\+?[0-9]{5,20}$/.test(b.target)) throw appError('YPQ_VALIDATION', 'an SMS target must be a phone number');
      const { rows } = await pool.query<SubscriptionRow>(insertSubscriptionSql({ ...b, events: b.events ?? [...NOTIFY_EVENTS] }));
      await audit(pool, req.principal, { action: 'update', objectType: 'notification_subscription', objectId: String(rows[0].id), purpose: 'notification setup' });
      return toSubscription(rows[0]);
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/v1/notification-subscriptions/:id',
    {
      schema: {
        summary: 'Deactivate a subscription (admins); its past deliveries stay visible',
        tags: ['notifications'],
        params: IdParams,
        response: { 200: Type.Ref('Subscription'), 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => {
      requireRole(req.principal, 'admin');
      const { rows } = await pool.query<SubscriptionRow>(deactivateSubscriptionSql(req.params.id));
      if (!rows.length) throw appError('YPQ_NOT_FOUND', `subscription ${req.params.id}`);
      await audit(pool, req.principal, { action: 'update', objectType: 'notification_subscription', objectId: String(req.params.id), purpose: 'notification setup', detail: { action: 'deactivate' } });
      return toSubscription(rows[0]);
    },
  );
}
