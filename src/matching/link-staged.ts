// The bulk path of one linking: staged persons → COPY → blocking joins in PostgreSQL → candidate
// rows and pairs fetched in two queries → compared, scored and decided in JS (linkBatch).
// Runs inside the caller's transaction; the temporary tables drop at its commit.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { TermFrequencies } from './compare-pairs.js';
import type { Decision, Thresholds } from './decide.js';
import type { Model } from './fellegi-sunter.js';
import { linkBatch } from './link-batch.js';
import { preparePerson, type PersonMatchRow, type PreparedRecord } from './record.js';
import { repairLines, stageLine, type StagedPerson } from './stage-records.js';
import {
  analyzeStageSql, anySuspectPersonsSql, copyRepairsSql, copyStageSql, createCandidatesSql, createStageSql, exactIdFloorSql,
  FIRST_FUZZY_RULE, FUZZY_RULES, fuzzyPairsSql, ID_RULE_NAMES, idPairsSql, newCandidatesSql, pairRowsSql, pairsByRuleSql,
  suspectPersonPairsSql,
} from './sql/blocking-sql.js';
import { stagedFrequenciesSql } from './sql/frequency-sql.js';
import type { Sql } from './sql/sql.js';

export interface LinkSettings {
  thresholds: Thresholds;
  /** Largest block a fuzzy blocking rule may return for one person (MATCH_BLOCK_CAP). */
  blockCap: number;
}

export interface Candidates {
  pids: string[];
  rows: PersonMatchRow[];
  prepared: PreparedRecord[];
}

export interface StagedLinks {
  decisions: Decision[];
  candidates: Candidates;
  pairs: number;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
}

export interface LinkOptions {
  /** Per staged person, a pid that must not be its candidate (the person a relinked record created). */
  exclude?: ReadonlyMap<number, string>;
  /** Time the exact-ID join of the same staged persons on its own (the benchmark's floor). */
  measureFloor?: boolean;
  populationSize: number;
  /** Runs on round 1's decisions before round 2 looks for the undecided (the family decisions). */
  betweenRounds?: (decisions: Decision[]) => Promise<void>;
}

const CHUNK = 1 << 16;

function* chunked(lines: Iterable<string>): Generator<string> {
  let buf = '';
  for (const l of lines) {
    buf += l;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/**
 * Runs f(0) … f(n − 1) in slices, giving the event loop back between them: a statement or a COPY
 * in flight on the connection is answered and fed meanwhile, so PostgreSQL and this process work
 * at the same time (the machine may have two cores and nothing else).
 */
export async function inSlices(n: number, f: (i: number) => void, slice = 2048): Promise<void> {
  for (let i = 0; i < n; ) {
    const end = Math.min(n, i + slice);
    for (; i < end; i++) f(i);
    if (i < n) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A statement sent now, awaited later: its failure is reported where it is awaited, not as unhandled meanwhile. */
function sent<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export async function copyLines(client: pg.PoolClient, sql: Sql, lines: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(chunked(lines)), client.query(copyFrom(sql.text)));
}

function* stageLines(staged: readonly StagedPerson[]): Generator<string> {
  for (let i = 0; i < staged.length; i++) yield stageLine(i, staged[i]);
}

function* repairsOf(staged: readonly StagedPerson[]): Generator<string> {
  for (let i = 0; i < staged.length; i++) {
    const l = repairLines(i, staged[i]);
    if (l) yield l;
  }
}

/** Relative frequencies of the batch's names in the population, looked up in one query. */
async function frequenciesFor(client: pg.PoolClient, population: number): Promise<TermFrequencies> {
  const byName = new Map<string, number>(), byPinyin = new Map<string, number>();
  if (population > 0) {
    const { rows } = await client.query<[string, string, number]>({ ...stagedFrequenciesSql(), rowMode: 'array' });
    for (const [kind, value, n] of rows) (kind === 'name' ? byName : byPinyin).set(value, n / population);
  }
  return { name: (n) => byName.get(n), pinyin: (p) => byPinyin.get(p) };
}

/**
 * The candidate persons not fetched before, appended to c (pids[j], rows[j]); preparePending
 * prepares them, apart, so that the next statements can run meanwhile.
 */
async function fetchNewCandidates(client: pg.PoolClient, c: Candidates): Promise<void> {
  const { rows } = await client.query<unknown[]>({ text: newCandidatesSql(c.pids.length).text, values: [c.pids.length], rowMode: 'array' });
  for (const r of rows) {
    c.pids.push(r[0] as string);
    c.rows.push({
      id_number: r[1] as string | null, name: r[2] as string, name_norm: r[3] as string, name_pinyin: r[4] as string,
      sex: r[5] as number, birth_date: r[6] as string | null, hukou_division: r[7] as string | null,
      residence_division: r[8] as string | null, phone: r[9] as string | null,
    });
  }
}

/** Prepares the candidates fetched but not prepared yet (c.prepared catches up with c.rows). */
async function preparePending(c: Candidates): Promise<void> {
  const from = c.prepared.length;
  await inSlices(c.rows.length - from, (k) => c.prepared.push(preparePerson(c.rows[from + k])));
}

/** Scores the given staged persons (all when `only` is absent) against their pairs (pairRowsSql); returns one decision each. */
function score(
  staged: readonly StagedPerson[],
  c: Candidates,
  model: Model,
  settings: LinkSettings,
  opts: LinkOptions,
  frequencies: TermFrequencies,
  pairRows: pg.QueryResult<[number, number]>,
  only?: number[],
): { decisions: Decision[]; pairs: number } {
  const local = only ? new Map(only.map((i, k) => [i, k])) : null;
  const pairRecord = new Uint32Array(pairRows.rows.length);
  const pairPerson = new Uint32Array(pairRows.rows.length);
  let n = 0;
  for (const [i, j] of pairRows.rows) {
    if (opts.exclude?.get(i) === c.pids[j]) continue;
    pairRecord[n] = local ? local.get(i)! : i;
    pairPerson[n] = j;
    n++;
  }
  const records = only ? only.map((i) => staged[i].prepared) : staged.map((s) => s.prepared);
  const decisions = linkBatch(
    model,
    { records, persons: c.prepared, personPids: c.pids, pairRecord: pairRecord.subarray(0, n), pairPerson: pairPerson.subarray(0, n), frequencies },
    settings.thresholds,
  );
  return { decisions, pairs: n };
}

export async function linkStaged(
  client: pg.PoolClient,
  staged: readonly StagedPerson[],
  model: Model,
  settings: LinkSettings,
  opts: LinkOptions,
): Promise<StagedLinks> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = (timings[name] ?? 0) + Math.round(now - t);
    t = now;
  };

  await client.query(createStageSql());
  await copyLines(client, copyStageSql(), stageLines(staged));
  await copyLines(client, copyRepairsSql(), repairsOf(staged));
  await client.query(analyzeStageSql());
  lap('stage');
  if (opts.measureFloor) {
    await client.query(exactIdFloorSql());
    lap('floorExactId');
  }

  // Round 1: ID numbers, then the exact keys for whoever an ID did not settle.
  await client.query(idPairsSql(settings.blockCap));
  if ((await client.query<{ any: boolean }>(anySuspectPersonsSql())).rows[0].any) await client.query(suspectPersonPairsSql());
  lap('blockId');
  await client.query(fuzzyPairsSql(settings.blockCap, 1));
  lap('blockFuzzy');
  const candidates: Candidates = { pids: [], rows: [], prepared: [] };
  await client.query(createCandidatesSql());
  await fetchNewCandidates(client, candidates);
  // The pairs and the name frequencies are read while the candidates are prepared here.
  const pairRows1 = sent(client.query<[number, number]>({ ...pairRowsSql(), rowMode: 'array' }));
  const frequenciesSent = sent(frequenciesFor(client, opts.populationSize));
  await preparePending(candidates);
  const frequencies = await frequenciesSent;
  lap('fetch');
  const first = score(staged, candidates, model, settings, opts, frequencies, await pairRows1);
  const decisions = first.decisions;
  let pairs = first.pairs;
  lap('score');
  if (opts.betweenRounds) {
    await opts.betweenRounds(decisions);
    lap('family');
  }

  // Round 2, for the undecided only: keys that survive a wrong birth date or name. A person
  // round 1 linked keeps its link — a candidate only these looser keys find cannot outscore
  // one that agreed on an ID or on name and birth date by the margin a link needs.
  const undecided: number[] = [];
  decisions.forEach((d, i) => d.status !== 'linked' && undecided.push(i));
  if (undecided.length) {
    await client.query(fuzzyPairsSql(settings.blockCap, 2, undecided));
    lap('blockFuzzy');
    await fetchNewCandidates(client, candidates);
    const pairRows2 = sent(client.query<[number, number]>({ ...pairRowsSql(undecided), rowMode: 'array' }));
    await preparePending(candidates);
    lap('fetch');
    const second = score(staged, candidates, model, settings, opts, frequencies, await pairRows2, undecided);
    undecided.forEach((i, k) => (decisions[i] = second.decisions[k]));
    pairs += second.pairs;
    lap('score');
  }
  if (opts.measureFloor) {
    // Diagnostics for the benchmark: how many pairs each rule brought (a pair may come by several).
    for (const r of (await client.query<{ rule: number; n: number }>(pairsByRuleSql())).rows) {
      const name = r.rule < FIRST_FUZZY_RULE ? ID_RULE_NAMES[r.rule] : FUZZY_RULES[r.rule - FIRST_FUZZY_RULE].name;
      timings[`pairs.${name}`] = r.n;
    }
  }
  return { decisions, candidates, pairs, timings };
}
