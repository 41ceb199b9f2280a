// coord_reminders and coord_reminder_deliveries: SQL and row mapping.
import type { Reminder, ReminderKind, ReminderMessage } from './reminder-schema.js';

export interface ReminderRow {
  id: number;
  kind: ReminderKind;
  unit: string;
  item_id: number | null;
  ref: string;
  message: ReminderMessage;
  created_at: Date;
  read_at: Date | null;
}

export interface DeliveryRow {
  id: number;
  reminder_id: number;
  idempotency_key: string;
  channel: 'webhook' | 'sms';
  target: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  message: ReminderMessage;
}

export function toReminder(r: ReminderRow): Reminder {
  return {
    id: r.id, kind: r.kind, unit: r.unit, itemId: r.item_id, message: r.message,
    createdAt: r.created_at.toISOString(), readAt: r.read_at ? r.read_at.toISOString() : null,
  };
}

export interface NewReminder {
  kind: ReminderKind;
  unit: string;
  itemId?: number;
  /** Once per (kind, unit, ref): the cause, e.g. `assignment:17:2024-03-05T09:00:00.000Z`. */
  ref: string;
  message: ReminderMessage;
}

/**
 * Stores reminders that are new (a repeat of the same cause is skipped) and queues one delivery
 * per channel the recipient unit configured (coord_units.notify_webhook / notify_sms).
 */
export function enqueueRemindersSql(items: NewReminder[], now: Date) {
  return {
    text: `WITH r AS (
             INSERT INTO coord_reminders (kind, unit, item_id, ref, message, created_at)
             SELECT e.kind, e.unit, e.item_id, e.ref, e.message, $2
             FROM jsonb_to_recordset($1::jsonb) AS e(kind text, unit text, item_id bigint, ref text, message jsonb)
             ON CONFLICT (kind, unit, ref) DO NOTHING
             RETURNING id, kind, unit, item_id),
           d AS (
             INSERT INTO coord_reminder_deliveries (reminder_id, channel, target, created_at, next_attempt_at)
             SELECT r.id, t.channel, t.target, $2, $2
             FROM r JOIN coord_units u ON u.code = r.unit
             CROSS JOIN LATERAL (VALUES ('webhook', u.notify_webhook), ('sms', u.notify_sms)) AS t (channel, target)
             WHERE t.target IS NOT NULL AND u.active
             RETURNING reminder_id)
           SELECT r.id, r.kind, r.unit, r.item_id, (SELECT count(*) FROM d WHERE d.reminder_id = r.id)::int AS deliveries FROM r`,
    values: [JSON.stringify(items.map((i) => ({ kind: i.kind, unit: i.unit, item_id: i.itemId ?? null, ref: i.ref, message: i.message }))), now],
  };
}

export function listRemindersSql(unit: string | null, f: { unread?: boolean; kind?: ReminderKind; afterId: number | null; limit: number }) {
  return {
    text: `SELECT * FROM coord_reminders
           WHERE ($1::text IS NULL OR unit = $1) AND ($2::boolean IS NOT TRUE OR read_at IS NULL)
             AND ($3::text IS NULL OR kind = $3) AND ($4::bigint IS NULL OR id < $4)
           ORDER BY id DESC LIMIT $5`,
    values: [unit, f.unread ?? null, f.kind ?? null, f.afterId, f.limit],
  };
}

export function markReadSql(id: number, unit: string | null, now: Date) {
  return {
    text: `UPDATE coord_reminders SET read_at = coalesce(read_at, $3) WHERE id = $1 AND ($2::text IS NULL OR unit = $2) RETURNING *`,
    values: [id, unit, now],
  };
}

/** Claims due deliveries (SKIP LOCKED: several workers side by side) and leases them until `leaseUntil`. */
export function claimDueDeliveriesSql(now: Date, limit: number, leaseUntil: Date) {
  return {
    text: `UPDATE coord_reminder_deliveries o SET attempts = o.attempts + 1, next_attempt_at = $3
           FROM (SELECT id FROM coord_reminder_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
                 ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) due,
                coord_reminders r
           WHERE o.id = due.id AND r.id = o.reminder_id
           RETURNING o.id, o.reminder_id, o.idempotency_key, o.channel, o.target, o.status, o.attempts, r.message`,
    values: [now, limit, leaseUntil],
  };
}

export function deliveredSql(id: number, now: Date) {
  return {
    text: `UPDATE coord_reminder_deliveries SET status = 'delivered', delivered_at = $2, last_error = NULL WHERE id = $1 AND status = 'pending'`,
    values: [id, now],
  };
}

export function deliveryFailedSql(id: number, error: string, next: { dead: true } | { dead: false; at: Date }) {
  return {
    text: `UPDATE coord_reminder_deliveries SET last_error = $2, status = $3, next_attempt_at = coalesce($4, next_attempt_at)
           WHERE id = $1 AND status = 'pending'`,
    values: [id, error.slice(0, 1000), next.dead ? 'dead' : 'pending', next.dead ? null : next.at],
  };
}
