// The archive: archived items in time order with Chinese full-text search (character n-grams,
// see coord_ngrams in 007_coordination.sql), and each unit's handling record.
import type { HandlingRecord } from './archive-schema.js';

export interface ArchiveFilter {
  unit: string;
  /** Sees every archived item of the county (null: all counties) rather than its own. */
  office: boolean;
  county: string | null;
  q?: string;
  /** Items this unit asked for or handled. */
  involving?: string;
  from?: Date;
  to?: Date;
  after: { key: string; id: number } | null;
  limit: number;
}

/**
 * The index narrows by n-grams (every bigram of the query in the item's text); the substring
 * check then keeps only items that contain each query segment as written, so "户口登记" does not
 * match a text that merely holds "户口" and "登记" apart.
 */
export function searchArchiveSql(f: ArchiveFilter) {
  return {
    text: `SELECT i.id, i.county, i.requester, ru.name AS requester_name, i.title, i.status, i.returns, i.on_time,
                  i.created_at, i.updated_at, i.archived_at,
                  coalesce((SELECT array_agg(a.unit ORDER BY a.id) FROM coord_item_assignments a WHERE a.item_id = i.id), '{}') AS units,
                  NULL::timestamptz AS next_deadline, false AS overdue
           FROM coord_items i JOIN coord_units ru ON ru.code = i.requester
           WHERE i.status = 'archived' AND ($1::text IS NULL OR i.county = $1)
             AND ($2 OR i.requester = $3 OR EXISTS (SELECT 1 FROM coord_item_assignments x WHERE x.item_id = i.id AND x.unit = $3))
             AND ($4::text IS NULL OR (i.search_grams @> coord_query_grams($4)
                  AND NOT EXISTS (SELECT 1 FROM coord_search_segments($4) s WHERE strpos(lower(i.search_text), s) = 0)))
             AND ($5::text IS NULL OR i.requester = $5 OR EXISTS (SELECT 1 FROM coord_item_assignments x WHERE x.item_id = i.id AND x.unit = $5))
             AND ($6::timestamptz IS NULL OR i.archived_at >= $6) AND ($7::timestamptz IS NULL OR i.archived_at < $7)
             AND ($8::timestamptz IS NULL OR (i.archived_at, i.id) < ($8, $9))
           ORDER BY i.archived_at DESC, i.id DESC LIMIT $10`,
    values: [
      f.county, f.office, f.unit, f.q?.trim() || null, f.involving ?? null, f.from ?? null, f.to ?? null,
      f.after?.key ?? null, f.after?.id ?? 0, f.limit,
    ],
  };
}

export interface HandlingRecordRow {
  unit: string;
  unit_name: string;
  kind: string;
  archived: number;
  on_time: number;
  late: number;
  returned: number;
  average_days: number | null;
  open: number;
  overdue: number;
}

export function toHandlingRecord(r: HandlingRecordRow): HandlingRecord {
  return {
    unit: r.unit, unitName: r.unit_name, kind: r.kind, archived: r.archived, onTime: r.on_time, late: r.late, returned: r.returned,
    onTimeRate: r.archived ? Math.round((r.on_time / r.archived) * 10000) / 10000 : null,
    averageDays: r.average_days === null ? null : Math.round(r.average_days * 100) / 100,
    open: r.open, overdue: r.overdue,
  };
}

/** Per member unit: its assignments on items archived in [from, to), and what waits for it now. */
export function handlingRecordSql(county: string, from: Date | null, to: Date | null, now: Date) {
  return {
    text: `SELECT u.code AS unit, u.name AS unit_name, u.kind,
                  count(*) FILTER (WHERE d.done)::int AS archived,
                  count(*) FILTER (WHERE d.done AND NOT a.late AND a.returns = 0)::int AS on_time,
                  count(*) FILTER (WHERE d.done AND a.late)::int AS late,
                  count(*) FILTER (WHERE d.done AND a.returns > 0)::int AS returned,
                  (avg(extract(epoch FROM a.submitted_at - a.assigned_at)) FILTER (WHERE d.done) / 86400)::float8 AS average_days,
                  count(*) FILTER (WHERE a.status = 'pending' AND i.status = 'in_progress')::int AS open,
                  count(*) FILTER (WHERE a.status = 'pending' AND i.status = 'in_progress' AND a.deadline < $4)::int AS overdue
           FROM coord_units u
           LEFT JOIN coord_item_assignments a ON a.unit = u.code
           LEFT JOIN coord_items i ON i.id = a.item_id
           CROSS JOIN LATERAL (SELECT i.status = 'archived' AND ($2::timestamptz IS NULL OR i.archived_at >= $2)
                                      AND ($3::timestamptz IS NULL OR i.archived_at < $3) AS done) d
           WHERE u.county = $1 AND u.active
           GROUP BY u.code, u.name, u.kind, u.sort_order
           ORDER BY u.sort_order, u.code`,
    values: [county, from, to, now],
  };
}
