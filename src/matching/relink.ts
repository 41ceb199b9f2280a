// `yipanqi links relink`: decide again, with the active model and the configured thresholds, every
// person the model decided (a clerk's decision stands) in the current records of a batch, or of
// every linked batch one transaction each. Decisions that did not change get the new score and
// explanation; changed ones keep the old decision in link_result_history. A changed decision whose
// event has already changed the population database (a link applied, a person created) is not
// undone silently: it goes to review with the rule relink-changed-after-apply. Changed decisions
// not applied yet (review → linked or new) are applied now. A record is never its own candidate:
// the person its earlier decision created is left out of its blocking.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { PersonRole } from '../adapters/index.js';
import { copyEscape } from '../intake/copy-text.js';
import { applyDecisions, type ApplyItem } from './apply/apply-decisions.js';
import { withRule, type LinkDecision } from './link-decision.js';
import type { Model } from './fellegi-sunter.js';
import {
  countDecisions, decideStaged, ensureFrequencies, openBatchReader, tuneLinkTransaction, type LinkDeps, type MatchSettings,
} from './link-run.js';
import { copyLines } from './link-staged.js';
import { loadActiveModel } from './model-store.js';
import { stagePersons, type SourceRecord } from './stage-records.js';
import { dropStageSql } from './sql/blocking-sql.js';
import { finishRunSql, insertRunSql, lockLinkingSql, type RunCounts } from './sql/results-sql.js';
import type { Sql } from './sql/sql.js';

export interface RelinkResult {
  batchId: number;
  runId: number;
  persons: number;
  changed: number;
  /** Changed after their event was applied: sent to review. */
  toReview: number;
  clerkKept: number;
}

interface ExistingRow {
  id: number;
  agency: string;
  record_id: string;
  version: number;
  role: PersonRole;
  status: string;
  pid: string | null;
  created_pid: string | null;
  applied_at: Date | null;
  decided_by: string;
}

/** The decisions stored for the given record versions (of the batch being relinked). */
const existingSql = (records: readonly SourceRecord[]): Sql => ({
  text: `SELECT r.id, r.agency, r.record_id, r.version, r.role, r.status, r.pid, r.created_pid, r.applied_at, r.decided_by
         FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[]) AS k (agency, feed, record_id, version)
         JOIN link_results r ON r.agency = k.agency AND r.feed = k.feed AND r.record_id = k.record_id AND r.version = k.version`,
  values: [records.map((r) => r.agency), records.map((r) => r.feed), records.map((r) => r.recordId), records.map((r) => r.version)],
});

/** Batches with decisions to revisit, oldest first. */
export const linkedBatchesSql = (): Sql => ({ text: `SELECT DISTINCT batch_id FROM link_runs WHERE kind = 'batch' ORDER BY batch_id`, values: [] });

const createSql = () => ({
  text: `CREATE TEMP TABLE link_relink (id bigint PRIMARY KEY, status text NOT NULL, pid text, score double precision NOT NULL,
           match_weight double precision, rule text NOT NULL, explanation json NOT NULL, changed boolean NOT NULL) ON COMMIT DROP`,
  values: [],
});

const historySql = (actor: string): Sql => ({
  text: `INSERT INTO link_result_history (result_id, status, pid, score, rule, model_id, decided_at, decided_by, replaced_by)
         SELECT r.id, r.status, r.pid, r.score, r.rule, r.model_id, r.decided_at, r.decided_by, $1
         FROM link_results r JOIN link_relink n ON n.id = r.id WHERE n.changed`,
  values: [actor],
});

const updateSql = (runId: number, modelId: string): Sql => ({
  text: `UPDATE link_results r SET status = n.status, pid = n.pid, score = n.score, match_weight = n.match_weight, rule = n.rule,
                explanation = n.explanation, model_id = $2, run_id = $1, decided_at = CASE WHEN n.changed THEN now() ELSE r.decided_at END
         FROM link_relink n WHERE n.id = r.id`,
  values: [runId, modelId],
});

export async function relinkBatch(deps: LinkDeps, batchId: number, actor: string): Promise<RelinkResult> {
  const started = performance.now();
  const client = await deps.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(lockLinkingSql());
    await tuneLinkTransaction(client);
    await ensureFrequencies(client, deps.settings.tfRefreshShare, deps.log);
    const model = await loadActiveModel(client);
    const runId = Number((await client.query<{ id: number }>(insertRunSql({ kind: 'relink', batchId, modelId: model.id, thresholds: deps.settings.thresholds, actor }))).rows[0].id);
    // A chunk at a time, as linkBatchRun does: the command's memory stays that of one chunk.
    const totals: RelinkCounts = { persons: 0, linked: 0, review: 0, new: 0, pairs: 0, changed: 0, toReview: 0, clerkKept: 0 };
    const timings: Record<string, number> = {};
    const reader = await openBatchReader(client, batchId);
    let records = 0;
    for (let chunks = 1; ; chunks++) {
      const chunk = await reader.next(deps.settings.chunkRecords);
      if (!chunk.length) break;
      const r = await relinkChunk(client, chunk, { model, settings: deps.settings, runId, actor }, timings);
      for (const k of Object.keys(totals) as (keyof RelinkCounts)[]) totals[k] += r[k];
      records += chunk.length;
      if (chunks > 1 || chunk.length === deps.settings.chunkRecords) {
        deps.log.info({ batchId, runId, records, persons: totals.persons, ms: Math.round(performance.now() - started) }, 'relinking batch: records done so far');
      }
    }
    await reader.close();
    const { changed, toReview, clerkKept, ...counts } = totals;
    await client.query(finishRunSql(runId, { ...counts, changed }, timings));
    await client.query('COMMIT');
    deps.log.info({ batchId, runId, changed, toReview, clerkKept }, 'batch relinked');
    return { batchId, runId, persons: totals.persons, changed, toReview, clerkKept };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

type RelinkCounts = Pick<RunCounts, 'persons' | 'linked' | 'review' | 'new' | 'pairs'> & Pick<RelinkResult, 'changed' | 'toReview' | 'clerkKept'>;

/** Decides one chunk of the batch's records again, stores what changed and applies it; its temporary tables are dropped after. */
async function relinkChunk(
  client: pg.PoolClient,
  records: SourceRecord[],
  { model, settings, runId, actor }: { model: Model; settings: MatchSettings; runId: number; actor: string },
  timings: Record<string, number>,
): Promise<RelinkCounts> {
  const staged = stagePersons(records);
  const existing = new Map<string, ExistingRow>();
  for (const e of (await client.query<ExistingRow>(existingSql(records))).rows) existing.set(`${e.agency}/${e.record_id}/${e.version}/${e.role}`, e);
  const keyOf = (i: number) => {
    const r = records[staged[i].rec];
    return `${r.agency}/${r.recordId}/${r.version}/${staged[i].role}`;
  };
  const exclude = new Map<number, string>();
  staged.forEach((_, i) => {
    const created = existing.get(keyOf(i))?.created_pid;
    if (created) exclude.set(i, created);
  });
  const decided = await decideStaged(client, records, staged, model, settings, { exclude });
  const { decisions } = decided;
  for (const [k, v] of Object.entries(decided.timings)) timings[k] = (timings[k] ?? 0) + v;

  let changed = 0, toReview = 0, clerkKept = 0;
  const lines: string[] = [];
  const apply: ApplyItem[] = [];
  staged.forEach((s, i) => {
    const old = existing.get(keyOf(i));
    if (!old) return; // not linked yet: `yipanqi links run` links it
    if (old.decided_by !== 'model') {
      clerkKept++;
      return;
    }
    let d: LinkDecision = decisions[i];
    const same = old.status === d.status && old.pid === d.pid;
    const applied = old.applied_at !== null && (old.status === 'linked' || old.created_pid !== null);
    if (!same) {
      changed++;
      if (applied) {
        d = withRule(d, 'review', 'relink-changed-after-apply');
        toReview++;
      } else if (d.status !== 'review') {
        const r = records[s.rec];
        apply.push({ agency: r.agency, feed: r.feed, recordId: r.recordId, version: r.version, role: s.role, status: d.status, pid: d.pid, record: r.record });
      }
    }
    const explanation = JSON.stringify(d.explanation).replace(/\\/g, '\\\\');
    lines.push(`${old.id}\t${d.status}\t${d.pid === null ? '\\N' : copyEscape(d.pid)}\t${d.score}\t${d.matchWeight ?? '\\N'}\t${d.rule}\t${explanation}\t${same ? 'f' : 't'}\n`);
  });
  await client.query(createSql());
  await copyLines(client, { text: 'COPY link_relink (id, status, pid, score, match_weight, rule, explanation, changed) FROM STDIN', values: [] }, lines);
  await client.query(historySql(actor));
  await client.query(updateSql(runId, model.id));
  await applyDecisions(client, apply, actor);
  await client.query('DROP TABLE link_relink');
  await client.query(dropStageSql());
  return { persons: staged.length, ...countDecisions(decisions), pairs: decided.pairs, changed, toReview, clerkKept };
}

export async function relinkAll(deps: LinkDeps, actor: string, onBatch?: (r: RelinkResult) => void): Promise<RelinkResult[]> {
  const out: RelinkResult[] = [];
  for (const { batch_id } of (await deps.pool.query<{ batch_id: number }>(linkedBatchesSql())).rows) {
    const r = await relinkBatch(deps, Number(batch_id), actor);
    onBatch?.(r);
    out.push(r);
  }
  return out;
}

export type { Logger };
