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

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({ link: 0.99, review: 0.3, minMargin: 6 });

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

function pidOf(s: ScoredPairs, i: number): string {
  return s.personPids[s.rightIndex[i]];
}

function explainCandidate(model: Model, s: ScoredPairs, i: number): CandidateExplanation {
  return {
    pid: pidOf(s, i),
    matchWeight: round(s.matchWeights[i]),
    probability: matchProbability(s.matchWeights[i]),
    fields: explainVector(model, s.vectors, i, s.tf),
  };
}

/**
 * Decide one record from its pairs [start, end) in the scored arrays. The explanation refers to
 * the thresholds object given (linkBatch passes one frozen copy for the whole batch).
 */
export function decide(model: Model, s: ScoredPairs, start: number, end: number, thresholds: Thresholds = DEFAULT_THRESHOLDS): Decision {
  const C = model.comparisons.length;
  const w = s.matchWeights;
  const reviewWeight = weightFor(thresholds.review);
  const ranked: number[] = []; // the best SHOWN eligible pairs, best first, one per pid
  let excluded: number[] | undefined;
  let hard = -1;
  let hardDuplicate = false;
  for (let i = start; i < end; i++) {
    if (s.flags[i] & FLAG_VERIFIED_IDS_DIFFER) {
      if (w[i] >= reviewWeight) (excluded ??= []).push(i);
      continue;
    }
    if (s.flags[i] & FLAG_VERIFIED_ID_EQUAL && s.vectors[i * C + C_BIRTH] === DATE_EXACT) {
      if (hard < 0) hard = i;
      else if (pidOf(s, hard) !== pidOf(s, i)) hardDuplicate = true;
    }
    const dup = ranked.findIndex((j) => pidOf(s, j) === pidOf(s, i));
    if (dup >= 0) {
      if (w[ranked[dup]] >= w[i]) continue;
      ranked.splice(dup, 1);
    }
    let k = ranked.length;
    while (k > 0 && w[ranked[k - 1]] < w[i]) k--;
    if (k < SHOWN) {
      ranked.splice(k, 0, i);
      if (ranked.length > SHOWN) ranked.pop();
    }
  }

  const best = ranked.length > 0 ? ranked[0] : -1;
  const margin = ranked.length >= 2 ? w[ranked[0]] - w[ranked[1]] : null;
  let status: LinkStatus;
  let rule: DecisionRule;
  let chosen = best;
  if (hard >= 0 && !hardDuplicate) {
    status = 'linked';
    rule = 'verified-id-and-birth-date';
    chosen = hard;
  } else if (hardDuplicate) {
    status = 'review';
    rule = 'duplicate-verified-id';
  } else if (best < 0) {
    status = 'new';
    rule = end > start ? 'only-excluded-candidates' : 'no-candidates';
  } else if (matchProbability(w[best]) >= thresholds.link) {
    const close = margin !== null && margin < thresholds.minMargin;
    status = close ? 'review' : 'linked';
    rule = close ? 'close-runner-up' : 'above-link-threshold';
  } else if (w[best] >= reviewWeight) {
    status = 'review';
    rule = 'review-band';
  } else {
    status = 'new';
    rule = 'below-review-threshold';
  }

  // The chosen candidate leads the list shown to the clerk, then the rest by weight.
  const candidates: CandidateExplanation[] = [];
  if (chosen >= 0) {
    candidates.push(explainCandidate(model, s, chosen));
    for (const i of ranked) if (i !== chosen && candidates.length < SHOWN) candidates.push(explainCandidate(model, s, i));
  }
  const excludedOut: Explanation['excluded'] = [];
  if (excluded) {
    excluded.sort((a, b) => w[b] - w[a]);
    for (const i of excluded.slice(0, SHOWN)) excludedOut.push({ ...explainCandidate(model, s, i), reason: 'verified-ids-differ' });
  }
  return {
    status,
    pid: status === 'linked' ? pidOf(s, chosen) : null,
    score: chosen < 0 ? 0 : matchProbability(w[chosen]),
    matchWeight: chosen < 0 ? null : w[chosen],
    rule,
    explanation: {
      model: model.id,
      rule,
      thresholds,
      priorWeight: round(model.priorWeight),
      candidateCount: end - start,
      margin: margin === null ? null : round(margin),
      candidates,
      excluded: excludedOut,
    },
  };
}

/** The match weight a probability stands for (inverse of matchProbability). */
export function weightFor(probability: number): number {
  return Math.log2(probability / (1 - probability));
}
