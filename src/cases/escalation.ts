// Overdue cases escalate to the county (level 1), and again (level 2) when still not handled a
// further period after that. Run by a pg-boss cron job; delivery is at-least-once, so each step
// is a conditional UPDATE on the current level: a second run, or two runs at once, find nothing
// left to do (the row lock makes the second one re-check the level after the first commits).
import { caseMessage, enqueueNotifications } from '../notify/notification-message.js';
import { ESCALATION_ACTOR } from './case-state.js';
import { auditAs } from './raise-case.js';
import { inTransaction, type Db } from '../db/transaction.js';

interface EscalatedRow {
  id: number;
  rule: string;
  township: string | null;
  county: string;
  deadline: Date;
  escalation_level: number;
}

export function escalateToCountySql(now: Date) {
  return {
    text: `UPDATE cases SET escalation_level = 1, escalated_at = $1, updated_at = $1
           WHERE status IN ('open', 'accepted') AND escalation_level = 0 AND deadline < $1
           RETURNING id, rule, township, county, deadline, escalation_level`,
    values: [now],
  };
}

export function escalateAgainSql(now: Date, afterHours: number) {
  return {
    text: `UPDATE cases SET escalation_level = 2, escalated_at = $1, updated_at = $1
           WHERE status IN ('open', 'accepted') AND escalation_level = 1
             AND escalated_at <= $1::timestamptz - make_interval(hours => $2)
           RETURNING id, rule, township, county, deadline, escalation_level`,
    values: [now, afterHours],
  };
}

function historySql(rows: EscalatedRow[], now: Date) {
  return {
    text: `INSERT INTO case_history (case_id, at, actor, role, unit, action, detail)
           SELECT e.id, $2, $3, $4, $5, 'escalate', jsonb_build_object('level', e.level, 'to', e.county)
           FROM jsonb_to_recordset($1::jsonb) AS e(id bigint, level int, county text)`,
    values: [
      JSON.stringify(rows.map((r) => ({ id: r.id, level: r.escalation_level, county: r.county }))),
      now, ESCALATION_ACTOR.sub, ESCALATION_ACTOR.role, ESCALATION_ACTOR.unit,
    ],
  };
}

// One audit entry per case, appended in id order by ypq_audit (each call sees the entries the
// calls before it appended, so the chain stays linear) in one statement rather than a round trip each.
function auditSql(rows: EscalatedRow[]) {
  const a = auditAs(ESCALATION_ACTOR);
  return {
    text: `SELECT ypq_audit($2, $3, $4, 'update', 'case', e.id::text, 'deadline supervision',
                            jsonb_build_object('action', 'escalate', 'level', e.level))
           FROM jsonb_to_recordset($1::jsonb) AS e(id bigint, level int) ORDER BY e.id`,
    values: [JSON.stringify(rows.map((r) => ({ id: r.id, level: r.escalation_level }))), a.sub, a.role, a.unit],
  };
}

export interface EscalationResult {
  level1: number[];
  level2: number[];
}

/** Escalates what is overdue at `now`; the clock is a parameter so tests need not wait. */
export async function escalateOverdueCases(db: Db, o: { now: Date; level2AfterHours: number }): Promise<EscalationResult> {
  return inTransaction(db, async (client) => {
    // Level 2 first: a case reaching level 1 in this run has escalated_at = now and cannot qualify.
    const again = (await client.query<EscalatedRow>(escalateAgainSql(o.now, o.level2AfterHours))).rows;
    const first = (await client.query<EscalatedRow>(escalateToCountySql(o.now))).rows;
    const all = [...again, ...first];
    if (!all.length) return { level1: [], level2: [] };
    await client.query(historySql(all, o.now));
    // The county is told; the township too, since the case is still theirs to finish.
    await enqueueNotifications(
      client,
      'case.escalated',
      all.map((r) => ({
        message: caseMessage('case.escalated', { ...r, escalationLevel: r.escalation_level }, o.now),
        units: [r.county, r.township],
      })),
      o.now,
    );
    await client.query(auditSql(all));
    return { level1: first.map((r) => r.id), level2: again.map((r) => r.id) };
  });
}
