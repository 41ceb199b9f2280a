// The notification_outbox and notification_subscriptions tables: SQL and row mapping.
import type { Channel, DeliveryStatus, Notification, NotificationMessage, NotifyEvent, Subscription } from './notify-schema.js';

export interface OutboxRow {
  id: number;
  idempotency_key: string;
  event: NotifyEvent;
  case_id: number;
  unit: string;
  subscription_id: number | null;
  channel: Channel;
  target: string;
  message: NotificationMessage;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface SubscriptionRow {
  id: number;
  unit: string;
  channel: Channel;
  target: string;
  events: NotifyEvent[];
  active: boolean;
  created_at: Date;
}

export function toNotification(r: OutboxRow): Notification {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    event: r.event,
    caseId: r.case_id,
    unit: r.unit,
    subscriptionId: r.subscription_id,
    channel: r.channel,
    target: r.target,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at.toISOString(),
    lastError: r.last_error,
    createdAt: r.created_at.toISOString(),
    deliveredAt: r.delivered_at ? r.delivered_at.toISOString() : null,
    message: r.message,
  };
}

export function toSubscription(r: SubscriptionRow): Subscription {
  return { id: r.id, unit: r.unit, channel: r.channel, target: r.target, events: r.events, active: r.active, createdAt: r.created_at.toISOString() };
}

export interface OutboxItem {
  caseId: number;
  /** Recipient units (township, county); each active subscription of each unit gets one row. */
  units: string[];
  message: NotificationMessage;
}

/** Fans events out to the subscribers of their units, in the caller's transaction (set-based). */
export function enqueueSql(event: NotifyEvent, items: OutboxItem[], now: Date) {
  return {
    text: `INSERT INTO notification_outbox (event, case_id, unit, subscription_id, channel, target, message, created_at, next_attempt_at)
           SELECT $1, e.case_id, s.unit, s.id, s.channel, s.target, e.message, $3, $3
           FROM jsonb_to_recordset($2::jsonb) AS e(case_id bigint, units text[], message jsonb)
           JOIN notification_subscriptions s ON s.unit = ANY(e.units) AND s.active AND $1 = ANY(s.events)
           ORDER BY e.case_id, s.id`,
    values: [event, JSON.stringify(items.map((i) => ({ case_id: i.caseId, units: i.units, message: i.message }))), now],
  };
}

/**
 * Claims due rows for one delivery attempt: counts the attempt and leases the row until
 * `leaseUntil`, so that a process dying mid-send leaves it due again rather than stuck.
 * SKIP LOCKED lets several workers claim side by side.
 */
export function claimDueSql(now: Date, limit: number, leaseUntil: Date) {
  return {
    text: `UPDATE notification_outbox o SET attempts = o.attempts + 1, next_attempt_at = $3
           FROM (SELECT id FROM notification_outbox
                 WHERE status = 'pending' AND next_attempt_at <= $1
                 ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) due
           WHERE o.id = due.id
           RETURNING o.*`,
    values: [now, limit, leaseUntil],
  };
}

export function markDeliveredSql(id: number, now: Date) {
  return {
    text: `UPDATE notification_outbox SET status = 'delivered', delivered_at = $2, last_error = NULL WHERE id = $1 AND status = 'pending'`,
    values: [id, now],
  };
}

export function markFailedSql(id: number, error: string, next: { dead: true } | { dead: false; at: Date }) {
  return {
    text: `UPDATE notification_outbox SET last_error = $2, status = $3, next_attempt_at = coalesce($4, next_attempt_at)
           WHERE id = $1 AND status = 'pending'`,
    values: [id, error.slice(0, 1000), next.dead ? 'dead' : 'pending', next.dead ? null : next.at],
  };
}

/** A dead notification back to pending with a fresh attempt budget (an admin fixed the receiver). */
export function retryDeadSql(id: number, now: Date) {
  return {
    text: `UPDATE notification_outbox SET status = 'pending', attempts = 0, next_attempt_at = $2
           WHERE id = $1 AND status = 'dead' RETURNING *`,
    values: [id, now],
  };
}

export function notificationByIdSql(id: number) {
  return { text: 'SELECT * FROM notification_outbox WHERE id = $1', values: [id] };
}

export function listNotificationsSql(f: { status?: DeliveryStatus; caseId?: number; afterId?: number; limit: number }) {
  return {
    text: `SELECT * FROM notification_outbox
           WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR case_id = $2) AND id > coalesce($3::bigint, 0)
           ORDER BY id LIMIT $4`,
    values: [f.status ?? null, f.caseId ?? null, f.afterId ?? null, f.limit],
  };
}

export function listSubscriptionsSql(unit?: string) {
  return {
    text: 'SELECT * FROM notification_subscriptions WHERE ($1::text IS NULL OR unit = $1) ORDER BY unit, id',
    values: [unit ?? null],
  };
}

export function insertSubscriptionSql(s: { unit: string; channel: Channel; target: string; events: NotifyEvent[] }) {
  return {
    text: `INSERT INTO notification_subscriptions (unit, channel, target, events) VALUES ($1, $2, $3, $4)
           ON CONFLICT (unit, channel, target) DO UPDATE SET events = EXCLUDED.events, active = true
           RETURNING *`,
    values: [s.unit, s.channel, s.target, s.events],
  };
}

export function deactivateSubscriptionSql(id: number) {
  return { text: 'UPDATE notification_subscriptions SET active = false WHERE id = $1 RETURNING *', values: [id] };
}
