// Estimating m and u as Splink does:
// - u from comparisons of random record pairs (almost all of which are different people):
//   the share of each level among the pairs where the comparison is not missing;
// - m by expectation–maximisation on blocked candidate pairs: the E-step gives every pair its
//   probability of being a match under the current m, u and λ (λ here is the share of matches
//   among the blocked pairs), the M-step re-estimates m (and u, λ unless fixed) from those
//   probabilities. As in Splink, u is fixed by default, and the comparisons a blocking rule
//   forced to agree are left out of that session (exclude) — their m would only echo the rule.
// Pairs a clerk decided (labelled) enter with probability 1 or 0 instead of the E-step's, so
// review decisions sharpen the estimate. Identical comparison vectors are counted once
// (pattern table), so an iteration costs the number of distinct vectors, not of pairs.
// No randomness: the same input gives the same parameters.
import { MISSING } from './levels.js';
import type { ComparisonSpec, ModelParameters } from './fellegi-sunter.js';
import { mulberry32 } from './prng.js';

/**
 * No m (nor λ) below this: a level never seen among the matches of one training set still
 * happens (a sex code typed wrong), and an m of 0 would make it veto any link, for ever.
 */
export const DEFAULT_FLOOR = 1e-6;
/**
 * u only needs to stay above 0: among random residents of a province an exact ID agreement has
 * u ≈ 1/70,000,000, far below any floor that makes sense for m.
 */
export const DEFAULT_U_FLOOR = 1e-12;

export interface UOptions {
  /** A level never seen in the sample keeps its u from here when that is below half a count. */
  start?: ModelParameters;
  /** Default DEFAULT_U_FLOOR. */
  floor?: number;
}

/** u per comparison from the comparison vectors of random pairs (rows of C levels). */
export function estimateU(comparisons: readonly ComparisonSpec[], randomVectors: Int8Array, options: UOptions = {}): Record<string, number[]> {
  const C = comparisons.length;
  const rows = randomVectors.length / C;
  const floor = options.floor ?? DEFAULT_U_FLOOR;
  const out: Record<string, number[]> = {};
  comparisons.forEach((c, ci) => {
    const counts = new Array<number>(c.levels.length).fill(0);
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const l = randomVectors[r * C + ci];
      if (l !== MISSING) {
        counts[l]++;
        n++;
      }
    }
    const start = options.start?.comparisons[c.name]?.u;
    if (n === 0) {
      out[c.name] = start ? [...start] : counts.map(() => 1 / counts.length);
      return;
    }
    // A level never seen gets half a count, or its prior when that is smaller (an exact ID
    // agreement among random residents is rarer than any sample can show); the seen share the rest.
    const unseen = counts.map((k, l) => (k > 0 ? 0 : Math.min(start?.[l] ?? 1, 0.5 / n)));
    const rest = 1 - unseen.reduce((a, b) => a + b, 0);
    out[c.name] = normalise(counts.map((k, l) => (k > 0 ? (k / n) * rest : unseen[l])), floor);
  });
  return out;
}

export interface LabelledPairs {
  vectors: Int8Array;
  /** 1: a clerk found the same person; 0: different people. */
  isMatch: ArrayLike<number>;
}

export interface EmOptions {
  labelled?: LabelledPairs;
  /** Keep u (all comparisons, or those named) as given. Default true, as in Splink. */
  fixU?: boolean | readonly string[];
  /** Keep m (all, or those named) as given. Default false. */
  fixM?: boolean | readonly string[];
  /** Keep λ among the blocked pairs at startLambda. */
  fixLambda?: boolean;
  /** Share of matches among the blocked pairs to start from. Default 0.1. */
  startLambda?: number;
  /** Comparisons left out of this session: not used in the E-step, not re-estimated. */
  exclude?: readonly string[];
  /** Stop when no parameter moves by more than this. Default 1e-5. */
  tolerance?: number;
  maxIterations?: number;
  /** No m (nor λ) below this; default DEFAULT_FLOOR. */
  floor?: number;
  /** No u below this, when u is estimated; default DEFAULT_U_FLOOR. */
  uFloor?: number;
}

export interface EmResult {
  /** Start parameters with m (and u where not fixed) replaced; the global prior λ is unchanged. */
  params: ModelParameters;
  /** Estimated share of matches among the blocked (unlabelled) pairs. */
  lambdaBlocked: number;
  iterations: number;
  converged: boolean;
  /** Largest parameter change of each iteration. */
  trace: number[];
  /** Distinct comparison vectors the pairs collapsed to. */
  patterns: number;
}

const UNLABELLED = 0, MATCH = 1, NON_MATCH = 2;

interface Patterns {
  levels: Int8Array;
  count: Float64Array;
  kind: Uint8Array;
  size: number;
}

function collectPatterns(C: number, active: boolean[], blocked: Int8Array, labelled?: LabelledPairs): Patterns {
  const index = new Map<number, number>();
  const levels: number[] = [];
  const count: number[] = [];
  const kind: number[] = [];
  const add = (v: Int8Array, r: number, k: number) => {
    let key = k;
    for (let c = 0; c < C; c++) key = key * 17 + (active[c] ? v[r * C + c] + 1 : 0);
    const at = index.get(key);
    if (at !== undefined) {
      count[at]++;
      return;
    }
    index.set(key, count.length);
    for (let c = 0; c < C; c++) levels.push(active[c] ? v[r * C + c] : MISSING);
    count.push(1);
    kind.push(k);
  };
  for (let r = 0; r < blocked.length / C; r++) add(blocked, r, UNLABELLED);
  if (labelled) for (let r = 0; r < labelled.vectors.length / C; r++) add(labelled.vectors, r, labelled.isMatch[r] ? MATCH : NON_MATCH);
  return { levels: Int8Array.from(levels), count: Float64Array.from(count), kind: Uint8Array.from(kind), size: count.length };
}

function chosen(flag: boolean | readonly string[] | undefined, name: string, dflt: boolean): boolean {
  if (flag === undefined) return dflt;
  return typeof flag === 'boolean' ? flag : flag.includes(name);
}

/** m (and optionally u, λ) by EM on the comparison vectors of blocked candidate pairs. */
export function estimateM(comparisons: readonly ComparisonSpec[], start: ModelParameters, blocked: Int8Array, options: EmOptions = {}): EmResult {
  const C = comparisons.length;
  const floor = options.floor ?? DEFAULT_FLOOR;
  const uFloor = options.uFloor ?? DEFAULT_U_FLOOR;
  const tolerance = options.tolerance ?? 1e-5;
  const maxIterations = options.maxIterations ?? 100;
  const active = comparisons.map((c) => !(options.exclude ?? []).includes(c.name));
  if (options.exclude?.some((n) => !comparisons.some((c) => c.name === n))) throw new RangeError('exclude names an unknown comparison');
  const fixM = comparisons.map((c, i) => !active[i] || chosen(options.fixM, c.name, false));
  const fixU = comparisons.map((c, i) => !active[i] || chosen(options.fixU, c.name, true));
  const m = comparisons.map((c) => [...start.comparisons[c.name].m]);
  const u = comparisons.map((c) => [...start.comparisons[c.name].u]);
  // Pattern keys pack one base-17 digit per comparison into a double: exact up to 12.
  if (C > 12 || comparisons.some((c) => c.levels.length > 15)) throw new RangeError('at most 12 comparisons of at most 15 levels');
  const pat = collectPatterns(C, active, blocked, options.labelled);

  let lambda = options.startLambda ?? 0.1;
  const p = new Float64Array(pat.size);
  const trace: number[] = [];
  let converged = false;
  let it = 0;
  while (it < maxIterations && !converged) {
    it++;
    // E-step: probability that each pattern is a match (labelled ones are known).
    const logL = Math.log(lambda), log1L = Math.log(1 - lambda);
    for (let k = 0; k < pat.size; k++) {
      if (pat.kind[k] !== UNLABELLED) {
        p[k] = pat.kind[k] === MATCH ? 1 : 0;
        continue;
      }
      let lm = logL, lu = log1L;
      for (let c = 0; c < C; c++) {
        const l = pat.levels[k * C + c];
        if (l === MISSING) continue;
        lm += Math.log(m[c][l]);
        lu += Math.log(u[c][l]);
      }
      p[k] = 1 / (1 + Math.exp(lu - lm));
    }
    // M-step.
    let change = 0;
    for (let c = 0; c < C; c++) {
      if (fixM[c] && fixU[c]) continue;
      const L = comparisons[c].levels.length;
      const sm = new Array<number>(L).fill(0), su = new Array<number>(L).fill(0);
      for (let k = 0; k < pat.size; k++) {
        const l = pat.levels[k * C + c];
        if (l === MISSING) continue;
        sm[l] += pat.count[k] * p[k];
        su[l] += pat.count[k] * (1 - p[k]);
      }
      if (!fixM[c]) change = Math.max(change, update(m[c], sm, floor));
      if (!fixU[c]) change = Math.max(change, update(u[c], su, uFloor));
    }
    if (!options.fixLambda) {
      let matches = 0, all = 0, lm = 0, la = 0;
      for (let k = 0; k < pat.size; k++) {
        if (pat.kind[k] === UNLABELLED) {
          matches += pat.count[k] * p[k];
          all += pat.count[k];
        } else {
          lm += pat.count[k] * p[k];
          la += pat.count[k];
        }
      }
      // Clerks see the doubtful pairs, not a random sample: λ comes from the unlabelled pairs.
      const next = clamp(all > 0 ? matches / all : la > 0 ? lm / la : lambda, floor);
      change = Math.max(change, Math.abs(next - lambda));
      lambda = next;
    }
    trace.push(change);
    converged = change < tolerance;
  }

  const comparisonsOut: ModelParameters['comparisons'] = { ...start.comparisons };
  comparisons.forEach((c, i) => (comparisonsOut[c.name] = { m: m[i], u: u[i] }));
  return { params: { lambda: start.lambda, comparisons: comparisonsOut }, lambdaBlocked: lambda, iterations: it, converged, trace, patterns: pat.size };
}

/** Replace probs by sums/Σsums (floored); returns the largest change. Keeps probs without data. */
function update(probs: number[], sums: number[], floor: number): number {
  const total = sums.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return 0;
  const next = normalise(sums.map((s) => s / total), floor);
  let change = 0;
  for (let l = 0; l < probs.length; l++) {
    change = Math.max(change, Math.abs(next[l] - probs[l]));
    probs[l] = next[l];
  }
  return change;
}

function normalise(probs: number[], floor: number): number[] {
  const raised = probs.map((x) => Math.max(x, floor));
  const sum = raised.reduce((a, b) => a + b, 0);
  return raised.map((x) => x / sum);
}

function clamp(x: number, floor: number): number {
  return Math.min(Math.max(x, floor), 1 - floor);
}

/**
 * Splink trains m in several sessions with different blocking rules and averages each
 * comparison's m over the sessions that estimated it (did not exclude it).
 */
export function combineSessions(
  comparisons: readonly ComparisonSpec[],
  base: ModelParameters,
  sessions: readonly { params: ModelParameters; exclude?: readonly string[] }[],
): ModelParameters {
  const out: ModelParameters = { lambda: base.lambda, comparisons: { ...base.comparisons } };
  for (const c of comparisons) {
    const used = sessions.filter((s) => !(s.exclude ?? []).includes(c.name));
    if (used.length === 0) continue;
    const m = c.levels.map((_, l) => used.reduce((a, s) => a + s.params.comparisons[c.name].m[l], 0) / used.length);
    out.comparisons[c.name] = { m, u: [...base.comparisons[c.name].u] };
  }
  return out;
}

/**
 * λ (probability two random records match) from a deterministic rule, as Splink's
 * estimate_probability_two_random_records_match: the pairs the rule links, scaled up by its
 * assumed recall, over all possible pairs.
 */
export function lambdaFromDeterministicMatches(matchedPairs: number, leftCount: number, rightCount: number, recall = 1): number {
  if (!(recall > 0 && recall <= 1)) throw new RangeError('recall must be in (0, 1]');
  return Math.min(matchedPairs / recall / (leftCount * rightCount), 1 - DEFAULT_FLOOR);
}

/** Reproducible random pairs (left, right index) for u estimation when both sides are in memory. */
export function randomPairIndices(leftCount: number, rightCount: number, count: number, seed: number): { left: Uint32Array; right: Uint32Array } {
  const rnd = mulberry32(seed);
  const left = new Uint32Array(count), right = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    left[i] = Math.floor(rnd() * leftCount);
    right[i] = Math.floor(rnd() * rightCount);
  }
  return { left, right };
}
