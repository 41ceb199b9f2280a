// Raising reminders in the caller's transaction, and what they say. The text names the item by
// number and the unit by name, never the item's content: the recipient opens the item in the
// gateway, where the read is audited.
import type pg from 'pg';
import { enqueueRemindersSql, type NewReminder } from './reminder-repo.js';
import type { ReminderKind, ReminderMessage } from './reminder-schema.js';

/** Beijing time to the minute. */
export function beijingTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const TEXT: Record<ReminderKind, (m: Omit<ReminderMessage, 'text'>) => string> = {
  item_assigned: (m) => `业务事项 #${m.itemId} 已交办贵单位，请于 ${beijingTime(new Date(m.deadline!))} 前办理并提交结果。`,
  item_result: (m) => `贵单位提交的业务事项 #${m.itemId} 已办理完毕，请查看办理结果。`,
  item_returned: (m) => `业务事项 #${m.itemId} 被退回重办，请于 ${beijingTime(new Date(m.deadline!))} 前重新办理。`,
  item_overdue: (m) => `业务事项 #${m.itemId} 已超过办理期限（${beijingTime(new Date(m.deadline!))}），请尽快办理。`,
  sharing_late: (m) => `${m.agency} 的 ${m.feed} 数据 ${m.month} 未按约定频次按时报送，请及时补报。`,
  sharing_incomplete: (m) => `${m.agency} 的 ${m.feed} 数据 ${m.month} 字段完整率低于要求，请核查补全。`,
};

export function reminderMessage(m: Omit<ReminderMessage, 'text'>): ReminderMessage {
  return { ...m, text: TEXT[m.kind](m) };
}

export interface RaisedReminder {
  id: number;
  kind: ReminderKind;
  unit: string;
  item_id: number | null;
  deliveries: number;
}

/** Stores the new ones among `items` (repeats of a cause are skipped) with their deliveries. */
export async function remind(db: pg.Pool | pg.PoolClient, items: NewReminder[], now: Date): Promise<RaisedReminder[]> {
  if (!items.length) return [];
  return (await db.query<RaisedReminder>(enqueueRemindersSql(items, now))).rows;
}
