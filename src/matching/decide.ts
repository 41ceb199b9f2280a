// From scored candidates to one decision per person in a record: linked (pid), review (a clerk
// chooses) or new, with the explanation that is stored next to it and shown to the clerk.
//
// Order of the rules:
// 1. A candidate whose verified ID number differs from the record's verified number is never
//    linked (twins agree on everything else). It is kept in the explanation when it scored in
//    the review band or above, because that disagreement is itself a data-quality signal.
// 2. One candidate with the same verified ID number and the same birth date links outright;
//    two such candidates mean the population database holds a duplicate: review.
// 3. Otherwise the best remaining candidate links when its probability reaches the link
//    threshold and it leads the runner-up by at least minMargin bits (two close candidates go to
//    review even when both score high), goes to review in the band below, else the person is new.
import { explainVector, matchProbability, round, type FieldExplanation, type Model } from './fellegi-sunter.js';
import { C_BIRTH, FLAG_VERIFIED_ID_EQUAL, FLAG_VERIFIED_IDS_DIFFER, type ComparedPairs } from './compare-pairs.js';
import { DATE_EXACT } from './date-compare.js';

export interface Thresholds {
  /** Probability at or above which the best candidate links. */
  link: number;
  /** Probability at or above which the person goes to clerical review. */
  review: number;
  /** Bits (log2 likelihood ratio) by which the best candidate must lead the runner-up to link. */
  minMargin: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({ link: 0.99, review: 0.05, minMargin: 6 });

export type LinkStatus = 'linked' | 'review' | 'new';

export type DecisionRule =
  | 'verified-id-and-birth-date'
  | 'duplicate-verified-id'
  | 'above-link-threshold'
  | 'close-runner-up'
  | 'review-band'
  | 'below-review-threshold'
  | 'only-excluded-candidates'
  | 'no-candidates';

export interface CandidateExplanation {
  pid: string;
  matchWeight: number;
  probability: number;
  fields: FieldExplanation[];
}

/** Levels and weights only, never the compared values: safe to store, log and show. */
export interface Explanation {
  model: string;
  rule: DecisionRule;
  thresholds: Thresholds;
  priorWeight: number;
  candidateCount: number;
  /** Bits by which the best candidate leads the runner-up; null with fewer than two. */
  margin: number | null;
  /** Best first, at most three, excluding the never-link ones. */
  candidates: CandidateExplanation[];
  /** Candidates a hard rule kept from linking that scored in the review band or above. */
  excluded: (CandidateExplanation & { reason: 'verified-ids-differ' })[];
}

export interface Decision {
  status: LinkStatus;
  /** Set when linked. */
  pid: string | null;
  /** The probability the decision rested on (the best candidate's), 0 without candidates. */
  score: number;
  /** The best candidate's match weight (prior included), null without candidates. */
  matchWeight: number | null;
  rule: DecisionRule;
  explanation: Explanation;
}

export interface ScoredPairs extends ComparedPairs {
  /** Match weights from scoreVectors. */
  matchWeights: Float64Array;
  /** Person index per pair, into personPids. */
  rightIndex: ArrayLike<number>;
  personPids: readonly string[];
}

const SHOWN = 3;

/** Decide one record from its pairs [start, end) in the scored arrays. */
export function decide(model: Model, s: ScoredPairs, start: number, end: number, thresholds: Thresholds = DEFAULT_THRESHOLDS): Decision {
  const C = model.comparisons.length;
  const pidOf = (i: number) => s.personPids[s.rightIndex[i]];
  const explain = (i: number): CandidateExplanation => ({
    pid: pidOf(i),
    matchWeight: round(s.matchWeights[i]),
    probability: matchProbability(s.matchWeights[i]),
    fields: explainVector(model, s.vectors, i, s.tf),
  });

  const ranked: number[] = []; // eligible pair indices, best first, one per pid
  const excluded: number[] = [];
  const hard: number[] = [];
  for (let i = start; i < end; i++) {
    if (s.flags[i] & FLAG_VERIFIED_IDS_DIFFER) {
      if (matchProbability(s.matchWeights[i]) >= thresholds.review) excluded.push(i);
      continue;
    }
    if (s.flags[i] & FLAG_VERIFIED_ID_EQUAL && s.vectors[i * C + C_BIRTH] === DATE_EXACT && !hard.some((j) => pidOf(j) === pidOf(i))) hard.push(i);
    const dup = ranked.findIndex((j) => pidOf(j) === pidOf(i));
    if (dup >= 0) {
      if (s.matchWeights[ranked[dup]] >= s.matchWeights[i]) continue;
      ranked.splice(dup, 1);
    }
    let k = ranked.length;
    while (k > 0 && s.matchWeights[ranked[k - 1]] < s.matchWeights[i]) k--;
    ranked.splice(k, 0, i);
  }
  excluded.sort((a, b) => s.matchWeights[b] - s.matchWeights[a]);

  const best = ranked[0];
  const margin = ranked.length >= 2 ? s.matchWeights[ranked[0]] - s.matchWeights[ranked[1]] : null;
  let status: LinkStatus;
  let rule: DecisionRule;
  let chosen = best;
  if (hard.length === 1) {
    [status, rule, chosen] = ['linked', 'verified-id-and-birth-date', hard[0]];
  } else if (hard.length > 1) {
    [status, rule] = ['review', 'duplicate-verified-id'];
  } else if (best === undefined) {
    [status, rule] = ['new', end > start ? 'only-excluded-candidates' : 'no-candidates'];
  } else {
    const p = matchProbability(s.matchWeights[best]);
    if (p >= thresholds.link) {
      [status, rule] = margin !== null && margin < thresholds.minMargin ? ['review', 'close-runner-up'] : ['linked', 'above-link-threshold'];
    } else if (p >= thresholds.review) {
      [status, rule] = ['review', 'review-band'];
    } else {
      [status, rule] = ['new', 'below-review-threshold'];
    }
  }
  // The chosen candidate leads the list shown to the clerk, then the rest by weight.
  const shown = chosen === undefined ? [] : [chosen, ...ranked.filter((i) => i !== chosen)].slice(0, SHOWN);
  return {
    status,
    pid: status === 'linked' ? pidOf(chosen) : null,
    score: chosen === undefined ? 0 : matchProbability(s.matchWeights[chosen]),
    matchWeight: chosen === undefined ? null : s.matchWeights[chosen],
    rule,
    explanation: {
      model: model.id,
      rule,
      thresholds: { ...thresholds },
      priorWeight: round(model.priorWeight),
      candidateCount: end - start,
      margin: margin === null ? null : round(margin),
      candidates: shown.map(explain),
      excluded: excluded.slice(0, SHOWN).map((i) => ({ ...explain(i), reason: 'verified-ids-differ' as const })),
    },
  };
}
