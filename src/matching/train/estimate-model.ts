// Estimating the model from the data, as Splink does (`yipanqi links estimate`):
// - u from comparisons of random (record, person) pairs: a sample of current feed records
//   against a sample of persons — almost every such pair is two different people;
// - m by EM in three sessions, each blocking a sample of records on one coarse key (the exact
//   ID; the pinyin of the name; birth date and sex; the phone) and leaving the comparisons that
//   key forces to agree out of that session; each comparison's m is the mean over the sessions
//   that estimated it (the ID number's from the phone session only, see train-sql.ts). Clerks'
//   decisions enter every session as labelled pairs;
// - the prior λ from the share of records that have a match in the population (records whose
//   ID number is a person's) over the population's size, as 1:N odds (oneToManyPrior).
// Sampling is seeded (TABLESAMPLE … REPEATABLE): the same data and seed give the same model.
import type pg from 'pg';
import { C_ID, comparePairs, PERSON_COMPARISON_COUNT, PERSON_COMPARISONS } from '../compare-pairs.js';
import { ID_DIFFERS, ID_EXACT, ID_ONE_EDIT } from '../id-compare.js';
import { DEFAULT_PERSON_PARAMETERS, priorForPopulation } from '../default-model.js';
import { combineSessions, estimateM, estimateU, randomPairIndices, type EmResult, type LabelledPairs } from '../estimate.js';
import { mulberry32 } from '../prng.js';
import type { ModelParameters } from '../fellegi-sunter.js';
import { copyLines } from '../link-staged.js';
import { toSourceRecord, tuneLinkTransaction } from '../link-run.js';
import { oneToManyPrior, populationSize } from '../model-store.js';
import { preparePerson, type PersonMatchRow, type PreparedRecord } from '../record.js';
import { stageLine, stagePersons } from '../stage-records.js';
import { copyStageSql, createStageSql } from '../sql/blocking-sql.js';
import {
  labelledPairsSql, personsByPidSql, samplePersonsSql, sampleRecordsSql, sessionPairsSql, tableSizeSql, TRAINING_SESSIONS,
} from './train-sql.js';

export interface EstimateOptions {
  /** Feed records sampled for u (default 20,000). */
  records?: number;
  /** Of those, records blocked in each m session (default 5,000). */
  sessionRecords?: number;
  /** Persons sampled for u (default 50,000). */
  persons?: number;
  /** Random pairs compared for u (default 1,000,000). */
  randomPairs?: number;
  /** Persons per record and session key (default 50). */
  blockCap?: number;
  seed?: number;
  maxIterations?: number;
}

export interface SessionSummary {
  name: string;
  exclude: readonly string[];
  pairs: number;
  patterns: number;
  iterations: number;
  converged: boolean;
  lambdaBlocked: number;
}

export interface TrainingSummary {
  population: number;
  records: number;
  persons: number;
  randomPairs: number;
  labelledPairs: number;
  shareInPopulation: number;
  seed: number;
  sessions: SessionSummary[];
}

export interface EstimateResult {
  params: ModelParameters;
  training: TrainingSummary;
}

type PersonRowWithPid = PersonMatchRow & { pid: string };

function labelled(rows: { pairs: { levels: number[]; match: boolean }[] }[]): LabelledPairs | undefined {
  const C = PERSON_COMPARISONS.length;
  const all = rows.flatMap((r) => r.pairs).filter((p) => Array.isArray(p.levels) && p.levels.length === C);
  if (!all.length) return undefined;
  const vectors = new Int8Array(all.length * C);
  all.forEach((p, k) => p.levels.forEach((l, c) => (vectors[k * C + c] = l)));
  return { vectors, isMatch: Uint8Array.from(all, (p) => (p.match ? 1 : 0)) };
}

export async function estimateFromDatabase(pool: pg.Pool, o: EstimateOptions = {}): Promise<EstimateResult> {
  const seed = o.seed ?? 20240305;
  const want = o.records ?? 20_000;
  const sessionWant = o.sessionRecords ?? 5_000;
  const personWant = o.persons ?? 50_000;
  const cap = o.blockCap ?? 50;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await tuneLinkTransaction(client);
    const population = await populationSize(client);
    const total = Number((await client.query(tableSizeSql('feed_records'))).rows[0].n) || want;
    const personTotal = Number((await client.query(tableSizeSql('persons'))).rows[0].n) || population || personWant;
    const records = (await client.query(sampleRecordsSql(Math.min(1, (1.2 * want) / total), seed, want))).rows.map(toSourceRecord);
    const staged = stagePersons(records);
    if (!staged.length) throw new Error('no feed records to learn from: import a day\'s feeds first');
    const sampleRows = (await client.query<PersonRowWithPid>(samplePersonsSql(Math.min(1, (1.2 * personWant) / personTotal), seed, personWant))).rows;
    if (!sampleRows.length) throw new Error('the population database is empty: import it first');
    const sample = sampleRows.map((r) => preparePerson(r));
    const left = staged.map((s) => s.prepared);

    // u: random pairs.
    const randomPairs = o.randomPairs ?? 1_000_000;
    const rp = randomPairIndices(left.length, sample.length, randomPairs, seed);
    const u = estimateU(PERSON_COMPARISONS, withoutIdAgreements(comparePairs(left, sample, rp.left, rp.right).vectors), { start: DEFAULT_PERSON_PARAMETERS });
    const lambda = priorForPopulation(population || personTotal);
    const start: ModelParameters = {
      lambda,
      comparisons: Object.fromEntries(PERSON_COMPARISONS.map((c) => [c.name, { m: [...DEFAULT_PERSON_PARAMETERS.comparisons[c.name].m], u: u[c.name] }])),
    };

    // m: EM sessions on a subsample, blocked in the database.
    // The sample comes in table order (one feed after another): shuffle before taking a subsample.
    const rnd = mulberry32(seed);
    const shuffled = [...staged];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const sessionStaged = shuffled.slice(0, sessionWant);
    await client.query(createStageSql());
    await copyLines(client, copyStageSql(), sessionStaged.map((s, i) => stageLine(i, s)));
    await client.query('ANALYZE link_stage');
    const labels = labelled((await client.query(labelledPairsSql())).rows);
    const sessions: { result: EmResult; exclude: readonly string[]; name: string; pairs: number }[] = [];
    const personCache = new Map<string, PreparedRecord>();
    let idHits = 0;
    for (const session of TRAINING_SESSIONS) {
      const pairs = (await client.query<{ i: number; pid: string }>(sessionPairsSql(session, cap))).rows;
      if (session.name === 'id') idHits = new Set(pairs.map((p) => p.i)).size;
      const missing = [...new Set(pairs.map((p) => p.pid).filter((pid) => !personCache.has(pid)))];
      for (let k = 0; k < missing.length; k += 20_000) {
        const rows = (await client.query<PersonRowWithPid>(personsByPidSql(missing.slice(k, k + 20_000)))).rows;
        for (const r of rows) personCache.set(r.pid, preparePerson(r));
      }
      const persons: PreparedRecord[] = [];
      const index = new Map<string, number>();
      const right = new Uint32Array(pairs.length);
      pairs.forEach((p, k) => {
        let j = index.get(p.pid);
        if (j === undefined) {
          j = persons.length;
          index.set(p.pid, j);
          persons.push(personCache.get(p.pid)!);
        }
        right[k] = j;
      });
      const vectors = comparePairs(sessionStaged.map((s) => s.prepared), persons, Uint32Array.from(pairs, (p) => p.i), right).vectors;
      const result = estimateM(PERSON_COMPARISONS, start, vectors, {
        exclude: session.exclude, fixM: session.fixM, labelled: labels, maxIterations: o.maxIterations ?? 200,
      });
      sessions.push({ result, exclude: session.exclude, name: session.name, pairs: pairs.length });
      // What this session learnt of the ID number is what the later ones keep fixed.
      if (!session.exclude.includes('id_number') && !session.fixM.includes('id_number')) {
        start.comparisons.id_number = { ...start.comparisons.id_number, m: boundIdDiffers(result.params.comparisons.id_number.m) };
      }
    }
    const combined = combineSessions(PERSON_COMPARISONS, start, sessions.map((s) => ({ params: s.result.params, exclude: s.exclude })));
    combined.comparisons.id_number = { ...combined.comparisons.id_number, m: boundIdDiffers(combined.comparisons.id_number.m) };

    // λ: the share of records whose person is in the population — of the records with an ID
    // number, those whose number is a person's, divided by the chance that a match's number is
    // written exactly (m of the exact level); over the population's size.
    const withId = sessionStaged.filter((s) => s.prepared.id).length;
    const share = Math.min(0.99, Math.max(0.05, withId ? idHits / withId / start.comparisons.id_number.m[ID_EXACT] : 0.9));
    const params: ModelParameters = { ...combined, lambda: oneToManyPrior(population || personTotal, share) };

    await client.query('ROLLBACK');
    return {
      params,
      training: {
        population: population || personTotal,
        records: staged.length,
        persons: sample.length,
        randomPairs,
        labelledPairs: labels ? labels.isMatch.length : 0,
        shareInPopulation: Math.round(share * 1e4) / 1e4,
        seed,
        sessions: sessions.map((s) => ({
          name: s.name, exclude: s.exclude, pairs: s.pairs, patterns: s.result.patterns, iterations: s.result.iterations,
          converged: s.result.converged, lambdaBlocked: s.result.lambdaBlocked,
        })),
      },
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Random pairs without those that agree on the ID number (exactly or but for one typing error).
 * u is the chance of agreement between two different people, and random pairs are taken to be
 * different people; for a name that is near enough true, but not for a unique identifier: a
 * sample of a day's records against a sample of the register holds a match about once in a
 * hundred thousand pairs, as often as the exact-ID agreements it finds, so counting them would
 * make u for an exact ID number the sampling rate (~1e-6) instead of the rate at which two
 * people really share a number (~1e-8, the starting value a level never seen keeps). Those pairs
 * are the same person; they are left out.
 */
export function withoutIdAgreements(vectors: Int8Array): Int8Array {
  const C = PERSON_COMPARISON_COUNT;
  const rows = vectors.length / C;
  const out = new Int8Array(vectors.length);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    const id = vectors[r * C + C_ID];
    if (id === ID_EXACT || id === ID_ONE_EDIT) continue;
    out.set(vectors.subarray(r * C, r * C + C), k * C);
    k++;
  }
  return out.subarray(0, k * C);
}

/**
 * The most a match's ID number may differ beyond one typing error (the record carries someone
 * else's number): well under 1 % in registers. EM on phone-blocked pairs cannot be held to that
 * by itself — in a large population, strangers who share a phone number (a reassigned number, a
 * family's one phone) and agree on name or age look like matches with other numbers, and one run
 * on ten million persons learnt 11 %, which made a differing number cost 3 bits instead of 20.
 */
export const MAX_ID_DIFFERS_M = 0.005;

export function boundIdDiffers(m: readonly number[]): number[] {
  if (!(m[ID_DIFFERS] > MAX_ID_DIFFERS_M)) return [...m];
  const excess = m[ID_DIFFERS] - MAX_ID_DIFFERS_M;
  const rest = 1 - m[ID_DIFFERS];
  return m.map((x, l) => (l === ID_DIFFERS ? MAX_ID_DIFFERS_M : rest > 0 ? x + (excess * x) / rest : x));
}
