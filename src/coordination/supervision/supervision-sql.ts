// Case-handling figures per township, county and province and month, set-based over cases,
// case_history and case_delegations (006_cases.sql). A case belongs to the month it was raised in
// and to its current township (county-queue cases count at county level only); a delegation to
// the month it was made in and to the township it was handed to.
const MONTHS = `SELECT m::date AS month, (m AT TIME ZONE 'Asia/Shanghai') AS s, ((m + interval '1 month') AT TIME ZONE 'Asia/Shanghai') AS e
                FROM generate_series($1::timestamp, $2::timestamp, interval '1 month') AS m`;

const LEVEL = `CASE WHEN GROUPING(township) = 0 THEN 'township' WHEN GROUPING(county) = 0 THEN 'county' ELSE 'province' END`;
const UNIT = `CASE WHEN GROUPING(township) = 0 THEN township WHEN GROUPING(county) = 0 THEN county ELSE province END`;

export interface SupervisionComputedRow {
  month: string;
  level: 'township' | 'county' | 'province';
  unit: string;
  received: number;
  due: number;
  accepted: number;
  resolved_on_time: number;
  overdue: number;
  returned: number;
  median_response_hours: number | null;
  delegations: number;
  delegations_on_time: number;
}

/**
 * Per case: accepted (an accept in its history), resolved on time (its first resolve at or before
 * the deadline), handled (first resolve, return or close), overdue (not handled by the deadline,
 * judged at `asOf` for cases still open), returned (a return in its history), response time
 * (raise → first accept, resolve, return or handover, in hours; the median over cases that had one).
 */
export function supervisionSql(fromDay: string, toDay: string, asOf: Date) {
  return {
    text: `WITH months AS (${MONTHS}),
           c AS (SELECT m.month, cs.id, cs.township, cs.county, left(cs.county, 2) AS province, cs.created_at, cs.deadline
                 FROM cases cs JOIN months m ON cs.created_at >= m.s AND cs.created_at < m.e),
           h AS (SELECT h.case_id,
                        bool_or(h.action = 'accept') AS accepted,
                        min(h.at) FILTER (WHERE h.action = 'resolve') AS resolved_at,
                        bool_or(h.action = 'return') AS returned,
                        min(h.at) FILTER (WHERE h.action IN ('resolve', 'return', 'close', 'auto_close')) AS handled_at,
                        min(h.at) FILTER (WHERE h.action IN ('accept', 'resolve', 'return', 'delegate')) AS response_at
                 FROM case_history h JOIN c ON c.id = h.case_id GROUP BY h.case_id),
           x AS (SELECT c.*, coalesce(h.accepted, false) AS accepted, h.resolved_at, coalesce(h.returned, false) AS returned,
                        h.handled_at, h.response_at
                 FROM c LEFT JOIN h ON h.case_id = c.id),
           cs AS (SELECT month, ${LEVEL} AS level, ${UNIT} AS unit,
                         count(*)::int AS received,
                         count(*) FILTER (WHERE deadline < $3 OR handled_at IS NOT NULL)::int AS due,
                         count(*) FILTER (WHERE accepted)::int AS accepted,
                         count(*) FILTER (WHERE resolved_at <= deadline)::int AS resolved_on_time,
                         count(*) FILTER (WHERE coalesce(handled_at, $3) > deadline)::int AS overdue,
                         count(*) FILTER (WHERE returned)::int AS returned,
                         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM response_at - created_at) / 3600) AS median_response_hours
                  FROM x GROUP BY GROUPING SETS ((month, township), (month, county), (month, province))),
           d AS (SELECT m.month, dl.to_unit AS township, left(dl.to_unit, 6) AS county, left(dl.to_unit, 2) AS province,
                        dl.deadline, dl.answered_at
                 FROM case_delegations dl JOIN months m ON dl.created_at >= m.s AND dl.created_at < m.e
                 WHERE dl.status <> 'withdrawn'),
           ds AS (SELECT month, ${LEVEL} AS level, ${UNIT} AS unit, count(*)::int AS delegations,
                         count(*) FILTER (WHERE answered_at <= deadline)::int AS delegations_on_time
                  FROM d GROUP BY GROUPING SETS ((month, township), (month, county), (month, province)))
           SELECT to_char(month, 'YYYY-MM-DD') AS month, level, unit,
                  coalesce(cs.received, 0) AS received, coalesce(cs.due, 0) AS due, coalesce(cs.accepted, 0) AS accepted,
                  coalesce(cs.resolved_on_time, 0) AS resolved_on_time, coalesce(cs.overdue, 0) AS overdue,
                  coalesce(cs.returned, 0) AS returned, round(cs.median_response_hours::numeric, 2)::float8 AS median_response_hours,
                  coalesce(ds.delegations, 0) AS delegations, coalesce(ds.delegations_on_time, 0) AS delegations_on_time
           FROM cs FULL JOIN ds USING (month, level, unit)
           WHERE unit IS NOT NULL
           ORDER BY month, level, unit`,
    values: [fromDay, toDay, asOf],
  };
}

export interface SupervisionRow extends SupervisionComputedRow {
  score: number | null;
  computed_at: Date;
}

export function upsertSupervisionSql(rows: (SupervisionComputedRow & { score: number | null })[], now: Date) {
  return {
    text: `INSERT INTO coord_supervision_monthly (month, level, unit, received, due, accepted, resolved_on_time, overdue, returned,
             median_response_hours, delegations, delegations_on_time, score, computed_at)
           SELECT r.month, r.level, r.unit, r.received, r.due, r.accepted, r.resolved_on_time, r.overdue, r.returned,
                  r.median_response_hours, r.delegations, r.delegations_on_time, r.score, $2
           FROM jsonb_to_recordset($1::jsonb) AS r (month date, level text, unit text, received int, due int, accepted int,
                  resolved_on_time int, overdue int, returned int, median_response_hours numeric, delegations int,
                  delegations_on_time int, score numeric)
           ON CONFLICT (unit, month) DO UPDATE SET
             level = EXCLUDED.level, received = EXCLUDED.received, due = EXCLUDED.due, accepted = EXCLUDED.accepted,
             resolved_on_time = EXCLUDED.resolved_on_time, overdue = EXCLUDED.overdue, returned = EXCLUDED.returned,
             median_response_hours = EXCLUDED.median_response_hours, delegations = EXCLUDED.delegations,
             delegations_on_time = EXCLUDED.delegations_on_time, score = EXCLUDED.score, computed_at = EXCLUDED.computed_at`,
    values: [JSON.stringify(rows), now],
  };
}

/** A month's stored rows at one level, within a unit prefix (a county's townships: its code). */
export function supervisionMonthSql(f: { firstDay: string; level?: string; prefix: string | null; unit?: string }) {
  return {
    text: `SELECT to_char(month, 'YYYY-MM-DD') AS month, level, unit, received, due, accepted, resolved_on_time, overdue, returned,
                  median_response_hours::float8 AS median_response_hours, delegations, delegations_on_time, score::float8 AS score, computed_at
           FROM coord_supervision_monthly
           WHERE month = $1::date AND ($2::text IS NULL OR level = $2) AND ($3::text IS NULL OR unit LIKE $3 || '%')
             AND ($4::text IS NULL OR unit = $4)
           ORDER BY level DESC, score DESC NULLS LAST, unit`,
    values: [f.firstDay, f.level ?? null, f.prefix, f.unit ?? null],
  };
}

export function supervisionTrendSql(unit: string, fromDay: string, toDay: string) {
  return {
    text: `SELECT to_char(month, 'YYYY-MM-DD') AS month, level, unit, received, due, accepted, resolved_on_time, overdue, returned,
                  median_response_hours::float8 AS median_response_hours, delegations, delegations_on_time, score::float8 AS score, computed_at
           FROM coord_supervision_monthly WHERE unit = $1 AND month BETWEEN $2::date AND $3::date ORDER BY month`,
    values: [unit, fromDay, toDay],
  };
}
