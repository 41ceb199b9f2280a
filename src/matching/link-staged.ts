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
  analyzeStageSql, anySuspectPersonsSql, candidateRowsSql, candidatesSql, copyRepairsSql, copyStageSql, createStageSql, exactIdFloorSql,
  fuzzyPairsSql, idPairsSql, pairRowsSql, settleExactSql, suspectPersonPairsSql,
} from './sql/blocking-sql.js';
import { frequenciesOfSql } from './sql/frequency-sql.js';
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
async function frequenciesFor(client: pg.PoolClient, staged: readonly StagedPerson[], population: number): Promise<TermFrequencies> {
  const names = new Set<string>(), pinyins = new Set<string>();
  for (const s of staged) {
    if (s.prepared.name) {
      names.add(s.prepared.name.norm);
      pinyins.add(s.prepared.name.pinyin);
    }
  }
  const byName = new Map<string, number>(), byPinyin = new Map<string, number>();
  if (population > 0 && names.size) {
    const { rows } = await client.query<{ kind: string; value: string; n: number }>(frequenciesOfSql([...names], [...pinyins]));
    for (const r of rows) (r.kind === 'name' ? byName : byPinyin).set(r.value, r.n / population);
  }
  return { name: (n) => byName.get(n), pinyin: (p) => byPinyin.get(p) };
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
    timings[name] = Math.round(now - t);
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

  await client.query(idPairsSql(settings.blockCap));
  if ((await client.query<{ any: boolean }>(anySuspectPersonsSql())).rows[0].any) await client.query(suspectPersonPairsSql());
  await client.query(settleExactSql());
  lap('blockId');
  await client.query(fuzzyPairsSql(settings.blockCap));
  lap('blockFuzzy');

  await client.query(candidatesSql());
  const persons = await client.query<unknown[]>({ text: candidateRowsSql().text, rowMode: 'array' });
  const pairRows = await client.query<[number, number]>({ text: pairRowsSql().text, rowMode: 'array' });
  lap('fetch');

  const pids: string[] = new Array(persons.rows.length);
  const rows: PersonMatchRow[] = new Array(persons.rows.length);
  const prepared: PreparedRecord[] = new Array(persons.rows.length);
  persons.rows.forEach((r, j) => {
    const row: PersonMatchRow = {
      id_number: r[1] as string | null, name: r[2] as string, name_norm: r[3] as string, name_pinyin: r[4] as string,
      sex: r[5] as number, birth_date: r[6] as string | null, hukou_division: r[7] as string | null,
      residence_division: r[8] as string | null, phone: r[9] as string | null,
    };
    pids[j] = r[0] as string;
    rows[j] = row;
    prepared[j] = preparePerson(row);
  });
  const pairRecord = new Uint32Array(pairRows.rows.length);
  const pairPerson = new Uint32Array(pairRows.rows.length);
  let n = 0;
  for (const [i, j] of pairRows.rows) {
    if (opts.exclude?.get(i) === pids[j]) continue;
    pairRecord[n] = i;
    pairPerson[n] = j;
    n++;
  }
  const frequencies = await frequenciesFor(client, staged, opts.populationSize);
  lap('prepare');

  const decisions = linkBatch(
    model,
    {
      records: staged.map((s) => s.prepared),
      persons: prepared,
      personPids: pids,
      pairRecord: pairRecord.subarray(0, n),
      pairPerson: pairPerson.subarray(0, n),
      frequencies,
    },
    settings.thresholds,
  );
  lap('score');
  return { decisions, candidates: { pids, rows, prepared }, pairs: n, timings };
}
