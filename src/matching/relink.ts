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
import {
  countDecisions, decideStaged, ensureFrequencies, toSourceRecord, tuneLinkTransaction, type LinkDeps,
} from './link-run.js';
import { copyLines } from './link-staged.js';
import { loadActiveModel } from './model-store.js';
import { stagePersons } from './stage-records.js';
import { batchRecordsSql, finishRunSql, insertRunSql, lockLinkingSql } from './sql/results-sql.js';
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

const existingSql = (batchId: number): Sql => ({
  text: `SELECT r.id, r.agency, r.record_id, r.version, r.role, r.status, r.pid, r.created_pid, r.applied_at, r.decided_by
         FROM link_results r JOIN feed_records f ON f.agency = r.agency AND f.feed = r.feed AND f.record_id = r.record_id AND f.version = r.version
         WHERE f.batch_id = $1`,
  values: [batchId],
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
  const client = await deps.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(lockLinkingSql());
    await tuneLinkTransaction(client);
    await ensureFrequencies(client, deps.settings.tfRefreshShare, deps.log);
    const model = await loadActiveModel(client);
    const runId = Number((await client.query<{ id: number }>(insertRunSql({ kind: 'relink', batchId, modelId: model.id, thresholds: deps.settings.thresholds, actor }))).rows[0].id);
    const records = (await client.query(batchRecordsSql(batchId))).rows.map(toSourceRecord);
    const staged = stagePersons(records);
    const existing = new Map<string, ExistingRow>();
    for (const e of (await client.query<ExistingRow>(existingSql(batchId))).rows) existing.set(`${e.agency}/${e.record_id}/${e.version}/${e.role}`, e);
    const keyOf = (i: number) => {
      const r = records[staged[i].rec];
      return `${r.agency}/${r.recordId}/${r.version}/${staged[i].role}`;
    };
    const exclude = new Map<number, string>();
    staged.forEach((_, i) => {
      const created = existing.get(keyOf(i))?.created_pid;
      if (created) exclude.set(i, created);
    });
    const { decisions, pairs, timings } = await decideStaged(client, records, staged, model, deps.settings, { exclude });

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
    await client.query(finishRunSql(runId, { persons: staged.length, ...countDecisions(decisions), changed, pairs }, timings));
    await client.query('COMMIT');
    deps.log.info({ batchId, runId, changed, toReview, clerkKept }, 'batch relinked');
    return { batchId, runId, persons: staged.length, changed, toReview, clerkKept };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
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
