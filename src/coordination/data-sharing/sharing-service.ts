// 数据共享: computing and storing the monthly figures, reading them by scope, ranking agencies,
// and reminding late or incomplete ones. The county office sees the agencies of its county, an
// agency its own rows, an admin all; townships have no part in data supply.
import type pg from 'pg';
import { audit } from '../../audit/audit-log.js';
import type { FeedKind, Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { monthRange, parseMonth, type Month } from '../shared/month.js';
import { inTransaction } from '../../db/transaction.js';
import { remind, reminderMessage } from '../reminders/remind.js';
import type { NewReminder } from '../reminders/reminder-repo.js';
import { COMPLETENESS_FIELDS } from './completeness-fields.js';
import { linkedShares, shareKey } from './linked-share.js';
import { completeness, onTimeRate, reportingRate, sharingScore } from './sharing-score.js';
import {
  agencyCountySql, batchFieldsSql, listSharingSql, rankingSql, sharingBaseSql, upsertSharingSql,
  type BatchFieldsRow, type RankingRow, type SharingBaseRow, type SharingRow, type SharingRowInput,
} from './sharing-sql.js';
import { countBatchFields } from './batch-fields.js';
import type { SharingMonthly, SharingRank } from './sharing-schema.js';

export interface ComputeResult {
  months: string[];
  rows: number;
  /** Batches whose fields had not been counted yet and were counted now. */
  countedBatches: number;
  ms: number;
}

/** Recomputes and stores the figures of every month from `from` to `to` (idempotent). */
export async function computeSharing(
  pool: pg.Pool, o: { from: Month; to: Month; onTimeDays: number; now?: Date; concurrency?: number },
): Promise<ComputeResult> {
  const started = Date.now();
  const months = monthRange(o.from, o.to);
  const fromDay = o.from.firstDay;
  const toDay = o.to.firstDay;
  // Batches of these months not counted yet (normally none: the jobs count them as they land).
  const counted = await countBatchFields(pool, { range: { start: o.from.start, end: o.to.end }, concurrency: o.concurrency, now: o.now });
  const [base, linked, perBatch] = await Promise.all([
    pool.query<SharingBaseRow>(sharingBaseSql(fromDay, toDay, o.onTimeDays)).then((r) => r.rows),
    linkedShares(pool, fromDay, toDay),
    pool.query<BatchFieldsRow>(batchFieldsSql(fromDay, toDay)).then((r) => r.rows),
  ]);
  const stored = new Map<string, { records: number; filled: number[] }>();
  for (const b of perBatch) {
    const key = shareKey(b.month, b.agency, b.feed);
    const s = stored.get(key) ?? { records: 0, filled: b.filled.map(() => 0) };
    s.records += b.records;
    // bigint[] arrives as strings (only scalar int8 has a number parser).
    b.filled.forEach((n, i) => (s.filled[i] = (s.filled[i] ?? 0) + Number(n)));
    stored.set(key, s);
  }
  const rows: SharingRowInput[] = base.map((b) => {
    const fields = COMPLETENESS_FIELDS[b.feed as FeedKind] ?? [];
    const s = stored.get(shareKey(b.month, b.agency, b.feed));
    const c = completeness(fields, s?.records ?? 0, s?.filled ?? []);
    const reporting = reportingRate(b.submissions, b.expected);
    const onTime = onTimeRate(b.on_time_submissions, b.expected);
    const share = linked?.get(shareKey(b.month, b.agency, b.feed));
    return {
      ...b,
      rejected_by_reason: b.rejected_by_reason ?? {},
      reporting_rate: reporting,
      on_time_rate: onTime,
      stored_records: s?.records ?? 0,
      completeness: c.perField,
      completeness_rate: c.rate,
      linked_share: share === undefined ? null : Math.round(share * 10000) / 10000,
      score: sharingScore({ reporting, onTime, completeness: c.rate, expected: b.expected }),
    };
  });
  // Large ranges are written in slices: one JSON parameter per few thousand rows.
  await inTransaction(pool, async (client) => {
    for (let i = 0; i < rows.length; i += 2000) await client.query(upsertSharingSql(rows.slice(i, i + 2000), o.now ?? new Date()));
  });
  return { months: months.map((m) => m.key), rows: rows.length, countedBatches: counted.batches, ms: Date.now() - started };
}

interface Scope {
  county: string | null;
  agency?: string;
}

async function sharingScope(pool: pg.Pool, who: Principal, asked: { county?: string; agency?: string }): Promise<Scope> {
  switch (who.role) {
    case 'admin':
      return { county: asked.county ?? null, agency: asked.agency };
    case 'county':
      if (asked.county && asked.county !== who.unit) throw appError('YPQ_FORBIDDEN', `county ${who.unit} sees its own agencies only`);
      return { county: who.unit, agency: asked.agency };
    case 'agency': {
      if (asked.agency && asked.agency !== who.unit) throw appError('YPQ_FORBIDDEN', `agency ${who.unit} sees its own figures only`);
      return { county: null, agency: who.unit };
    }
    default:
      throw appError('YPQ_FORBIDDEN', 'data-sharing figures are for agencies, the county office and admins');
  }
}

export function toSharingMonthly(r: SharingRow): SharingMonthly {
  return {
    month: r.month.slice(0, 7), agency: r.agency, agencyName: r.agency_name, feed: r.feed, county: r.county, expected: r.expected,
    submissions: r.submissions, onTimeSubmissions: r.on_time_submissions, failedBatches: r.failed_batches, supplied: r.supplied,
    accepted: r.accepted, rejected: r.rejected, duplicates: r.duplicates, rejectedByReason: r.rejected_by_reason,
    reportingRate: r.reporting_rate, onTimeRate: r.on_time_rate, storedRecords: r.stored_records, completeness: r.completeness,
    completenessRate: r.completeness_rate, linkedShare: r.linked_share, score: r.score, computedAt: r.computed_at.toISOString(),
  };
}

export interface SharingQuery {
  month?: string;
  from?: string;
  to?: string;
  county?: string;
  agency?: string;
  feed?: string;
}

function monthsOf(q: SharingQuery): { from: Month; to: Month } {
  if (q.month) return { from: parseMonth(q.month), to: parseMonth(q.month) };
  if (q.from && q.to) return { from: parseMonth(q.from), to: parseMonth(q.to) };
  throw appError('YPQ_VALIDATION', 'give month, or from and to');
}

export async function listSharing(pool: pg.Pool, who: Principal, q: SharingQuery): Promise<SharingMonthly[]> {
  const scope = await sharingScope(pool, who, q);
  const { from, to } = monthsOf(q);
  monthRange(from, to);
  const { rows } = await pool.query<SharingRow>(listSharingSql({ ...scope, feed: q.feed, fromDay: from.firstDay, toDay: to.firstDay }));
  return rows.map(toSharingMonthly);
}

export async function sharingRanking(pool: pg.Pool, who: Principal, q: { month: string; county?: string }): Promise<SharingRank[]> {
  let county: string | null;
  if (who.role === 'agency') {
    // An agency sees where it stands among the agencies of its own county.
    county = (await pool.query<{ county: string }>(agencyCountySql(who.unit))).rows[0]?.county ?? null;
    if (!county) throw appError('YPQ_NOT_FOUND', `agency ${who.unit}`);
  } else {
    county = (await sharingScope(pool, who, { county: q.county })).county;
  }
  const { rows } = await pool.query<RankingRow>(rankingSql(county, parseMonth(q.month).firstDay));
  return rows.map((r, i) => ({
    rank: i + 1, agency: r.agency, agencyName: r.agency_name, feeds: r.feeds, score: r.score,
    reportingRate: r.reporting_rate, onTimeRate: r.on_time_rate, completenessRate: r.completeness_rate,
  }));
}

export async function exportRows(pool: pg.Pool, who: Principal, q: SharingQuery & { format: string }): Promise<SharingMonthly[]> {
  const rows = await listSharing(pool, who, q);
  await audit(pool, who, {
    action: 'export', objectType: 'coord_sharing', objectId: q.month ?? `${q.from}..${q.to}`, purpose: 'data-sharing supervision',
    detail: { format: q.format, rows: rows.length },
  });
  return rows;
}

/**
 * Late (reporting or on-time rate below 1) and incomplete (completeness below the threshold)
 * agencies of a month get a reminder, once per agency, feed, month and kind.
 */
export async function remindLateAgencies(pool: pg.Pool, month: Month, threshold: number, county: string | null, now = new Date()): Promise<number> {
  const { rows } = await pool.query<SharingRow>(listSharingSql({ county, fromDay: month.firstDay, toDay: month.firstDay }));
  const items: NewReminder[] = [];
  for (const r of rows) {
    const facts = { agency: r.agency, feed: r.feed, month: month.key, occurredAt: now.toISOString() };
    const ref = `${r.feed}:${month.key}`;
    if (r.expected > 0 && ((r.reporting_rate ?? 0) < 1 || (r.on_time_rate ?? 0) < 1)) {
      items.push({ kind: 'sharing_late', unit: r.agency, ref, message: reminderMessage({ kind: 'sharing_late', unit: r.agency, ...facts }) });
    }
    if (r.completeness_rate !== null && r.completeness_rate < threshold) {
      items.push({ kind: 'sharing_incomplete', unit: r.agency, ref, message: reminderMessage({ kind: 'sharing_incomplete', unit: r.agency, ...facts }) });
    }
  }
  return (await remind(pool, items, now)).length;
}
