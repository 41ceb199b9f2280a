// End to end through the pure core: residents and agency records with typical errors, blocking by
// the blocking keys, u from random pairs, m by EM, then decisions. The error model here is a
// handful of seeded perturbations, not the project's test-data generator.
import { describe, expect, it } from 'vitest';
import { checkDigit } from '../src/normalise/id-number.js';
import {
  blockingKeys, combineSessions, comparePairs, createModel, DEFAULT_PERSON_PARAMETERS, estimateM, estimateU, linkBatch, mulberry32,
  PERSON_COMPARISONS, prepareRecord, priorForPopulation, randomPairIndices, type MatchInput, type PreparedRecord,
} from '../src/matching/index.js';

const rnd = mulberry32(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红建国文辉鹏飞斌宇浩凯晨欣怡梓涵子轩雨婷佳慧思俊志海燕春梅晓东丹'];
const HOMOPHONE: Record<string, string> = { 张: '章', 王: '汪', 伟: '玮', 芳: '方', 静: '靜', 丽: '莉', 明: '铭', 华: '骅', 杰: '傑' };
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const POPULATION = 3000;
const people: (MatchInput & { idNumber: string; name: string; birthDate: string })[] = [];
for (let i = 0; i < POPULATION; i++) {
  const birthDate = `${1950 + Math.floor(rnd() * 60)}-${pad(1 + Math.floor(rnd() * 12))}-${pad(1 + Math.floor(rnd() * 28))}`;
  const village = `430102${pad(1 + Math.floor(rnd() * 5), 3)}${pad(1 + Math.floor(rnd() * 10), 3)}`;
  const first17 = village.slice(0, 6) + birthDate.replaceAll('-', '') + pad(Math.floor(rnd() * 1000), 3);
  people.push({
    idNumber: first17 + checkDigit(first17),
    name: pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.7 ? pick(GIVEN) : ''),
    sex: 1 + Math.floor(rnd() * 2),
    birthDate,
    divisions: [village],
    phone: rnd() < 0.6 ? `13${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}` : null,
  });
}

/** An agency's copy of a resident: IDs missing or mistyped, homophones, traditional forms, wrong dates. */
function perturb(p: (typeof people)[number]): MatchInput {
  const r: MatchInput = { ...p };
  const x = rnd();
  if (x < 0.3) r.idNumber = null;
  else if (x < 0.4) {
    const i = Math.floor(rnd() * 17);
    r.idNumber = p.idNumber.slice(0, i) + ((Number(p.idNumber[i]) + 1) % 10) + p.idNumber.slice(i + 1);
  }
  if (rnd() < 0.15) r.name = [...p.name].map((c) => (rnd() < 0.5 ? (HOMOPHONE[c] ?? c) : c)).join('');
  if (rnd() < 0.08) r.birthDate = p.birthDate.slice(0, 8) + pad(((Number(p.birthDate.slice(8)) + 1) % 28) + 1);
  if (rnd() < 0.3) r.phone = null;
  if (rnd() < 0.2) r.divisions = [];
  return r;
}

const RECORDS = 1200;
const truth: number[] = [];
const inputs: MatchInput[] = [];
for (let i = 0; i < RECORDS; i++) {
  if (i % 6 === 5) {
    // Not in the population: a newcomer.
    const first17 = `4401031990${pad(1 + (i % 12))}${pad(1 + (i % 28))}${pad(i % 1000, 3)}`;
    inputs.push({ idNumber: first17 + checkDigit(first17), name: pick(SURNAMES) + pick(GIVEN) + pick(GIVEN), birthDate: `1990-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`, sex: 1 });
    truth.push(-1);
  } else {
    const k = Math.floor(rnd() * POPULATION);
    inputs.push(perturb(people[k]));
    truth.push(k);
  }
}

const persons: PreparedRecord[] = people.map((p) => prepareRecord(p));
const records: PreparedRecord[] = inputs.map((r) => prepareRecord(r));
const pids = people.map((_, i) => `P${i}`);

// Blocking in memory, as the SQL stage will do with an index on (rule, key).
const index = new Map<string, number[]>();
persons.forEach((p, i) => {
  for (const k of blockingKeys(p)) {
    const key = `${k.rule}:${k.key}`;
    const list = index.get(key) ?? [];
    if (list.length < 50) list.push(i); // a blocking rule that finds more than 50 is too coarse for this key
    index.set(key, list);
  }
});
const pairRecord: number[] = [];
const pairPerson: number[] = [];
records.forEach((r, ri) => {
  const found = new Set<number>();
  for (const k of blockingKeys(r)) for (const i of index.get(`${k.rule}:${k.key}`) ?? []) found.add(i);
  for (const i of [...found].sort((a, b) => a - b)) {
    pairRecord.push(ri);
    pairPerson.push(i);
  }
});

/** All (record, person) pairs that agree on key(·): a coarse blocking rule for one training session. */
function trainingPairs(key: (r: PreparedRecord) => string | null): { left: number[]; right: number[]; isMatch: number[] } {
  const byKey = new Map<string, number[]>();
  persons.forEach((p, i) => {
    const k = key(p);
    if (k !== null) byKey.set(k, [...(byKey.get(k) ?? []), i]);
  });
  const left: number[] = [], right: number[] = [], isMatch: number[] = [];
  records.forEach((r, ri) => {
    const k = key(r);
    for (const i of (k === null ? undefined : byKey.get(k)) ?? []) {
      left.push(ri);
      right.push(i);
      isMatch.push(truth[ri] === i ? 1 : 0);
    }
  });
  return { left, right, isMatch };
}

/** The m a perfect estimate would give: level shares among the true matches of a session. */
function trueM(vectors: Int8Array, isMatch: number[], c: number, levels: number): number[] {
  const counts = new Array<number>(levels).fill(0);
  let n = 0;
  isMatch.forEach((m, i) => {
    const l = vectors[i * PERSON_COMPARISONS.length + c];
    if (m && l >= 0) (counts[l]++, n++);
  });
  return counts.map((x) => x / n);
}

describe('a model estimated from the data links synthetic agency records', () => {
  // u from random pairs; m by EM in two sessions, as Splink trains: one blocked on the birth
  // year (birth_date left out of it), one on the surname's pinyin (name left out of it).
  const random = randomPairIndices(records.length, persons.length, 50_000, 7);
  const u = estimateU(PERSON_COMPARISONS, comparePairs(records, persons, random.left, random.right).vectors, { start: DEFAULT_PERSON_PARAMETERS });
  const startParams = {
    lambda: priorForPopulation(POPULATION),
    comparisons: Object.fromEntries(PERSON_COMPARISONS.map((c) => [c.name, { m: DEFAULT_PERSON_PARAMETERS.comparisons[c.name].m, u: u[c.name] }])),
  };
  const byYear = trainingPairs((r) => (r.birth ? String(r.birth).slice(0, 4) : null));
  const bySurname = trainingPairs((r) => (r.name ? r.name.pinyin.slice(0, 2) : null));
  const yearVectors = comparePairs(records, persons, byYear.left, byYear.right).vectors;
  const surnameVectors = comparePairs(records, persons, bySurname.left, bySurname.right).vectors;
  const sessionYear = estimateM(PERSON_COMPARISONS, startParams, yearVectors, { exclude: ['birth_date'], maxIterations: 200 });
  const sessionSurname = estimateM(PERSON_COMPARISONS, startParams, surnameVectors, { exclude: ['name'], maxIterations: 200 });
  const params = combineSessions(PERSON_COMPARISONS, startParams, [
    { params: sessionYear.params, exclude: ['birth_date'] },
    { params: sessionSurname.params, exclude: ['name'] },
  ]);
  const model = createModel(PERSON_COMPARISONS, params, 'person-synthetic');

  it('blocking keys find the true resident for nearly every record', () => {
    const found = truth.filter((k, r) => k >= 0 && pairPerson.some((p, i) => pairRecord[i] === r && p === k)).length;
    expect(found / truth.filter((k) => k >= 0).length).toBeGreaterThan(0.99);
  });

  it('EM converges, finds the share of matches and m close to the true shares among matches', () => {
    for (const [session, pairs] of [[sessionYear, byYear], [sessionSurname, bySurname]] as const) {
      expect(session.converged).toBe(true);
      const share = pairs.isMatch.filter(Boolean).length / pairs.isMatch.length;
      expect(Math.abs(session.lambdaBlocked - share) / share).toBeLessThan(0.1);
    }
    const checks: [string, typeof sessionYear, Int8Array, number[]][] = [
      ['id_number', sessionYear, yearVectors, byYear.isMatch],
      ['name', sessionYear, yearVectors, byYear.isMatch],
      ['birth_date', sessionSurname, surnameVectors, bySurname.isMatch],
      ['division', sessionSurname, surnameVectors, bySurname.isMatch],
    ];
    for (const [name, session, vectors, isMatch] of checks) {
      const c = PERSON_COMPARISONS.findIndex((x) => x.name === name);
      const want = trueM(vectors, isMatch, c, PERSON_COMPARISONS[c].levels.length);
      session.params.comparisons[name].m.forEach((m, l) => expect(Math.abs(m - want[l]), `${name}[${l}] ${m} vs ${want[l]}`).toBeLessThan(0.05));
    }
  });

  it('links almost every resident correctly, never to the wrong person, and finds the newcomers new', () => {
    const decisions = linkBatch(model, { records, persons, personPids: pids, pairRecord, pairPerson });
    let right = 0, wrong = 0, newcomersNew = 0, newcomers = 0;
    decisions.forEach((d, r) => {
      if (truth[r] < 0) {
        newcomers++;
        if (d.status === 'new') newcomersNew++;
        else if (d.status === 'linked') wrong++;
      } else if (d.status === 'linked') {
        if (d.pid === pids[truth[r]]) right++;
        else wrong++;
      }
    });
    expect(wrong).toBe(0);
    expect(right / (RECORDS - newcomers)).toBeGreaterThan(0.95);
    expect(newcomersNew / newcomers).toBeGreaterThan(0.95);
  });
});
