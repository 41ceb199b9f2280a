import { describe, expect, it } from 'vitest';
import { boundIdDiffers, MAX_ID_DIFFERS_M } from '../src/matching/train/estimate-model.js';
import {
  combineSessions, estimateM, estimateU, lambdaFromDeterministicMatches, MISSING, mulberry32, randomPairIndices,
  type ComparisonSpec, type ModelParameters, type Random,
} from '../src/matching/index.js';

const spec: ComparisonSpec[] = [
  { name: 'id', levels: ['exact', 'one_edit', 'differs'] },
  { name: 'name', levels: ['exact', 'pinyin', 'partial', 'differs'] },
  { name: 'birth', levels: ['exact', 'one_part', 'differs'] },
  { name: 'sex', levels: ['exact', 'differs'] },
  { name: 'division', levels: ['township', 'county', 'differs'] },
];
const truth: ModelParameters = {
  lambda: 0.001,
  comparisons: {
    id: { m: [0.85, 0.1, 0.05], u: [0.02, 0.03, 0.95] },
    name: { m: [0.7, 0.15, 0.1, 0.05], u: [0.05, 0.05, 0.1, 0.8] },
    birth: { m: [0.9, 0.07, 0.03], u: [0.05, 0.15, 0.8] },
    sex: { m: [0.97, 0.03], u: [0.5, 0.5] },
    division: { m: [0.6, 0.3, 0.1], u: [0.1, 0.3, 0.6] },
  },
};
const start: ModelParameters = {
  lambda: 0.001,
  comparisons: Object.fromEntries(spec.map((c) => {
    const L = c.levels.length;
    // A deliberately poor start: agreement somewhat likelier among matches, nothing more.
    const m = c.levels.map((_, l) => (l === 0 ? 0.5 : 0.5 / (L - 1)));
    const u = c.levels.map((_, l) => (l === L - 1 ? 0.5 : 0.5 / (L - 1)));
    return [c.name, { m, u }];
  })),
};
const MISSING_RATE = [0.3, 0.05, 0.1, 0.2, 0.15];

function draw(rnd: Random, probs: number[]): number {
  let x = rnd();
  for (let l = 0; l < probs.length - 1; l++) if ((x -= probs[l]) < 0) return l;
  return probs.length - 1;
}

/** n comparison vectors; each a match with probability lambda. */
function sample(seed: number, n: number, lambda: number): { vectors: Int8Array; isMatch: Uint8Array } {
  const rnd = mulberry32(seed);
  const C = spec.length;
  const vectors = new Int8Array(n * C);
  const isMatch = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const match = rnd() < lambda;
    isMatch[r] = match ? 1 : 0;
    spec.forEach((c, i) => {
      const p = truth.comparisons[c.name];
      vectors[r * C + i] = rnd() < MISSING_RATE[i] ? MISSING : draw(rnd, match ? p.m : p.u);
    });
  }
  return { vectors, isMatch };
}

function expectClose(actual: ModelParameters, which: 'm' | 'u', tolerance: number, names = spec.map((c) => c.name)) {
  for (const name of names) {
    actual.comparisons[name][which].forEach((x, l) => {
      expect(Math.abs(x - truth.comparisons[name][which][l]), `${name}.${which}[${l}] = ${x}`).toBeLessThan(tolerance);
    });
  }
}

describe('u from random pairs', () => {
  it('is the share of each level among the pairs where the comparison is not missing', () => {
    const { vectors } = sample(1, 100_000, 0);
    const u = estimateU(spec, vectors);
    expectClose({ lambda: 0, comparisons: Object.fromEntries(spec.map((c) => [c.name, { m: [], u: u[c.name] }])) }, 'u', 0.01);
  });
  it('gives a level never seen half a count, or its prior from the start parameters when smaller', () => {
    const C = spec.length;
    const vectors = new Int8Array(10 * C).fill(MISSING);
    for (let r = 0; r < 10; r++) vectors[r * C] = 2; // id always differs
    const u1 = estimateU(spec, vectors);
    expect(u1.id[0]).toBeCloseTo(0.05, 12);
    expect(u1.id[0] + u1.id[1] + u1.id[2]).toBeCloseTo(1, 12);
    expect(u1.sex).toEqual([0.5, 0.5]); // all missing: uniform
    const u2 = estimateU(spec, vectors, { start: { lambda: 0.1, comparisons: { ...start.comparisons, id: { m: [0.9, 0.05, 0.05], u: [1e-4, 0.3, 0.6999] } } } });
    expect(u2.id[0]).toBeCloseTo(1e-4, 12);
    expect(u2.id[1]).toBeCloseTo(0.05, 12); // a prior of 0.3 that 10 samples contradict: half a count
    // A prior far below the m floor survives: u needs only to stay above 0.
    const u3 = estimateU(spec, vectors, { start: { lambda: 0.1, comparisons: { ...start.comparisons, id: { m: [0.9, 0.05, 0.05], u: [1.4e-8, 1e-7, 1 - 1.14e-7] } } } });
    expect(u3.id[0]).toBeCloseTo(1.4e-8, 18);
  });
});

describe('m by expectation–maximisation', () => {
  const blocked = sample(2, 200_000, 0.3);

  it('recovers m, u and the share of matches when nothing is fixed', () => {
    const r = estimateM(spec, start, blocked.vectors, { fixU: false, startLambda: 0.5, maxIterations: 500, tolerance: 1e-7 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.lambdaBlocked - 0.3)).toBeLessThan(0.01);
    expectClose(r.params, 'm', 0.015);
    expectClose(r.params, 'u', 0.015);
    expect(r.params.lambda).toBe(start.lambda); // the global prior is not the blocked share
    expect(r.patterns).toBeLessThan(3 * 4 * 3 * 2 * 3 * 2 ** 5);
  });

  it('recovers m with u fixed from random pairs (the Splink default)', () => {
    const u = estimateU(spec, sample(3, 200_000, 0).vectors);
    const withU: ModelParameters = { ...start, comparisons: Object.fromEntries(spec.map((c) => [c.name, { m: start.comparisons[c.name].m, u: u[c.name] }])) };
    const r = estimateM(spec, withU, blocked.vectors);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.lambdaBlocked - 0.3)).toBeLessThan(0.01);
    expectClose(r.params, 'm', 0.015);
    for (const c of spec) expect(r.params.comparisons[c.name].u).toEqual(u[c.name]);
  });

  it('changes by less than the tolerance in its last iteration and stops there', () => {
    const r = estimateM(spec, start, blocked.vectors, { fixU: false, startLambda: 0.5, tolerance: 1e-4 });
    expect(r.trace.at(-1)).toBeLessThan(1e-4);
    expect(r.trace.slice(0, -1).every((x) => x >= 1e-4)).toBe(true);
    expect(r.iterations).toBe(r.trace.length);
    const capped = estimateM(spec, start, blocked.vectors, { fixU: false, startLambda: 0.5, maxIterations: 3, tolerance: 1e-12 });
    expect(capped.iterations).toBe(3);
    expect(capped.converged).toBe(false);
  });

  it('leaves fixed and excluded comparisons as they were', () => {
    const r = estimateM(spec, start, blocked.vectors, { fixU: false, fixM: ['sex'], exclude: ['birth'] });
    expect(r.params.comparisons.sex.m).toEqual(start.comparisons.sex.m);
    expect(r.params.comparisons.sex.u).not.toEqual(start.comparisons.sex.u);
    expect(r.params.comparisons.birth).toEqual(start.comparisons.birth);
    expect(() => estimateM(spec, start, blocked.vectors, { exclude: ['nope'] })).toThrow(/unknown comparison/);
  });

  it('can fix the share of matches', () => {
    const r = estimateM(spec, start, blocked.vectors, { fixLambda: true, startLambda: 0.25 });
    expect(r.lambdaBlocked).toBe(0.25);
  });

  it('is deterministic', () => {
    const a = estimateM(spec, start, blocked.vectors, { fixU: false, startLambda: 0.5 });
    const b = estimateM(spec, start, blocked.vectors, { fixU: false, startLambda: 0.5 });
    expect(a).toEqual(b);
  });

  it('never lets a probability reach 0 or 1, and keeps each comparison summing to 1', () => {
    const C = spec.length;
    const v = new Int8Array(1000 * C);
    for (let r = 0; r < 1000; r++) for (let c = 0; c < C; c++) v[r * C + c] = r % 2 === 0 ? 0 : spec[c].levels.length - 1;
    const r = estimateM(spec, start, v, { fixU: false, floor: 1e-6, uFloor: 1e-9, startLambda: 0.5 });
    for (const c of spec) {
      const { m, u } = r.params.comparisons[c.name];
      for (const x of [...m, ...u]) {
        expect(x).toBeGreaterThan(0);
        expect(x).toBeLessThan(1);
      }
      for (const x of m) expect(x).toBeGreaterThanOrEqual(1e-6 * 0.99);
      for (const x of u) expect(x).toBeGreaterThanOrEqual(1e-9 * 0.99);
      expect(Math.min(...m)).toBeLessThan(1e-5); // the middle levels never occur: floored, not left at the start value
      expect(m.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });
});

describe('labelled pairs from clerical review', () => {
  it('alone, give m and u as the shares among the known matches and non-matches', () => {
    const labelled = sample(4, 20_000, 0.5);
    const r = estimateM(spec, start, new Int8Array(0), { labelled, fixU: false });
    const C = spec.length;
    spec.forEach((c, i) => {
      for (const [which, want] of [['m', 1], ['u', 0]] as const) {
        const counts = c.levels.map(() => 0);
        let n = 0;
        for (let k = 0; k < labelled.isMatch.length; k++) {
          const l = labelled.vectors[k * C + i];
          if (labelled.isMatch[k] === want && l !== MISSING) (counts[l]++, n++);
        }
        counts.forEach((x, l) => expect(r.params.comparisons[c.name][which][l]).toBeCloseTo(x / n, 5));
      }
    });
    expect(r.converged).toBe(true);
  });
  it('sharpen EM on few unlabelled pairs, and do not bias the share of matches', () => {
    const unlabelled = sample(5, 3_000, 0.1);
    const labelled = sample(6, 3_000, 0.9); // clerks see the doubtful, mostly-matching pairs
    const plain = estimateM(spec, start, unlabelled.vectors, { fixU: false, startLambda: 0.5 });
    const helped = estimateM(spec, start, unlabelled.vectors, { labelled, fixU: false, startLambda: 0.5 });
    const err = (p: ModelParameters) => spec.reduce((a, c) => a + p.comparisons[c.name].m.reduce((s, x, l) => s + Math.abs(x - truth.comparisons[c.name].m[l]), 0), 0);
    expect(err(helped.params)).toBeLessThan(err(plain.params));
    expect(Math.abs(helped.lambdaBlocked - 0.1)).toBeLessThan(0.03);
  });
});

describe('helpers', () => {
  it('combine sessions by averaging each m over the sessions that estimated it', () => {
    const s1 = { params: { ...start, comparisons: { ...start.comparisons, id: { m: [0.8, 0.1, 0.1], u: [0.1, 0.1, 0.8] } } }, exclude: ['birth'] };
    const s2 = { params: { ...start, comparisons: { ...start.comparisons, id: { m: [0.6, 0.3, 0.1], u: [0.3, 0.3, 0.4] }, birth: { m: [0.7, 0.2, 0.1], u: [0.2, 0.2, 0.6] } } }, exclude: ['id'] };
    const out = combineSessions(spec, truth, [s1, s2]);
    expect(out.comparisons.id.m).toEqual([0.8, 0.1, 0.1]);
    expect(out.comparisons.id.u).toEqual(truth.comparisons.id.u);
    expect(out.comparisons.birth.m).toEqual([0.7, 0.2, 0.1]);
    expect(out.comparisons.sex.m[0]).toBeCloseTo(start.comparisons.sex.m[0], 12);
  });
  it('λ from a deterministic rule, scaled by its recall', () => {
    expect(lambdaFromDeterministicMatches(900, 1000, 1_000_000, 0.9)).toBeCloseTo(1e-6, 15);
    expect(() => lambdaFromDeterministicMatches(1, 1, 1, 0)).toThrow();
  });
  it('random pairs are reproducible from their seed', () => {
    const a = randomPairIndices(100, 1000, 50, 7);
    expect(randomPairIndices(100, 1000, 50, 7)).toEqual(a);
    expect(randomPairIndices(100, 1000, 50, 8)).not.toEqual(a);
    expect(Math.max(...a.left)).toBeLessThan(100);
    expect(Math.max(...a.right)).toBeLessThan(1000);
  });

  it('bounds what EM may learn of a match\'s ID number differing (a stranger sharing a phone is no match with another number)', () => {
    const m = boundIdDiffers([0.8, 0.08, 0.12]);
    expect(m[2]).toBe(MAX_ID_DIFFERS_M);
    expect(m[0] + m[1] + m[2]).toBeCloseTo(1, 12);
    expect(m[0] / m[1]).toBeCloseTo(10, 9); // the rest keeps its proportions
    expect(boundIdDiffers([0.97, 0.029, 0.001])).toEqual([0.97, 0.029, 0.001]);
  });
});
