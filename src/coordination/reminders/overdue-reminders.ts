// Overdue business items raise reminders: to the handling unit that has not submitted, and to the
// coordination office. Run by the coord-reminders cron; delivery is at-least-once and two runs
// may overlap, so each reminder is keyed by (assignment, deadline): a repeat finds it there (the
// unique key skips it), and a return with a new deadline reminds again once that one passes.
import type pg from 'pg';
import { SYSTEM_ACTOR } from '../shared/system-actor.js';
import { inTransaction } from '../../db/transaction.js';
import { insertEventSql, overdueAssignmentsSql, overdueRef } from '../items/item-repo.js';
import { remind, reminderMessage } from './remind.js';
import type { NewReminder } from './reminder-repo.js';

interface OverdueRow {
  id: number;
  item_id: number;
  unit: string;
  deadline: Date;
  county: string;
}

export async function raiseOverdueReminders(pool: pg.Pool, now: Date, batch = 500): Promise<number> {
  let raised = 0;
  for (;;) {
    const found = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<OverdueRow>(overdueAssignmentsSql(now, batch));
      const items: NewReminder[] = rows.flatMap((r) => {
        const ref = overdueRef(r.id, r.deadline);
        const base = { kind: 'item_overdue' as const, itemId: r.item_id, deadline: r.deadline.toISOString(), occurredAt: now.toISOString() };
        return [r.unit, r.county].map((unit) => ({ kind: 'item_overdue' as const, unit, itemId: r.item_id, ref, message: reminderMessage({ ...base, unit }) }));
      });
      const created = await remind(client, items, now);
      for (const r of rows) {
        if (created.some((c) => c.unit === r.unit && c.item_id === r.item_id)) {
          await client.query(insertEventSql(r.item_id, SYSTEM_ACTOR, 'remind', null, { unit: r.unit, deadline: r.deadline.toISOString() }, now));
          raised++;
        }
      }
      return rows.length;
    });
    if (found < batch) break;
  }
  return raised;
}
