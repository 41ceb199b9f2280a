// Computing, storing and reading the supervision figures. A township sees its own rows, a county
// its own and its townships' (and its province's roll-up to compare against), an admin all.
// The rows are counts, no personal data.
import type pg from 'pg';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { monthRange, parseMonth, type Month } from '../shared/month.js';
import { inTransaction } from '../../db/transaction.js';
import { supervisionScore } from './supervision-score.js';
import {
  supervisionMonthSql, supervisionSql, supervisionTrendSql, upsertSupervisionSql, type SupervisionComputedRow, type SupervisionRow,
} from './supervision-sql.js';
import type { SupervisionMonthly } from './supervision-schema.js';

export async function computeSupervision(pool: pg.Pool, o: { from: Month; to: Month; asOf?: Date }): Promise<{ months: string[]; rows: number; ms: number }> {
  const started = Date.now();
  const months = monthRange(o.from, o.to);
  const asOf = o.asOf ?? new Date();
  const { rows } = await pool.query<SupervisionComputedRow>(supervisionSql(o.from.firstDay, o.to.firstDay, asOf));
  const scored = rows.map((r) => ({
    ...r,
    score: supervisionScore({ due: r.due, resolvedOnTime: r.resolved_on_time, overdue: r.overdue, delegations: r.delegations, delegationsOnTime: r.delegations_on_time }),
  }));
  await inTransaction(pool, async (client) => {
    for (let i = 0; i < scored.length; i += 2000) await client.query(upsertSupervisionSql(scored.slice(i, i + 2000), asOf));
  });
  return { months: months.map((m) => m.key), rows: scored.length, ms: Date.now() - started };
}

export function toSupervisionMonthly(r: SupervisionRow): SupervisionMonthly {
  return {
    month: r.month.slice(0, 7), level: r.level, unit: r.unit, received: r.received, due: r.due, accepted: r.accepted,
    resolvedOnTime: r.resolved_on_time, overdue: r.overdue, returned: r.returned, medianResponseHours: r.median_response_hours,
    delegations: r.delegations, delegationsOnTime: r.delegations_on_time, score: r.score, computedAt: r.computed_at.toISOString(),
  };
}

/** Whether the caller may see a unit's row. */
function sees(who: Principal, unit: string): boolean {
  switch (who.role) {
    case 'admin':
      return true;
    case 'county':
      return unit.startsWith(who.unit) || unit === who.unit.slice(0, 2);
    case 'township':
      return unit === who.unit;
    default:
      return false;
  }
}

export async function supervisionMonth(pool: pg.Pool, who: Principal, q: { month: string; level?: string; unit?: string }): Promise<SupervisionMonthly[]> {
  if (who.role === 'agency') throw appError('YPQ_FORBIDDEN', 'supervision figures are for townships, counties and admins');
  if (q.unit && !sees(who, q.unit)) throw appError('YPQ_FORBIDDEN', `unit ${who.unit} cannot see ${q.unit}`);
  const prefix = who.role === 'admin' ? null : who.role === 'county' ? null : who.unit;
  const { rows } = await pool.query<SupervisionRow>(supervisionMonthSql({ firstDay: parseMonth(q.month).firstDay, level: q.level, prefix, unit: q.unit }));
  return rows.filter((r) => sees(who, r.unit)).map(toSupervisionMonthly);
}

export async function supervisionTrend(pool: pg.Pool, who: Principal, q: { unit: string; from: string; to: string }): Promise<SupervisionMonthly[]> {
  if (!sees(who, q.unit)) throw appError('YPQ_FORBIDDEN', `unit ${who.unit} cannot see ${q.unit}`);
  const from = parseMonth(q.from);
  const to = parseMonth(q.to);
  monthRange(from, to);
  const { rows } = await pool.query<SupervisionRow>(supervisionTrendSql(q.unit, from.firstDay, to.firstDay));
  return rows.map(toSupervisionMonthly);
}
