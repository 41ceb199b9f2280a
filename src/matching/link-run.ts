// Linking one committed batch: its current records → one decision per person → stored with
// explanations → applied to the population database, all in one transaction. The job is
// delivered at least once, so a second run of the same batch finds its link_runs row and does
// nothing; batches are linked one at a time (an advisory lock), so persons created by one batch
// are candidates for the next.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { FeedKind, PersonRole } from '../adapters/index.js';
import { copyEscape } from '../intake/copy-text.js';
import { applyLinesOf, carryOut, planApply, type ApplyItem } from './apply/apply-decisions.js';
import { decideWithinFamilies } from './family-pass.js';
import type { Model } from './fellegi-sunter.js';
import type { LinkDecision } from './link-decision.js';
import { copyLines, linkStaged, type LinkSettings } from './link-staged.js';
import { loadActiveModel, populationSize } from './model-store.js';
import { stagePersons, type SourceRecord, type StagedPerson } from './stage-records.js';
import { dropStageSql } from './sql/blocking-sql.js';
import { frequencyStateSql, refreshFrequenciesSql } from './sql/frequency-sql.js';
import {
  batchRecordsSql, copyResultsSql, finishRunSql, insertRunSql, lockLinkingSql, type RunCounts,
} from './sql/results-sql.js';

export interface MatchSettings extends LinkSettings {
  /** Recount name frequencies when the population changed by more than this share since the last count. */
  tfRefreshShare: number;
  /** Records linked at a time within one batch (MATCH_CHUNK_RECORDS). */
  chunkRecords: number;
}

export interface LinkDeps {
  pool: pg.Pool;
  log: Logger;
  settings: MatchSettings;
}

export interface LinkRunResult extends RunCounts {
  batchId: number;
  runId: number | null;
  /** Set when nothing was done, and why. */
  skipped?: string;
  records: number;
  created: number;
  timings: Record<string, number>;
}

interface RecordRow {
  agency: string;
  feed: FeedKind;
  record_id: string;
  version: number;
  batch_id: number;
  record: unknown;
  agency_division: string | null;
  raw_ids?: Partial<Record<PersonRole, string | null>>;
}

export const toSourceRecord = (r: RecordRow): SourceRecord => ({
  agency: r.agency, feed: r.feed, recordId: r.record_id, version: r.version, batchId: r.batch_id, record: r.record, agencyDivision: r.agency_division,
  rawIds: r.raw_ids,
});

/** Recounts name frequencies when none were counted or the population has grown or shrunk since. */
export async function ensureFrequencies(db: pg.PoolClient | pg.Pool, share: number, log?: Logger): Promise<boolean> {
  const { rows } = await db.query<{ counted: number | null; estimate: number }>(frequencyStateSql());
  const { counted, estimate } = rows[0];
  const stale = counted === null || (estimate > 0 && Math.abs(estimate - Number(counted)) > share * Math.max(Number(counted), 1));
  if (!stale) return false;
  const t = performance.now();
  const { rows: r } = await db.query<{ persons: number }>(refreshFrequenciesSql());
  log?.info({ persons: Number(r[0].persons), ms: Math.round(performance.now() - t) }, 'name frequencies recounted');
  return true;
}

/** Session settings for the bulk statements of one linking transaction. */
export async function tuneLinkTransaction(client: pg.PoolClient): Promise<void> {
  // The blocking statements are many cheap index probes; JIT compiling them costs more than it saves.
  await client.query("SET LOCAL jit = off; SET LOCAL work_mem = '128MB'");
}

/** One line of the COPY into link_results; `applied`: its event is carried out in the same transaction. */
export function resultLine(
  r: SourceRecord,
  s: StagedPerson,
  d: LinkDecision,
  runId: number,
  modelId: string,
  applied: boolean,
  createdPid: string | null,
): string {
  const e = (x: string | null) => (x === null ? '\\N' : copyEscape(x));
  // JSON.stringify never writes a raw tab or line break: only backslashes need doubling (rare).
  let explanation = JSON.stringify(d.explanation);
  if (explanation.includes('\\')) explanation = explanation.replace(/\\/g, '\\\\');
  // 'now' is the transaction's start as timestamptz input: the moment the batch was applied.
  return `${e(r.agency)}\t${r.feed}\t${e(r.recordId)}\t${r.version}\t${s.role}\t${r.batchId}\t${runId}\t${e(s.division)}\t${d.status}\t` +
    `${e(d.pid)}\t${d.score}\t${d.matchWeight ?? '\\N'}\t${d.rule}\t${explanation}\t${e(modelId)}\t${applied ? 'now' : '\\N'}\t${e(createdPid)}\n`;
}

export function countDecisions(decisions: readonly LinkDecision[]): Pick<RunCounts, 'linked' | 'review' | 'new'> {
  const c = { linked: 0, review: 0, new: 0 };
  for (const d of decisions) c[d.status]++;
  return c;
}

/** Decides every staged person: the bulk path, then newborns within their family. */
export async function decideStaged(
  client: pg.PoolClient,
  records: readonly SourceRecord[],
  staged: readonly StagedPerson[],
  model: Model,
  settings: LinkSettings,
  o: { exclude?: ReadonlyMap<number, string>; measureFloor?: boolean },
): Promise<{ decisions: LinkDecision[]; pairs: number; timings: Record<string, number> }> {
  const population = await populationSize(client);
  // The family decisions run between the rounds (a father the mother's spouse settles needs no
  // round 2) and again after (round 2 re-decides the undecided, and may link an anchor).
  const family = async (decisions: LinkDecision[]) => {
    await decideWithinFamilies({ client, records, staged, decisions, model, thresholds: settings.thresholds, exclude: o.exclude });
  };
  const linked = await linkStaged(client, staged, model, settings, {
    ...o, populationSize: population, betweenRounds: (d) => family(d as LinkDecision[]),
  });
  const decisions = linked.decisions as LinkDecision[];
  const t = performance.now();
  await family(decisions);
  linked.timings.family = (linked.timings.family ?? 0) + Math.round(performance.now() - t);
  return { decisions, pairs: linked.pairs, timings: linked.timings };
}

/** Adds the milliseconds since t0 to timings[name]. */
function add(timings: Record<string, number>, name: string, t0: number): void {
  timings[name] = (timings[name] ?? 0) + Math.round(performance.now() - t0);
}

/** A batch's current records in order, read a chunk at a time through a cursor of the linking transaction. */
export async function openBatchReader(client: pg.PoolClient, batchId: number): Promise<{ next(n: number): Promise<SourceRecord[]>; close(): Promise<void> }> {
  const q = batchRecordsSql(batchId);
  await client.query({ text: `DECLARE link_records NO SCROLL CURSOR FOR ${q.text}`, values: q.values });
  let finished = false;
  return {
    async next(n) {
      if (finished) return [];
      const { rows } = await client.query<RecordRow>(`FETCH ${Math.max(1, Math.floor(n))} FROM link_records`);
      if (rows.length < n) finished = true;
      return rows.map(toSourceRecord);
    },
    close: async () => void (await client.query('CLOSE link_records')),
  };
}

interface ChunkContext {
  model: Model;
  settings: MatchSettings;
  runId: number;
  actor: string;
  measureFloor?: boolean;
}

/** Links, stores and applies one chunk of a batch's records; its staging tables are dropped after. */
async function linkChunk(
  client: pg.PoolClient,
  records: SourceRecord[],
  { model, settings, runId, actor, measureFloor }: ChunkContext,
  timings: Record<string, number>,
): Promise<{ counts: Pick<RunCounts, 'persons' | 'linked' | 'review' | 'new' | 'pairs'>; created: number }> {
  let t = performance.now();
  const staged = stagePersons(records);
  add(timings, 'read', t);

  const { decisions, pairs, timings: linkTimings } = await decideStaged(client, records, staged, model, settings, { measureFloor });
  for (const [k, v] of Object.entries(linkTimings)) timings[k] = (timings[k] ?? 0) + v;

  // Everything but review is applied in this transaction: plan the effects (and the pids of the
  // persons to create) first, so that the decisions are stored already marked applied.
  t = performance.now();
  const items: ApplyItem[] = [];
  const itemOf = new Int32Array(staged.length).fill(-1);
  staged.forEach((s, i) => {
    const d = decisions[i];
    if (d.status === 'review') return;
    const r = records[s.rec];
    itemOf[i] = items.length;
    items.push({ agency: r.agency, feed: r.feed, recordId: r.recordId, version: r.version, role: s.role, status: d.status, pid: d.pid, record: r.record });
  });
  const plan = await planApply(client, items);
  add(timings, 'apply', t);

  // The lines of the apply step are built while PostgreSQL takes in the decisions: 'store'
  // holds both.
  t = performance.now();
  const resultLines = function* () {
    for (let i = 0; i < staged.length; i++) {
      const s = staged[i];
      yield resultLine(records[s.rec], s, decisions[i], runId, model.id, itemOf[i] >= 0, itemOf[i] >= 0 ? plan.createdPid[itemOf[i]] : null);
    }
  };
  const stored = copyLines(client, copyResultsSql(), resultLines());
  stored.catch(() => undefined); // awaited below
  const lines = await applyLinesOf(plan, actor, { markResults: false });
  await stored;
  add(timings, 'store', t);

  t = performance.now();
  const applied = await carryOut(client, plan, actor, { markResults: false }, lines);
  await client.query(dropStageSql());
  add(timings, 'apply', t);
  return { counts: { persons: staged.length, ...countDecisions(decisions), pairs }, created: applied.created };
}

export async function linkBatchRun(deps: LinkDeps, batchId: number, o: { actor?: string; measureFloor?: boolean } = {}): Promise<LinkRunResult> {
  const log = deps.log.child({ batchId, stage: 'link' });
  const started = performance.now();
  const client = await deps.pool.connect();
  let done = false;
  try {
    await client.query('BEGIN');
    await client.query(lockLinkingSql());
    await tuneLinkTransaction(client);
    await ensureFrequencies(client, deps.settings.tfRefreshShare, log);
    const model = await loadActiveModel(client);
    const actor = o.actor ?? `link:${batchId}`;
    const run = await client.query<{ id: number }>(insertRunSql({ kind: 'batch', batchId, modelId: model.id, thresholds: deps.settings.thresholds, actor }));
    const empty = { batchId, records: 0, persons: 0, linked: 0, review: 0, new: 0, changed: 0, pairs: 0, created: 0, timings: {} };
    if (!run.rows[0]) {
      await client.query('ROLLBACK');
      done = true;
      return { ...empty, runId: null, skipped: 'the batch was linked already' };
    }
    const runId = Number(run.rows[0].id);
    const timings: Record<string, number> = { setup: Math.round(performance.now() - started) };
    const counts: RunCounts = { persons: 0, linked: 0, review: 0, new: 0, changed: 0, pairs: 0 };
    let records = 0, created = 0, chunks = 0;
    // A batch of hundreds of thousands of records is linked a chunk at a time in the same
    // transaction: the job's memory stays that of one chunk, and each chunk's persons (created or
    // updated) are candidates for the next.
    const reader = await openBatchReader(client, batchId);
    for (;;) {
      const t = performance.now();
      const chunk = await reader.next(deps.settings.chunkRecords);
      add(timings, 'read', t);
      if (!chunk.length) break;
      const r = await linkChunk(client, chunk, { model, settings: deps.settings, runId, actor, measureFloor: o.measureFloor }, timings);
      records += chunk.length;
      created += r.created;
      for (const k of ['persons', 'linked', 'review', 'new', 'pairs'] as const) counts[k] += r.counts[k];
      if (++chunks > 1 || chunk.length === deps.settings.chunkRecords) {
        log.info({ runId, records, persons: counts.persons, ms: Math.round(performance.now() - started) }, 'linking batch: records done so far');
      }
    }
    await reader.close();
    timings.total = Math.round(performance.now() - started);
    await client.query(finishRunSql(runId, counts, timings));
    await client.query('COMMIT');
    done = true;
    log.info({ runId, records, ...counts, created, ms: timings.total }, 'batch linked');
    return { batchId, runId, records, ...counts, created, timings };
  } finally {
    if (!done) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}
