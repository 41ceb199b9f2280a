// link_runs and link_results: what the link job writes, and the reads the routes, the review
// queue, the export and the rules make of it. One row → domain mapping in link-results.ts.
import type { Sql } from './sql.js';

/** Held by the transaction that links a batch: batches are linked and applied one at a time. */
export const LINK_LOCK = 0x59504c4b; // "YPLK"

export const lockLinkingSql = (): Sql => ({ text: 'SELECT pg_advisory_xact_lock($1, 0)', values: [LINK_LOCK] });

/** A batch's run, at most once per batch: no row back means the batch was linked already. */
export function insertRunSql(r: { kind: 'batch' | 'relink'; batchId: number | null; modelId: string; thresholds: unknown; actor: string }): Sql {
  return {
    text: `INSERT INTO link_runs (kind, batch_id, model_id, thresholds, actor) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (batch_id) WHERE kind = 'batch' DO NOTHING RETURNING id`,
    values: [r.kind, r.batchId, r.modelId, JSON.stringify(r.thresholds), r.actor],
  };
}

export interface RunCounts {
  persons: number;
  linked: number;
  review: number;
  new: number;
  changed: number;
  pairs: number;
}

export function finishRunSql(runId: number, c: RunCounts, timings: Record<string, number>): Sql {
  return {
    text: `UPDATE link_runs SET finished_at = clock_timestamp(), persons = $2, linked = $3, review = $4, new = $5, changed = $6, pairs = $7, timings = $8
           WHERE id = $1`,
    values: [runId, c.persons, c.linked, c.review, c.new, c.changed, c.pairs, JSON.stringify(timings)],
  };
}

/**
 * The ID numbers as received, per role: the canonical record holds a legacy 15-digit number
 * upgraded to 18 characters with a computed check digit, which would pass for a verified one.
 */
export const RAW_IDS = `CASE f.feed
    WHEN 'prenatal' THEN json_build_object('subject', f.raw->>'id_number')
    WHEN 'housing' THEN json_build_object('subject', f.raw->>'id_number')
    WHEN 'birth' THEN json_build_object('mother', f.raw->>'mother_id_number', 'father', f.raw->>'father_id_number')
    WHEN 'marriage' THEN json_build_object('party1', f.raw->>'party1_id_number', 'party2', f.raw->>'party2_id_number')
    WHEN 'household' THEN json_build_object('subject', coalesce(
      CASE WHEN f.record->>'type' = 'correction' THEN f.raw->'previous'->>'idNumber' END, f.raw->'person'->>'idNumber'))
  END AS raw_ids`;

/** The current records a batch wrote (superseded ones are linked by the batch that superseded them). */
export function batchRecordsSql(batchId: number): Sql {
  return {
    text: `SELECT f.agency, f.feed, f.record_id, f.version, f.batch_id, f.record, a.division AS agency_division, ${RAW_IDS}
           FROM feed_records f LEFT JOIN agencies a ON a.code = f.agency
           WHERE f.batch_id = $1 ORDER BY f.agency, f.position`,
    values: [batchId],
  };
}

/** Column order of the COPY into link_results. */
export const RESULT_COLUMNS = [
  'agency', 'feed', 'record_id', 'version', 'role', 'batch_id', 'run_id', 'division', 'status', 'pid', 'score', 'match_weight', 'rule',
  'explanation', 'model_id', 'applied_at', 'created_pid',
] as const;

export const copyResultsSql = (): Sql => ({ text: `COPY link_results (${RESULT_COLUMNS.join(', ')}) FROM STDIN`, values: [] });

export function runResultIdsSql(runId: number): Sql {
  return { text: 'SELECT id FROM link_results WHERE run_id = $1 ORDER BY id', values: [runId] };
}

/** A batch's earlier runs and their counts (GET /v1/links?batch=). */
export function batchRunsSql(batchId: number): Sql {
  return {
    text: `SELECT id, kind, model_id, started_at, finished_at, persons, linked, review, new, changed, pairs FROM link_runs
           WHERE batch_id = $1 ORDER BY id`,
    values: [batchId],
  };
}
