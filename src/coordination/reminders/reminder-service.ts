// A unit's reminders and notices (an admin may look at any unit's).
import type pg from 'pg';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { decodeCursor, encodeCursor, pageOf } from '../shared/page.js';
import { listRemindersSql, markReadSql, toReminder, type ReminderRow } from './reminder-repo.js';
import type { Reminder, ReminderKind } from './reminder-schema.js';

function unitOf(who: Principal, asked?: string): string | null {
  if (who.role === 'admin') return asked ?? null;
  if (asked && asked !== who.unit) throw appError('YPQ_FORBIDDEN', `unit ${who.unit} sees its own reminders only`);
  return who.unit;
}

export async function listReminders(
  pool: pg.Pool, who: Principal, q: { unit?: string; unread?: boolean; kind?: ReminderKind; limit: number; cursor?: string },
): Promise<{ items: Reminder[]; nextCursor: string | null }> {
  const after = decodeCursor(q.cursor);
  const { rows } = await pool.query<ReminderRow>(listRemindersSql(unitOf(who, q.unit), { unread: q.unread, kind: q.kind, afterId: after ? after.id : null, limit: q.limit + 1 }));
  return pageOf(rows, q.limit, toReminder, (r) => encodeCursor(String(r.id), r.id));
}

export async function markReminderRead(pool: pg.Pool, who: Principal, id: number): Promise<Reminder> {
  const { rows } = await pool.query<ReminderRow>(markReadSql(id, unitOf(who), new Date()));
  if (!rows.length) throw appError('YPQ_NOT_FOUND', `reminder ${id}`);
  return toReminder(rows[0]);
}
