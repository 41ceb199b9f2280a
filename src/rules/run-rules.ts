// Runs the rules after a batch has been linked and applied, and in the daily sweep: closes the
// cases whose cause disappeared, then raises one case per cause found, all in one transaction
// (the case, its history, notifications and audit commit together with the others of the batch).
// Idempotent: a cause already raised returns its case (dedup), a closed cause finds no unhandled
// case, so a job delivered twice changes nothing the second time.
import type pg from 'pg';
import type { Logger } from 'pino';
import { closeCaseForCause, raiseCases, type RaiseCaseInput } from '../cases/raise-case.js';
import { routeCase } from '../cases/township-router.js';
import { AppError } from '../errors.js';
import type { RuleCode } from './catalog.js';
import { BATCH_RULES } from './registry.js';
import type { BatchRule, CauseRow, CloseRow, RuleScope, RuleSettings } from './rule.js';

export interface RuleCounts {
  raised: number;
  existing: number;
  closed: number;
  /** Causes no township could be found for (logged). */
  unroutable: number;
  /** Milliseconds in the rule's SQL (finding causes and closes), and in raising and closing cases. */
  queryMs: number;
  caseMs: number;
}

export interface RulesRunResult {
  byRule: Partial<Record<RuleCode, RuleCounts>>;
  raised: number;
  closed: number;
  ms: number;
}

export interface RulesDeps {
  pool: pg.Pool;
  log: Logger;
  settings: RuleSettings;
  /** CASE_DEADLINE_HOURS */
  deadlineOverrides?: Readonly<Record<string, number>>;
}

/** The township code a cause's case goes to, or null when none of its divisions can be routed. */
export function routeCause(rule: BatchRule, row: CauseRow): string | null {
  try {
    const q = routeCase({ code: rule.code, routing: rule.routing }, { hukou: row.hukou, residence: row.residence, submitter: row.submitter });
    return q.township ?? q.county;
  } catch (err) {
    if (err instanceof AppError && err.code === 'YPQ_CASE_ROUTING') return null;
    throw err;
  }
}

async function runRule(client: pg.PoolClient, rule: BatchRule, scope: RuleScope, deps: RulesDeps, log: Logger): Promise<RuleCounts> {
  const counts: RuleCounts = { raised: 0, existing: 0, closed: 0, unroutable: 0, queryMs: 0, caseMs: 0 };
  let t = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return Math.round(ms);
  };
  if (rule.closes) {
    const { rows } = await client.query<CloseRow>(rule.closes(scope, deps.settings));
    counts.queryMs += lap();
    for (const c of rows) {
      if (await closeCaseForCause(client, { rule: rule.code, dedupKey: c.dedup_key, reason: c.reason }, { now: scope.asOf })) counts.closed++;
    }
  }
  counts.caseMs += lap();
  const { rows } = await client.query<CauseRow>(rule.causes(scope, deps.settings));
  counts.queryMs += lap();
  const raise: RaiseCaseInput[] = [];
  for (const row of rows) {
    if (rule.keep && !rule.keep(row)) continue;
    const township = routeCause(rule, row);
    if (!township) {
      counts.unroutable++;
      continue;
    }
    raise.push({ rule: rule.code, dedupKey: row.dedup_key, subjects: row.subjects, township, payload: row.payload, source: row.source });
  }
  // All of the rule's causes at once: a batch of 6,000 prenatal records raises 7,000 cases.
  for (const r of await raiseCases(client, raise, { now: scope.asOf, deadlineOverrides: deps.deadlineOverrides })) {
    if (r.created) counts.raised++;
    else counts.existing++;
  }
  counts.caseMs += lap();
  if (counts.unroutable) log.warn({ rule: rule.code, unroutable: counts.unroutable }, 'causes without a routable division');
  return counts;
}

async function runScope(deps: RulesDeps, scope: RuleScope, rules: readonly BatchRule[]): Promise<RulesRunResult> {
  const started = performance.now();
  const log = deps.log.child({ stage: 'rules', batchId: scope.batchId ?? 'sweep' });
  const client = await deps.pool.connect();
  const byRule: RulesRunResult['byRule'] = {};
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL jit = off');
    for (const rule of rules) byRule[rule.code] = await runRule(client, rule, scope, deps, log);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  const all = Object.values(byRule);
  const result = {
    byRule,
    raised: all.reduce((n, c) => n + c.raised, 0),
    closed: all.reduce((n, c) => n + c.closed, 0),
    ms: Math.round(performance.now() - started),
  };
  log.info({ raised: result.raised, closed: result.closed, ms: result.ms }, 'rules run');
  return result;
}

/** Every rule over one linked and applied batch. */
export function runRulesForBatch(deps: RulesDeps, batchId: number, o: { now?: Date; only?: readonly RuleCode[] } = {}): Promise<RulesRunResult> {
  const rules = o.only ? BATCH_RULES.filter((r) => o.only!.includes(r.code)) : BATCH_RULES;
  return runScope(deps, { batchId, asOf: o.now ?? new Date() }, rules);
}

/** The time-based rules over every record: the daily sweep. */
export function runRulesSweep(deps: RulesDeps, o: { now?: Date } = {}): Promise<RulesRunResult> {
  return runScope(deps, { batchId: null, asOf: o.now ?? new Date() }, BATCH_RULES.filter((r) => r.sweep));
}
