// The cases, case_history and case_delegations tables: SQL next to its owner, and the one place
// where their rows become domain objects.
import type { Principal } from '../auth/principal.js';
import { ruleDefinition } from '../rules/catalog.js';
import type { Case, CaseDelegation, CaseHistoryEntry, CaseSummary } from './case-schema.js';
import { AUTO_CLOSABLE, type CaseActor, type CaseScopeFacts, type CaseStatus } from './case-state.js';
import { SqlParams } from '../db/transaction.js';

export interface CaseRow {
  id: number;
  rule: string;
  dedup_key: string;
  subjects: string[];
  township: string | null;
  county: string;
  status: CaseStatus;
  return_reason: string | null;
  closure: string | null;
  close_reason: string | null;
  deadline: Date;
  escalation_level: number;
  escalated_at: Date | null;
  payload: Record<string, unknown>;
  explanation: unknown;
  source: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  overdue: boolean;
  delegated_to: string | null;
  delegated_units: string[];
}

export interface HistoryRow {
  at: Date;
  actor: string;
  role: string;
  unit: string;
  action: string;
  comment: string | null;
  detail: unknown;
}

export interface DelegationRow {
  id: number;
  case_id: number;
  from_unit: string;
  to_unit: string;
  deadline: Date;
  request: string;
  status: 'pending' | 'answered' | 'withdrawn';
  answer: string | null;
  answered_by: string | null;
  created_at: Date;
  answered_at: Date | null;
}

// Derived columns every read needs. Deadlines come from JS Dates (millisecond precision), so
// the ISO strings in cursors compare exactly.
const CASE_COLUMNS = `c.*,
  (c.status IN ('open', 'accepted') AND c.deadline < now()) AS overdue,
  (SELECT d.to_unit FROM case_delegations d WHERE d.case_id = c.id AND d.status = 'pending') AS delegated_to,
  ARRAY(SELECT DISTINCT d.to_unit FROM case_delegations d WHERE d.case_id = c.id) AS delegated_units`;

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function toCaseSummary(r: CaseRow): CaseSummary {
  const def = ruleDefinition(r.rule);
  return {
    id: r.id,
    rule: r.rule,
    title: def ? { ...def.title } : { zh: r.rule, en: r.rule },
    status: r.status,
    township: r.township,
    county: r.county,
    deadline: iso(r.deadline),
    overdue: r.overdue,
    escalationLevel: r.escalation_level,
    delegatedTo: r.delegated_to,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toHistoryEntry(r: HistoryRow): CaseHistoryEntry {
  return { at: iso(r.at), actor: r.actor, role: r.role, unit: r.unit, action: r.action, comment: r.comment, detail: r.detail };
}

export function toDelegation(r: DelegationRow): CaseDelegation {
  return {
    id: r.id,
    fromUnit: r.from_unit,
    toUnit: r.to_unit,
    deadline: iso(r.deadline),
    request: r.request,
    status: r.status,
    answer: r.answer,
    answeredBy: r.answered_by,
    createdAt: iso(r.created_at),
    answeredAt: isoOrNull(r.answered_at),
  };
}

export function toCase(r: CaseRow, delegations: DelegationRow[], history: HistoryRow[]): Case {
  return {
    ...toCaseSummary(r),
    subjects: r.subjects,
    payload: r.payload,
    explanation: r.explanation,
    source: r.source,
    returnReason: r.return_reason,
    closure: r.closure,
    closeReason: r.close_reason,
    escalatedAt: isoOrNull(r.escalated_at),
    closedAt: isoOrNull(r.closed_at),
    delegations: delegations.map(toDelegation),
    history: history.map(toHistoryEntry),
  };
}

export function scopeFacts(r: CaseRow): CaseScopeFacts {
  return {
    township: r.township,
    county: r.county,
    escalationLevel: r.escalation_level,
    delegatedTo: r.delegated_units,
    pendingDelegate: r.delegated_to,
  };
}

// ---- reads

export function caseByIdSql(id: number, forUpdate = false) {
  // FOR UPDATE OF c: the derived sub-selects must not lock the delegations too.
  return { text: `SELECT ${CASE_COLUMNS} FROM cases c WHERE c.id = $1${forUpdate ? ' FOR UPDATE OF c' : ''}`, values: [id] };
}

export function caseHistorySql(id: number) {
  return { text: 'SELECT at, actor, role, unit, action, comment, detail FROM case_history WHERE case_id = $1 ORDER BY id', values: [id] };
}

export function caseDelegationsSql(id: number) {
  return { text: 'SELECT * FROM case_delegations WHERE case_id = $1 ORDER BY id', values: [id] };
}

export interface CaseFilters {
  status?: CaseStatus[];
  rule?: string[];
  township?: string;
  county?: string;
  overdue?: boolean;
}

export interface CasePageRequest {
  limit: number;
  sort: 'deadline' | '-deadline';
  after?: { deadline: string; id: number };
}

/**
 * The SQL form of caseAccess(...).visible (case-state.ts): both must agree, and the scoping
 * tests check them together.
 */
function visibleWhere(who: Pick<Principal, 'role' | 'unit'>, p: SqlParams): string {
  switch (who.role) {
    case 'admin':
      return 'true';
    case 'township': {
      const u = p.add(who.unit);
      return `(c.township = ${u} OR EXISTS (SELECT 1 FROM case_delegations d WHERE d.case_id = c.id AND d.to_unit = ${u}))`;
    }
    case 'county': {
      const u = p.add(who.unit);
      return `(c.county = ${u} OR EXISTS (SELECT 1 FROM case_delegations d WHERE d.case_id = c.id AND left(d.to_unit, 6) = ${u}))`;
    }
    default:
      return 'false';
  }
}

export function listCasesSql(who: Pick<Principal, 'role' | 'unit'>, f: CaseFilters, page: CasePageRequest) {
  const p = new SqlParams();
  const where = [visibleWhere(who, p)];
  if (f.status?.length) where.push(`c.status = ANY(${p.add(f.status)}::text[])`);
  if (f.rule?.length) where.push(`c.rule = ANY(${p.add(f.rule)}::text[])`);
  if (f.township) where.push(`c.township = ${p.add(f.township)}`);
  if (f.county) where.push(`c.county = ${p.add(f.county)}`);
  if (f.overdue !== undefined) {
    where.push(`${f.overdue ? '' : 'NOT '}(c.status IN ('open', 'accepted') AND c.deadline < now())`);
  }
  const dir = page.sort === 'deadline' ? 'ASC' : 'DESC';
  if (page.after) {
    where.push(`(c.deadline, c.id) ${dir === 'ASC' ? '>' : '<'} (${p.add(page.after.deadline)}::timestamptz, ${p.add(page.after.id)}::bigint)`);
  }
  const limit = p.add(page.limit);
  return {
    text: `SELECT ${CASE_COLUMNS} FROM cases c WHERE ${where.join(' AND ')} ORDER BY c.deadline ${dir}, c.id ${dir} LIMIT ${limit}`,
    values: p.values,
  };
}

// ---- writes

export interface NewCase {
  rule: string;
  dedupKey: string;
  subjects: string[];
  township: string | null;
  county: string;
  deadline: Date;
  payload: Record<string, unknown>;
  explanation: unknown;
  source: Record<string, unknown>;
  now: Date;
}

/**
 * Many cases in one statement (raiseCases); returns the (rule, dedup_key) of those inserted — a
 * cause that already has a live case (cases_dedup), or comes twice in the list, is skipped.
 */
export function insertCasesSql(cs: readonly NewCase[]) {
  return {
    text: `INSERT INTO cases (rule, dedup_key, subjects, township, county, deadline, payload, explanation, source, created_at, updated_at)
           SELECT x.rule, x.dedup_key, ARRAY(SELECT jsonb_array_elements_text(x.subjects)), x.township, x.county, x.deadline,
                  x.payload, x.explanation, x.source, x.now, x.now
           FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[], $8::jsonb[], $9::jsonb[],
                       $10::timestamptz[]) WITH ORDINALITY
                AS x (rule, dedup_key, subjects, township, county, deadline, payload, explanation, source, now, k)
           ORDER BY x.k
           ON CONFLICT (rule, dedup_key) WHERE closure IS DISTINCT FROM 'cause_gone' DO NOTHING
           RETURNING id, status, rule, dedup_key`,
    values: [
      cs.map((c) => c.rule), cs.map((c) => c.dedupKey), cs.map((c) => JSON.stringify(c.subjects)), cs.map((c) => c.township),
      cs.map((c) => c.county), cs.map((c) => c.deadline), cs.map((c) => JSON.stringify(c.payload)),
      cs.map((c) => (c.explanation === undefined ? null : JSON.stringify(c.explanation))), cs.map((c) => JSON.stringify(c.source)),
      cs.map((c) => c.now),
    ],
  };
}

/** The live case of each (rule, dedup_key) given. */
export function casesForCausesSql(rules: readonly string[], dedupKeys: readonly string[]) {
  return {
    text: `SELECT c.id, c.status, c.rule, c.dedup_key FROM unnest($1::text[], $2::text[]) AS x (rule, dedup_key)
           JOIN cases c ON c.rule = x.rule AND c.dedup_key = x.dedup_key AND c.closure IS DISTINCT FROM 'cause_gone'`,
    values: [rules, dedupKeys],
  };
}

/** One history entry for each case given (the same actor, action and moment). */
export function insertHistoriesSql(caseIds: readonly number[], a: CaseActor, action: string, details: readonly unknown[], at: Date) {
  return {
    text: `INSERT INTO case_history (case_id, at, actor, role, unit, action, comment, detail)
           SELECT x.id, $2, $3, $4, $5, $6, NULL, x.detail FROM unnest($1::bigint[], $7::jsonb[]) WITH ORDINALITY AS x (id, detail, k)
           ORDER BY x.k`,
    values: [caseIds, at, a.sub, a.role, a.unit, action, details.map((d) => (d === undefined ? null : JSON.stringify(d)))],
  };
}

export interface StatusChange {
  status: CaseStatus;
  returnReason?: string;
  closure?: 'archived' | 'cause_gone';
  closeReason?: string;
}

export function setStatusSql(id: number, s: StatusChange, now: Date) {
  return {
    text: `UPDATE cases SET status = $2, return_reason = coalesce($3, return_reason), closure = $4, close_reason = $5,
                  closed_at = CASE WHEN $2 = 'closed' THEN $6::timestamptz END, updated_at = $6
           WHERE id = $1`,
    values: [id, s.status, s.returnReason ?? null, s.closure ?? null, s.closeReason ?? null, now],
  };
}

/** The not-yet-handled case of a cause, closed because the cause is gone. */
// The closure condition lets the cause's live case be found by cases_dedup (an unhandled case has
// no closure), instead of a scan of every case.
export function closeForCauseSql(rule: string, dedupKey: string, reason: string, now: Date) {
  return {
    text: `UPDATE cases SET status = 'closed', closure = 'cause_gone', close_reason = $3, closed_at = $4, updated_at = $4
           WHERE rule = $1 AND dedup_key = $2 AND closure IS DISTINCT FROM 'cause_gone' AND status = ANY($5::text[])
           RETURNING id`,
    values: [rule, dedupKey, reason, now, AUTO_CLOSABLE],
  };
}

export function touchCaseSql(id: number, now: Date) {
  return { text: 'UPDATE cases SET updated_at = $2 WHERE id = $1', values: [id, now] };
}

export function insertHistorySql(caseId: number, a: CaseActor, action: string, comment: string | null, detail: unknown, at: Date) {
  return {
    text: `INSERT INTO case_history (case_id, at, actor, role, unit, action, comment, detail)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    values: [caseId, at, a.sub, a.role, a.unit, action, comment, detail === undefined ? null : JSON.stringify(detail)],
  };
}

export function insertDelegationSql(caseId: number, fromUnit: string, toUnit: string, deadline: Date, request: string, now: Date) {
  return {
    text: `INSERT INTO case_delegations (case_id, from_unit, to_unit, deadline, request, created_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    values: [caseId, fromUnit, toUnit, deadline, request, now],
  };
}

export function answerDelegationSql(caseId: number, answer: string, by: string, now: Date) {
  return {
    text: `UPDATE case_delegations SET status = 'answered', answer = $2, answered_by = $3, answered_at = $4
           WHERE case_id = $1 AND status = 'pending' RETURNING id, from_unit, to_unit, deadline`,
    values: [caseId, answer, by, now],
  };
}

/** A handover still pending when the case is resolved, returned or closed is withdrawn. */
export function withdrawDelegationSql(caseId: number) {
  return {
    text: `UPDATE case_delegations SET status = 'withdrawn' WHERE case_id = $1 AND status = 'pending' RETURNING id, to_unit`,
    values: [caseId],
  };
}
