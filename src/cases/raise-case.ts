// The entry points the rules call: raise a case for a cause, and close it when the cause is gone.
//
// Dedup, precisely: a cause is (rule, dedupKey). While any case of that cause exists that was
// not closed for `cause_gone`, raising it again returns that case (`created: false`), whatever
// its status: open, accepted, returned, resolved or closed after being handled. Only a case the
// rule itself closed because its cause disappeared frees the key, so a cause that comes back
// later raises a fresh case. The partial unique index cases_dedup enforces this under
// concurrency (006_cases.sql).
import type pg from 'pg';
import { audit, auditManySql } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { config } from '../config.js';
import { appError } from '../errors.js';
import { deadlineHours, isRuleCode, ruleDefinition, type RuleCode } from '../rules/catalog.js';
import { caseMessage, enqueueNotifications } from '../notify/notification-message.js';
import { casesForCausesSql, closeForCauseSql, insertCasesSql, insertHistoriesSql, insertHistorySql, withdrawDelegationSql } from './case-repo.js';
import { RULES_ACTOR, type CaseActor, type CaseStatus } from './case-state.js';
import { queueForDivision, queueUnit } from './township-router.js';
import { inTransaction, type Db } from '../db/transaction.js';

/** What raised the case: the agency, feed, batch and record, or a review decision. */
export interface CaseSource {
  kind: string;
  agency?: string;
  feed?: string;
  batchId?: number | string;
  recordId?: string;
  [key: string]: string | number | undefined;
}

export interface RaiseCaseInput {
  rule: RuleCode;
  /** The cause within the rule, e.g. the birth record id or "pid:field". */
  dedupKey: string;
  /** Population pids the case is about. */
  subjects: string[];
  /** A division code: a 12- or 9-digit code routes to its township, a county code to the county's own queue (township-router.ts). */
  township: string;
  /** Only the fields the rule's catalog entry allows (payloadFields). */
  payload: Record<string, unknown>;
  /** Defaults to now + the rule's deadline (catalog, or CASE_DEADLINE_HOURS). */
  deadline?: Date;
  source: CaseSource;
  /** The match explanation (per-field weights) when the link was probabilistic. */
  explanation?: unknown;
}

export interface RaiseOptions {
  /** Per-rule deadline overrides in hours; default: CASE_DEADLINE_HOURS (config().caseDeadlineHours). */
  deadlineOverrides?: Readonly<Record<string, number>>;
  now?: Date;
  actor?: CaseActor;
}

export interface RaiseCaseResult {
  id: number;
  created: boolean;
  status: CaseStatus;
}

const MAX_PAYLOAD_BYTES = 16 * 1024;

/** Audit rows take the principal shape; 'system' marks the gateway's own work (audit_log.role is text). */
export function auditAs(actor: CaseActor): Pick<Principal, 'sub' | 'role' | 'unit'> {
  return actor as Pick<Principal, 'sub' | 'role' | 'unit'>;
}

function checkInput(i: RaiseCaseInput): void {
  const def = ruleDefinition(i.rule);
  if (!def || !isRuleCode(i.rule)) throw appError('YPQ_UNKNOWN_RULE', String(i.rule));
  if (typeof i.dedupKey !== 'string' || !i.dedupKey || i.dedupKey.length > 200) {
    throw appError('YPQ_BAD_REQUEST', 'dedupKey must be 1 to 200 characters');
  }
  if (!Array.isArray(i.subjects) || i.subjects.some((s) => typeof s !== 'string' || !s)) {
    throw appError('YPQ_BAD_REQUEST', 'subjects must be population pids');
  }
  if (!i.payload || typeof i.payload !== 'object' || Array.isArray(i.payload)) {
    throw appError('YPQ_CASE_PAYLOAD', i.rule, 'the payload must be an object');
  }
  const extra = Object.keys(i.payload).filter((k) => !def.payloadFields.includes(k));
  if (extra.length) {
    throw appError('YPQ_CASE_PAYLOAD', i.rule, `fields ${extra.join(', ')} are not in the rule's payloadFields (src/rules/catalog.ts)`);
  }
  if (Buffer.byteLength(JSON.stringify(i.payload)) > MAX_PAYLOAD_BYTES) {
    throw appError('YPQ_CASE_PAYLOAD', i.rule, `larger than ${MAX_PAYLOAD_BYTES} bytes`);
  }
  if (!i.source || typeof i.source.kind !== 'string') throw appError('YPQ_BAD_REQUEST', 'source.kind is required');
  if (i.deadline && Number.isNaN(i.deadline.getTime())) throw appError('YPQ_BAD_REQUEST', 'deadline is not a date');
}

/**
 * Raises a case for a cause, or returns the case the cause already has. Writes the case, its
 * "raise" history entry, the case.raised notifications and an audit entry in one transaction
 * (the caller's, when `db` is a client).
 */
export async function raiseCase(db: Db, input: RaiseCaseInput, o: RaiseOptions = {}): Promise<RaiseCaseResult> {
  return (await raiseCases(db, [input], o))[0];
}

/**
 * raiseCase for many causes at once (a rule's causes in a batch): the same rows, written by a
 * handful of statements instead of four per case. Results in the order of the inputs; a cause
 * given twice is raised once (the second is `created: false`, as two calls would have it).
 */
export async function raiseCases(db: Db, inputs: readonly RaiseCaseInput[], o: RaiseOptions = {}): Promise<RaiseCaseResult[]> {
  if (!inputs.length) return [];
  inputs.forEach(checkInput);
  const now = o.now ?? new Date();
  const actor = o.actor ?? RULES_ACTOR;
  const overrides = o.deadlineOverrides ?? config().caseDeadlineHours;
  const queues = inputs.map((i) => queueForDivision(i.township));
  const deadlines = inputs.map((i) => i.deadline ?? new Date(now.getTime() + deadlineHours(i.rule, overrides) * 3_600_000));
  const causeOf = (rule: string, dedupKey: string) => `${rule}\u0000${dedupKey}`;

  return inTransaction(db, async (client) => {
    const inserted = await client.query<{ id: number; status: CaseStatus; rule: string; dedup_key: string }>(
      insertCasesSql(inputs.map((i, k) => ({
        rule: i.rule, dedupKey: i.dedupKey, subjects: i.subjects, township: queues[k].township, county: queues[k].county,
        deadline: deadlines[k], payload: i.payload, explanation: i.explanation, source: i.source, now,
      }))),
    );
    const results: (RaiseCaseResult | undefined)[] = new Array(inputs.length);
    const firstOf = new Map<string, number>();
    inputs.forEach((i, k) => {
      const c = causeOf(i.rule, i.dedupKey);
      if (!firstOf.has(c)) firstOf.set(c, k);
    });
    for (const r of inserted.rows) results[firstOf.get(causeOf(r.rule, r.dedup_key))!] = { id: Number(r.id), created: true, status: r.status };
    const existing = inputs.map((_, k) => k).filter((k) => !results[k]);
    if (existing.length) {
      const { rows } = await client.query<{ id: number; status: CaseStatus; rule: string; dedup_key: string }>(
        casesForCausesSql(existing.map((k) => inputs[k].rule), existing.map((k) => inputs[k].dedupKey)),
      );
      const live = new Map(rows.map((r) => [causeOf(r.rule, r.dedup_key), r]));
      for (const k of existing) {
        const r = live.get(causeOf(inputs[k].rule, inputs[k].dedupKey))!;
        results[k] = { id: Number(r.id), created: false, status: r.status };
      }
    }
    const created = inputs.map((_, k) => k).filter((k) => results[k]!.created);
    if (created.length) {
      const ids = created.map((k) => results[k]!.id);
      await client.query(insertHistoriesSql(ids, actor, 'raise', created.map((k) => ({ source: inputs[k].source, queue: queueUnit(queues[k]) })), now));
      await enqueueNotifications(client, 'case.raised', created.map((k, n) => ({
        message: caseMessage('case.raised', { id: ids[n], rule: inputs[k].rule, ...queues[k], deadline: deadlines[k], escalationLevel: 0 }, now),
        units: [queueUnit(queues[k])],
      })), now);
      await client.query(auditManySql(auditAs(actor), created.map((k, n) => ({
        action: 'create',
        objectType: 'case',
        objectId: String(ids[n]),
        purpose: `case:${inputs[k].rule}`,
        detail: { queue: queueUnit(queues[k]), source: inputs[k].source },
      }))));
    }
    return results as RaiseCaseResult[];
  });
}

export interface CloseForCauseInput {
  rule: RuleCode;
  dedupKey: string;
  /** Why the cause is gone, for the history (e.g. "household registration received, record 123"). */
  reason: string;
}

/**
 * Closes the case of a cause that disappeared, if one is still unhandled (open, accepted or
 * returned), withdrawing a pending handover. A resolved or closed case stays as it is. Returns
 * the closed case's id, or null when there was nothing to close; safe to call repeatedly.
 */
export async function closeCaseForCause(
  db: Db,
  input: CloseForCauseInput,
  o: { now?: Date; actor?: CaseActor } = {},
): Promise<{ id: number } | null> {
  if (!isRuleCode(input.rule)) throw appError('YPQ_UNKNOWN_RULE', String(input.rule));
  if (!input.reason?.trim()) throw appError('YPQ_BAD_REQUEST', 'a reason is required to close a case for cause');
  const now = o.now ?? new Date();
  const actor = o.actor ?? RULES_ACTOR;
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: number }>(closeForCauseSql(input.rule, input.dedupKey, input.reason, now));
    if (!rows.length) return null;
    const { id } = rows[0];
    await withdrawPending(client, id, actor, now);
    await client.query(insertHistorySql(id, actor, 'auto_close', input.reason, null, now));
    await audit(client, auditAs(actor), {
      action: 'update',
      objectType: 'case',
      objectId: String(id),
      purpose: `case:${input.rule}`,
      detail: { action: 'auto_close' },
    });
    return { id };
  });
}

/** Withdraws the case's pending handover, if any, with a history entry. */
export async function withdrawPending(client: pg.PoolClient, caseId: number, actor: CaseActor, now: Date): Promise<void> {
  const { rows } = await client.query<{ id: number; to_unit: string }>(withdrawDelegationSql(caseId));
  for (const d of rows) {
    await client.query(insertHistorySql(caseId, actor, 'withdraw', null, { delegationId: d.id, to: d.to_unit }, now));
  }
}
