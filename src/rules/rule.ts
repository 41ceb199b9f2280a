// The shape every rule module has: set-based SQL that finds the causes of one batch (or of the
// whole database, for a sweep), the SQL that finds the causes that disappeared, and a pure
// function from a cause row to the case to raise. run-rules.ts drives them.
//
// Every cause query returns the same columns, so the runner needs no per-rule code:
//   dedup_key, subjects (text[]), hukou, residence, submitter (division codes), payload (jsonb),
//   source (jsonb)
// and every close query returns dedup_key, reason — only for causes that have an unhandled case.
import type { CaseSource } from '../cases/raise-case.js';
import { ruleDefinition, type RoutingTarget, type RuleCode } from './catalog.js';

export interface Sql {
  text: string;
  values: unknown[];
}

/** Which records a run looks at: one batch's, or every record (the daily sweep). */
export type RuleScope = { batchId: number; asOf: Date } | { batchId: null; asOf: Date };

export interface CauseRow {
  dedup_key: string;
  subjects: string[];
  hukou: string | null;
  residence: string | null;
  submitter: string | null;
  payload: Record<string, unknown>;
  source: CaseSource;
}

export interface CloseRow {
  dedup_key: string;
  reason: string;
}

export interface RuleSettings {
  /** NEWBORN_REGISTRATION_DAYS */
  newbornRegistrationDays: number;
}

export interface BatchRule {
  code: RuleCode;
  /** Where the case goes; the catalog's routing unless the rule's brief says otherwise. */
  routing: RoutingTarget;
  causes(scope: RuleScope, s: RuleSettings): Sql;
  closes?(scope: RuleScope, s: RuleSettings): Sql;
  /** Runs in sweeps (time-based causes) besides batches. */
  sweep?: boolean;
  /** A last pure check on a cause row (e.g. names compared after normalisation); false drops it. */
  keep?(row: CauseRow): boolean;
}

export const routingOf = (code: RuleCode): RoutingTarget => ruleDefinition(code)!.routing;

/**
 * The events a run reads, as a CTE body: the current version of each decided person of the
 * scope's records, with the submitting agency's division. `$1` is the batch id or null.
 */
export const EVENTS_CTE = `ev AS (
  SELECT e.result_id, e.agency, e.feed, e.record_id, e.version, e.role, e.status, e.pid, e.person_pid, e.batch_id,
         e.record, e.record -> e.role AS who, a.division AS agency_division
  FROM link_events e
  LEFT JOIN agencies a ON a.code = e.agency
  WHERE e.batch_id = $1::bigint
)`;

/** The case source of an event row aliased `e`. */
export const SOURCE_SQL = `jsonb_build_object('kind', 'record', 'agency', e.agency, 'feed', e.feed, 'batchId', e.batch_id, 'recordId', e.record_id)`;

/** Unhandled: open, accepted or returned (closeCaseForCause closes only those). */
export const UNHANDLED = `('open', 'accepted', 'returned')`;
