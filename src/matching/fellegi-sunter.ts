// Fellegi–Sunter scoring: each comparison's level has m = P(level | same person) and
// u = P(level | different people); a pair's match weight is log2(λ/(1−λ)) + Σ log2(m/u), with a
// term-frequency adjustment where the agreeing value itself is common or rare (王伟 vs 禤珺瑶),
// and its probability 2^w / (1 + 2^w). Parameters are plain JSON so they can be stored, diffed
// and loaded; the compiled model keeps the weights in one Float64Array for the bulk loop.
import { MISSING, type LevelNames } from './levels.js';

export interface TfSpec {
  /** Levels whose weight is adjusted by the frequency of the agreeing value. */
  levels: readonly number[];
  /** The level whose u the frequency stands in for (Splink: the exact-match level). Default 0. */
  uLevel?: number;
  /** Frequencies are raised to at least this, so a name seen once cannot weigh without bound. */
  minFrequency?: number;
  /** 0 (off) … 1 (full adjustment), Splink's tf_adjustment_weight. Default 1. */
  weight?: number;
}

export interface ComparisonSpec {
  name: string;
  levels: LevelNames;
  tf?: TfSpec;
}

export interface ComparisonParameters {
  m: number[];
  u: number[];
}

export interface ModelParameters {
  /** Prior λ: the probability that two records drawn at random are the same person. */
  lambda: number;
  comparisons: Record<string, ComparisonParameters>;
}

export interface Model {
  /** name@hash of the parameters: stored with every decision to trace it to its model. */
  readonly id: string;
  readonly comparisons: readonly ComparisonSpec[];
  readonly params: ModelParameters;
  /** log2(λ / (1 − λ)). */
  readonly priorWeight: number;
  /** log2(m/u) at offsets[c] + level. */
  readonly weights: Float64Array;
  readonly offsets: Int32Array;
  /** For each comparison, its slot in the per-pair tf row, or −1. */
  readonly tfSlot: Int32Array;
  readonly tfCount: number;
  /** 1 at offsets[c] + level for tf-adjusted levels. */
  readonly tfLevel: Uint8Array;
  /** u of the tf comparison's uLevel, its floor and weight, by tf slot. */
  readonly tfU: Float64Array;
  readonly tfMin: Float64Array;
  readonly tfWeight: Float64Array;
  /** Frozen explanation of every level (offsets[c] + level) and of each comparison missing. */
  readonly levelExplanations: readonly FieldExplanation[];
  readonly missingExplanations: readonly FieldExplanation[];
}

export const DEFAULT_TF_MIN_FREQUENCY = 1e-7;

export function createModel(comparisons: readonly ComparisonSpec[], params: ModelParameters, name = 'model'): Model {
  if (!(params.lambda > 0 && params.lambda < 1)) throw new RangeError(`lambda must be in (0, 1), got ${params.lambda}`);
  const offsets = new Int32Array(comparisons.length);
  let total = 0;
  comparisons.forEach((c, i) => {
    offsets[i] = total;
    total += c.levels.length;
  });
  const weights = new Float64Array(total);
  const tfLevel = new Uint8Array(total);
  const tfSlot = new Int32Array(comparisons.length).fill(-1);
  const tfU: number[] = [], tfMin: number[] = [], tfWeight: number[] = [];
  comparisons.forEach((c, i) => {
    const p = params.comparisons[c.name];
    if (!p) throw new RangeError(`no parameters for comparison ${c.name}`);
    if (p.m.length !== c.levels.length || p.u.length !== c.levels.length) {
      throw new RangeError(`${c.name}: expected ${c.levels.length} m and u values`);
    }
    for (let l = 0; l < c.levels.length; l++) {
      const m = p.m[l], u = p.u[l];
      if (!(m > 0 && m < 1 && u > 0 && u < 1)) throw new RangeError(`${c.name}.${c.levels[l]}: m and u must be in (0, 1), got ${m}, ${u}`);
      weights[offsets[i] + l] = Math.log2(m / u);
    }
    if (c.tf) {
      tfSlot[i] = tfU.length;
      tfU.push(p.u[c.tf.uLevel ?? 0]);
      tfMin.push(c.tf.minFrequency ?? DEFAULT_TF_MIN_FREQUENCY);
      tfWeight.push(c.tf.weight ?? 1);
      for (const l of c.tf.levels) tfLevel[offsets[i] + l] = 1;
    }
  });
  const levelExplanations: FieldExplanation[] = [];
  comparisons.forEach((c, i) => c.levels.forEach((level, l) => {
    levelExplanations.push(Object.freeze({ field: c.name, level, weight: round(weights[offsets[i] + l]) }));
  }));
  return {
    id: `${name}@${fnv1a(JSON.stringify({ comparisons, params }))}`,
    levelExplanations,
    missingExplanations: comparisons.map((c) => Object.freeze({ field: c.name, level: 'missing', weight: 0 })),
    comparisons,
    params,
    priorWeight: Math.log2(params.lambda / (1 - params.lambda)),
    weights,
    offsets,
    tfSlot,
    tfCount: tfU.length,
    tfLevel,
    tfU: Float64Array.from(tfU),
    tfMin: Float64Array.from(tfMin),
    tfWeight: Float64Array.from(tfWeight),
  };
}

/** Bits added to a tf-adjusted level: weight · log2(u_uLevel / max(frequency, floor)); 0 when unknown. */
export function tfAdjustment(model: Model, slot: number, frequency: number): number {
  if (!(frequency > 0)) return 0;
  return model.tfWeight[slot] * Math.log2(model.tfU[slot] / Math.max(frequency, model.tfMin[slot]));
}

/**
 * Match weights (prior included) of packed comparison vectors: row r holds levels at
 * vectors[r·C … r·C + C − 1]; tf, when given, holds the frequency of the agreeing value at
 * tf[r·T + slot] (0 or NaN: unknown). One pass, no allocation besides the result.
 */
export function scoreVectors(model: Model, vectors: Int8Array, tf?: Float64Array | null, out?: Float64Array): Float64Array {
  const C = model.comparisons.length;
  const rows = vectors.length / C;
  const result = out ?? new Float64Array(rows);
  const { weights, offsets, priorWeight, tfSlot, tfLevel, tfCount } = model;
  for (let r = 0; r < rows; r++) {
    let w = priorWeight;
    const base = r * C;
    for (let c = 0; c < C; c++) {
      const level = vectors[base + c];
      if (level === MISSING) continue;
      const k = offsets[c] + level;
      w += weights[k];
      if (tf && tfLevel[k] === 1) w += tfAdjustment(model, tfSlot[c], tf[r * tfCount + tfSlot[c]]);
    }
    result[r] = w;
  }
  return result;
}

/** The probability a match weight (prior included) stands for. */
export function matchProbability(matchWeight: number): number {
  return 1 / (1 + Math.pow(2, -matchWeight));
}

export interface FieldExplanation {
  field: string;
  level: string;
  /** log2(m/u) of the level, 0 when missing. */
  weight: number;
  tf?: { frequency: number; adjustment: number };
}

/**
 * Per-comparison levels and weights of one row, as stored with a decision and shown to a clerk.
 * Levels without a TF adjustment share one frozen object per model: a batch of 100,000
 * decisions would otherwise make millions of identical objects.
 */
export function explainVector(model: Model, vectors: Int8Array, row: number, tf?: Float64Array | null): FieldExplanation[] {
  const C = model.comparisons.length;
  const out = new Array<FieldExplanation>(C);
  for (let i = 0; i < C; i++) {
    const level = vectors[row * C + i];
    if (level === MISSING) {
      out[i] = model.missingExplanations[i];
      continue;
    }
    const k = model.offsets[i] + level;
    out[i] = model.levelExplanations[k];
    const slot = model.tfSlot[i];
    if (tf && model.tfLevel[k] === 1) {
      const frequency = tf[row * model.tfCount + slot];
      if (frequency > 0) out[i] = { ...out[i], tf: { frequency, adjustment: round(tfAdjustment(model, slot, frequency)) } };
    }
  }
  return out;
}

/** Four decimals: enough for a clerk and for a stable stored JSON. */
export function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
