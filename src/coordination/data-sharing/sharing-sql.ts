// The monthly data-sharing figures, set-based over batches, rejects and stored records. Months
// are calendar months in China Standard Time; a batch belongs to the month it was received in.
import { COMPLETENESS_FIELDS, jsonPath } from './completeness-fields.js';
import type { FeedKind } from '../../auth/principal.js';

const MONTHS = `SELECT m::date AS month, (m AT TIME ZONE 'Asia/Shanghai') AS s, ((m + interval '1 month') AT TIME ZONE 'Asia/Shanghai') AS e
                FROM generate_series($1::timestamp, $2::timestamp, interval '1 month') AS m`;

export interface SharingBaseRow {
  month: string;
  agency: string;
  feed: string;
  county: string;
  expected: number;
  submissions: number;
  on_time_submissions: number;
  failed_batches: number;
  supplied: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  rejected_by_reason: Record<string, number> | null;
}

/**
 * One row per month and (agency, feed): every feed an agency is registered for, and any other it
 * sent. Schedule: `expected` = agencies.expected_per_month submissions; the month is cut into that
 * many equal periods and the k-th committed batch of the month is on time when it arrived by the
 * end of the k-th period plus `onTimeDays` (DHIS2: "within N days of the period's end").
 * Batches beyond `expected` count as submissions but cannot raise the rates above 1.
 */
export function sharingBaseSql(fromDay: string, toDay: string, onTimeDays: number) {
  return {
    text: `WITH months AS (${MONTHS}),
           b AS (SELECT m.month, m.s, m.e, b.id, b.agency, b.feed, b.status, b.received_at, b.received, b.accepted, b.rejected, b.duplicate
                 FROM batches b JOIN months m ON b.received_at >= m.s AND b.received_at < m.e),
           keys AS (SELECT a.code AS agency, f.feed FROM agencies a CROSS JOIN LATERAL unnest(a.feeds) AS f (feed)
                    UNION SELECT DISTINCT agency, feed FROM b),
           grid AS (SELECT m.month, m.s, m.e, k.agency, k.feed, coalesce(left(a.division, 6), '') AS county,
                           coalesce(a.expected_per_month, 0) AS expected
                    FROM months m CROSS JOIN keys k LEFT JOIN agencies a ON a.code = k.agency),
           c AS (SELECT b.*, row_number() OVER (PARTITION BY b.month, b.agency, b.feed ORDER BY b.received_at, b.id) AS k
                 FROM b WHERE b.status = 'committed'),
           agg AS (SELECT c.month, c.agency, c.feed, count(*)::int AS submissions,
                          count(*) FILTER (WHERE g.expected > 0 AND c.k <= g.expected
                            AND c.received_at <= c.s + (c.e - c.s) * (c.k::float8 / g.expected) + make_interval(days => $3))::int AS on_time,
                          sum(c.received)::bigint AS supplied, sum(c.accepted)::bigint AS accepted,
                          sum(c.rejected)::bigint AS rejected, sum(c.duplicate)::bigint AS duplicates
                   FROM c JOIN grid g USING (month, agency, feed) GROUP BY 1, 2, 3),
           failed AS (SELECT month, agency, feed, count(*)::int AS n FROM b WHERE status = 'failed' GROUP BY 1, 2, 3),
           rj AS (SELECT b.month, b.agency, b.feed, r.code, count(DISTINCT (r.batch_id, r.position))::int AS n
                  FROM batch_rejects r JOIN b ON b.id = r.batch_id AND b.agency = r.agency
                  WHERE b.status = 'committed' GROUP BY 1, 2, 3, 4),
           reasons AS (SELECT month, agency, feed, jsonb_object_agg(code, n) AS by_reason FROM rj GROUP BY 1, 2, 3)
           SELECT to_char(g.month, 'YYYY-MM-DD') AS month, g.agency, g.feed, g.county, g.expected,
                  coalesce(agg.submissions, 0) AS submissions, coalesce(agg.on_time, 0) AS on_time_submissions,
                  coalesce(failed.n, 0) AS failed_batches, coalesce(agg.supplied, 0) AS supplied, coalesce(agg.accepted, 0) AS accepted,
                  coalesce(agg.rejected, 0) AS rejected, coalesce(agg.duplicates, 0) AS duplicates, reasons.by_reason AS rejected_by_reason
           FROM grid g
           LEFT JOIN agg USING (month, agency, feed)
           LEFT JOIN failed USING (month, agency, feed)
           LEFT JOIN reasons USING (month, agency, feed)
           ORDER BY g.month, g.agency, g.feed`,
    values: [fromDay, toDay, onTimeDays],
  };
}

const KEY = /^[A-Za-z][A-Za-z0-9]*$/;
const ident = (k: string) => {
  if (!KEY.test(k)) throw new Error(`not a record key: ${k}`);
  return `"${k}"`;
};

/**
 * The record is parsed once per row: json_to_record takes the top-level keys the fields need in
 * one pass (and once more for each nested person object), where a `#>>` per field would scan the
 * JSON text again for every field — four times slower. Only the record keys of
 * COMPLETENESS_FIELDS (constants, checked above) are put into the text.
 */
function extraction(fields: readonly string[]): { joins: string; counts: string } {
  const top = new Map<string, string[]>();
  for (const f of fields) {
    const [head, sub] = jsonPath(f);
    if (!top.has(head)) top.set(head, []);
    if (sub) top.get(head)!.push(sub);
  }
  const cols = [...top].map(([k, subs]) => `${ident(k)} ${subs.length ? 'json' : 'text'}`).join(', ');
  const nested = [...top].filter(([, subs]) => subs.length);
  const joins = [
    `LEFT JOIN LATERAL json_to_record(r.record::json) AS x (${cols}) ON true`,
    ...nested.map(([k, subs], i) => `LEFT JOIN LATERAL json_to_record(x.${ident(k)}) AS n${i} (${subs.map((s) => `${ident(s)} text`).join(', ')}) ON true`),
  ].join('\n           ');
  const column = (f: string) => {
    const [head, sub] = jsonPath(f);
    return sub ? `n${nested.findIndex(([k]) => k === head)}.${ident(sub)}` : `x.${ident(head)}`;
  };
  const counts = fields.map((f) => `count(*) FILTER (WHERE r.batch_id IS NOT NULL AND nullif(${column(f)}, '') IS NOT NULL)`).join(', ');
  return { joins, counts };
}

/** Committed batches of a feed not counted yet (or counted for another field list), oldest first. */
export function uncountedBatchesSql(feed: FeedKind, range: { start: Date; end: Date } | null, limit: number) {
  return {
    text: `SELECT b.id FROM batches b LEFT JOIN coord_batch_fields c ON c.batch_id = b.id
           WHERE b.status = 'committed' AND b.feed = $1 AND (c.batch_id IS NULL OR c.fields <> $2::text[])
             AND ($3::timestamptz IS NULL OR b.received_at >= $3) AND ($4::timestamptz IS NULL OR b.received_at < $4)
           ORDER BY b.id LIMIT $5`,
    values: [feed, COMPLETENESS_FIELDS[feed], range?.start ?? null, range?.end ?? null, limit],
  };
}

/**
 * Counts the stored records of some batches of one feed — current versions and those later
 * corrections moved to history — and, per field of COMPLETENESS_FIELDS[feed], how many give a
 * non-empty value; stores one coord_batch_fields row per batch.
 */
export function countBatchFieldsSql(feed: FeedKind, batchIds: number[], now: Date) {
  const { joins, counts } = extraction(COMPLETENESS_FIELDS[feed]);
  return {
    text: `WITH r AS (SELECT f.batch_id, f.record FROM feed_records f WHERE f.batch_id = ANY($2::bigint[]) AND f.feed = $1
                     UNION ALL
                     SELECT h.batch_id, h.record FROM feed_record_history h WHERE h.batch_id = ANY($2::bigint[]) AND h.feed = $1)
           INSERT INTO coord_batch_fields (batch_id, agency, feed, fields, records, filled, counted_at)
           SELECT b.id, b.agency, b.feed, $3::text[], count(r.batch_id), ARRAY[${counts}]::bigint[], $4
           FROM batches b LEFT JOIN r ON r.batch_id = b.id
           ${joins}
           WHERE b.id = ANY($2::bigint[])
           GROUP BY b.id, b.agency, b.feed
           ON CONFLICT (batch_id) DO UPDATE SET fields = EXCLUDED.fields, records = EXCLUDED.records, filled = EXCLUDED.filled,
             counted_at = EXCLUDED.counted_at`,
    values: [feed, batchIds, COMPLETENESS_FIELDS[feed], now],
  };
}

export interface BatchFieldsRow {
  month: string;
  agency: string;
  feed: string;
  fields: string[];
  records: number;
  filled: (number | string)[];
}

/** The per-batch counts of the months' committed batches, with the month each belongs to. */
export function batchFieldsSql(fromDay: string, toDay: string) {
  return {
    text: `WITH months AS (${MONTHS})
           SELECT to_char(m.month, 'YYYY-MM-DD') AS month, c.agency, c.feed, c.fields, c.records, c.filled
           FROM coord_batch_fields c JOIN batches b ON b.id = c.batch_id AND b.status = 'committed'
           JOIN months m ON b.received_at >= m.s AND b.received_at < m.e`,
    values: [fromDay, toDay],
  };
}

/** A base row, its rejects by reason settled, plus the rates and figures computed from it. */
export interface SharingRowInput extends Omit<SharingBaseRow, 'rejected_by_reason'> {
  rejected_by_reason: Record<string, number>;
  reporting_rate: number | null;
  on_time_rate: number | null;
  stored_records: number;
  completeness: Record<string, number>;
  completeness_rate: number | null;
  linked_share: number | null;
  score: number | null;
}

export function upsertSharingSql(rows: SharingRowInput[], now: Date) {
  return {
    text: `INSERT INTO coord_sharing_monthly (month, agency, feed, county, expected, submissions, on_time_submissions, failed_batches,
             supplied, accepted, rejected, duplicates, rejected_by_reason, reporting_rate, on_time_rate, stored_records, completeness,
             completeness_rate, linked_share, score, computed_at)
           SELECT r.month, r.agency, r.feed, r.county, r.expected, r.submissions, r.on_time_submissions, r.failed_batches, r.supplied,
                  r.accepted, r.rejected, r.duplicates, r.rejected_by_reason, r.reporting_rate, r.on_time_rate, r.stored_records,
                  r.completeness, r.completeness_rate, r.linked_share, r.score, $2
           FROM jsonb_to_recordset($1::jsonb) AS r (month date, agency text, feed text, county text, expected int, submissions int,
                  on_time_submissions int, failed_batches int, supplied bigint, accepted bigint, rejected bigint, duplicates bigint,
                  rejected_by_reason jsonb, reporting_rate numeric, on_time_rate numeric, stored_records bigint, completeness jsonb,
                  completeness_rate numeric, linked_share numeric, score numeric)
           ON CONFLICT (month, agency, feed) DO UPDATE SET
             county = EXCLUDED.county, expected = EXCLUDED.expected, submissions = EXCLUDED.submissions,
             on_time_submissions = EXCLUDED.on_time_submissions, failed_batches = EXCLUDED.failed_batches, supplied = EXCLUDED.supplied,
             accepted = EXCLUDED.accepted, rejected = EXCLUDED.rejected, duplicates = EXCLUDED.duplicates,
             rejected_by_reason = EXCLUDED.rejected_by_reason, reporting_rate = EXCLUDED.reporting_rate, on_time_rate = EXCLUDED.on_time_rate,
             stored_records = EXCLUDED.stored_records, completeness = EXCLUDED.completeness, completeness_rate = EXCLUDED.completeness_rate,
             linked_share = EXCLUDED.linked_share, score = EXCLUDED.score, computed_at = EXCLUDED.computed_at`,
    values: [JSON.stringify(rows), now],
  };
}

export interface SharingRow extends SharingRowInput {
  agency_name: string | null;
  computed_at: Date;
}

export function listSharingSql(f: { county: string | null; agency?: string; feed?: string; fromDay: string; toDay: string }) {
  return {
    text: `SELECT to_char(s.month, 'YYYY-MM-DD') AS month, s.agency, a.name AS agency_name, s.feed, s.county, s.expected, s.submissions,
                  s.on_time_submissions, s.failed_batches, s.supplied, s.accepted, s.rejected, s.duplicates, s.rejected_by_reason,
                  s.reporting_rate, s.on_time_rate, s.stored_records, s.completeness, s.completeness_rate, s.linked_share, s.score, s.computed_at
           FROM coord_sharing_monthly s LEFT JOIN agencies a ON a.code = s.agency
           WHERE s.month BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR s.county = $3)
             AND ($4::text IS NULL OR s.agency = $4) AND ($5::text IS NULL OR s.feed = $5)
           ORDER BY s.month, s.agency, s.feed`,
    values: [f.fromDay, f.toDay, f.county, f.agency ?? null, f.feed ?? null],
  };
}

export interface RankingRow {
  agency: string;
  agency_name: string | null;
  feeds: number;
  score: number | null;
  reporting_rate: number | null;
  on_time_rate: number | null;
  completeness_rate: number | null;
}

/** Agencies of a month by their mean feed score, best first. */
export function rankingSql(county: string | null, firstDay: string) {
  return {
    text: `SELECT s.agency, a.name AS agency_name, count(*)::int AS feeds, round(avg(s.score), 1)::float8 AS score,
                  round(avg(s.reporting_rate), 4)::float8 AS reporting_rate, round(avg(s.on_time_rate), 4)::float8 AS on_time_rate,
                  round(avg(s.completeness_rate), 4)::float8 AS completeness_rate
           FROM coord_sharing_monthly s LEFT JOIN agencies a ON a.code = s.agency
           WHERE s.month = $2::date AND ($1::text IS NULL OR s.county = $1)
           GROUP BY s.agency, a.name
           ORDER BY avg(s.score) DESC NULLS LAST, s.agency`,
    values: [county, firstDay],
  };
}

export function agencyCountySql(code: string) {
  return { text: 'SELECT left(division, 6) AS county FROM agencies WHERE code = $1', values: [code] };
}
