import { describe, expect, it } from 'vitest';
import {
  comparePairs, createModel, DEFAULT_PERSON_PARAMETERS, DEFAULT_TF_MIN_FREQUENCY, explainVector, matchProbability, MISSING,
  NAME_EXACT, NAME_PINYIN, PERSON_COMPARISONS, prepareRecord, priorForPopulation, scoreVectors, tfAdjustment,
  type ComparisonSpec, type ModelParameters,
} from '../src/matching/index.js';

const spec: ComparisonSpec[] = [
  { name: 'a', levels: ['exact', 'differs'] },
  { name: 'b', levels: ['exact', 'close', 'differs'], tf: { levels: [0], uLevel: 0, minFrequency: 1e-6 } },
];
const params: ModelParameters = {
  lambda: 0.2,
  comparisons: { a: { m: [0.9, 0.1], u: [0.1, 0.9] }, b: { m: [0.8, 0.15, 0.05], u: [0.01, 0.04, 0.95] } },
};
const model = createModel(spec, params, 'toy');
const prior = Math.log2(0.2 / 0.8);

describe('Fellegi–Sunter weights', () => {
  it('match weight = log2 prior odds + Σ log2(m/u); missing adds nothing', () => {
    const w = scoreVectors(model, Int8Array.from([0, 0, 1, 2, 0, MISSING, MISSING, MISSING]));
    expect(w[0]).toBeCloseTo(prior + Math.log2(0.9 / 0.1) + Math.log2(0.8 / 0.01), 12);
    expect(w[1]).toBeCloseTo(prior + Math.log2(0.1 / 0.9) + Math.log2(0.05 / 0.95), 12);
    expect(w[2]).toBeCloseTo(prior + Math.log2(9), 12);
    expect(w[3]).toBeCloseTo(prior, 12);
  });
  it('probability = 2^w / (1 + 2^w), so the prior alone gives λ', () => {
    expect(matchProbability(prior)).toBeCloseTo(0.2, 12);
    expect(matchProbability(0)).toBe(0.5);
    expect(matchProbability(10)).toBeCloseTo(1024 / 1025, 12);
  });
  it('refuses parameters that would give infinite weights', () => {
    expect(() => createModel(spec, { ...params, comparisons: { ...params.comparisons, a: { m: [1, 0], u: [0.1, 0.9] } } })).toThrow(/m and u/);
    expect(() => createModel(spec, { ...params, lambda: 0 })).toThrow(/lambda/);
    expect(() => createModel(spec, { ...params, comparisons: { a: params.comparisons.a } })).toThrow(/no parameters/);
  });
  it('the model id changes with the parameters', () => {
    const other = createModel(spec, { ...params, lambda: 0.3 }, 'toy');
    expect(model.id).toMatch(/^toy@[0-9a-f]{8}$/);
    expect(other.id).not.toBe(model.id);
    expect(createModel(spec, params, 'toy').id).toBe(model.id);
  });
});

describe('term-frequency adjustment', () => {
  const v = Int8Array.from([0, 0, 0, 0, 0, 0, 0, 1]);
  it('replaces u of the agreeing level by the frequency of the value: weight log2(m / tf)', () => {
    const tf = Float64Array.from([0.1, 1e-4, 0, 0.1]);
    const w = scoreVectors(model, v, tf);
    const base = prior + Math.log2(9);
    expect(w[0]).toBeCloseTo(base + Math.log2(0.8 / 0.1), 12); // a common value weighs less than u says
    expect(w[1]).toBeCloseTo(base + Math.log2(0.8 / 1e-4), 12); // a rare one more
    expect(w[2]).toBeCloseTo(base + Math.log2(0.8 / 0.01), 12); // unknown frequency: plain u
    expect(w[3]).toBeCloseTo(base + Math.log2(0.15 / 0.04), 12); // level not tf-adjusted
    expect(w[0]).toBeLessThan(w[2]);
    expect(w[1]).toBeGreaterThan(w[2]);
  });
  it('raises tiny frequencies to the floor, and can be weakened', () => {
    expect(tfAdjustment(model, 0, 1e-12)).toBeCloseTo(Math.log2(0.01 / 1e-6), 12);
    const half = createModel([spec[0], { ...spec[1], tf: { levels: [0], weight: 0.5 } }], params);
    expect(tfAdjustment(half, 0, 0.04)).toBeCloseTo(0.5 * Math.log2(0.01 / 0.04), 12);
    expect(DEFAULT_TF_MIN_FREQUENCY).toBeGreaterThan(0);
  });
  it('a common name such as 王伟 weighs less than a rare one in the person model', () => {
    const person = createModel(PERSON_COMPARISONS, DEFAULT_PERSON_PARAMETERS);
    const freq: Record<string, number> = { 王伟: 3e-4, 禤珺瑶: 2e-8 };
    const recs = ['王伟', '禤珺瑶'].map((name) => prepareRecord({ name, birthDate: '1990-01-01' }));
    const pers = ['王伟', '禤珺瑶'].map((name) => prepareRecord({ name, birthDate: '1990-01-01' }));
    const c = comparePairs(recs, pers, [0, 1], [0, 1], { name: (n) => freq[n] });
    expect(c.vectors[1]).toBe(NAME_EXACT);
    expect(Array.from(c.tf)).toEqual([3e-4, 2e-8]);
    const w = scoreVectors(person, c.vectors, c.tf);
    expect(w[1] - w[0]).toBeCloseTo(Math.log2(3e-4 / Math.max(2e-8, DEFAULT_TF_MIN_FREQUENCY)), 9);
  });
  it('a pinyin-level agreement uses the pinyin frequency when one is given', () => {
    const recs = [prepareRecord({ name: '张伟' })];
    const pers = [prepareRecord({ name: '章伟' })];
    const c = comparePairs(recs, pers, [0], [0], { name: () => 1e-3, pinyin: (p) => (p === 'zhangwei' ? 5e-4 : undefined) });
    expect(c.vectors[1]).toBe(NAME_PINYIN);
    expect(c.tf[0]).toBe(5e-4);
    expect(comparePairs(recs, pers, [0], [0], { name: () => 1e-3 }).tf[0]).toBe(0);
  });
});

describe('explanations', () => {
  it('list every comparison with level name, weight and TF adjustment, and survive JSON', () => {
    const tf = Float64Array.from([1e-4, 0]);
    const e = explainVector(model, Int8Array.from([1, 0, MISSING, 2]), 0, tf);
    expect(e).toEqual([
      { field: 'a', level: 'differs', weight: expect.closeTo(Math.log2(0.1 / 0.9), 4) },
      { field: 'b', level: 'exact', weight: expect.closeTo(Math.log2(80), 4), tf: { frequency: 1e-4, adjustment: expect.closeTo(Math.log2(100), 4) } },
    ]);
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    expect(explainVector(model, Int8Array.from([1, 0, MISSING, 2]), 1, tf)[0]).toEqual({ field: 'a', level: 'missing', weight: 0 });
  });
});

describe('priors', () => {
  it('λ for a population: share in it over its size', () => {
    expect(priorForPopulation(1_000_000)).toBeCloseTo(9e-7, 15);
    expect(priorForPopulation(70_000_000, 1)).toBeCloseTo(1 / 7e7, 18);
  });
});
