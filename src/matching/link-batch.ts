// One call for the matching stage: a batch of prepared records, the candidate persons the
// blocking SQL found for them, and the candidate pairs as two index arrays → one decision per
// record. Typed arrays throughout; objects are made only for the decisions themselves.
import { comparePairs, type TermFrequencies } from './compare-pairs.js';
import { decide, DEFAULT_THRESHOLDS, type Decision, type Thresholds } from './decide.js';
import { scoreVectors, type Model } from './fellegi-sunter.js';
import type { PreparedRecord } from './record.js';

export interface LinkBatchInput {
  records: readonly PreparedRecord[];
  persons: readonly PreparedRecord[];
  /** pid of persons[i]. */
  personPids: readonly string[];
  /** Record index per pair, non-decreasing (ORDER BY the record in the blocking query). */
  pairRecord: ArrayLike<number>;
  /** Person index per pair. */
  pairPerson: ArrayLike<number>;
  frequencies?: TermFrequencies;
}

export function linkBatch(model: Model, input: LinkBatchInput, thresholds: Thresholds = DEFAULT_THRESHOLDS): Decision[] {
  const { records, persons, personPids, pairRecord, pairPerson } = input;
  const n = pairRecord.length;
  for (let i = 1; i < n; i++) {
    if (pairRecord[i] < pairRecord[i - 1]) throw new RangeError('pairRecord must be sorted by record');
  }
  const compared = comparePairs(records, persons, pairRecord, pairPerson, input.frequencies);
  const scored = {
    ...compared,
    matchWeights: scoreVectors(model, compared.vectors, compared.tf),
    rightIndex: pairPerson,
    personPids,
  };
  const frozen = Object.isFrozen(thresholds) ? thresholds : Object.freeze({ ...thresholds });
  const out: Decision[] = new Array(records.length);
  let i = 0;
  for (let r = 0; r < records.length; r++) {
    const start = i;
    while (i < n && pairRecord[i] === r) i++;
    out[r] = decide(model, scored, start, i, frozen);
  }
  if (i !== n) throw new RangeError(`pairRecord holds an index ≥ ${records.length}`);
  return out;
}

/** One record against its candidates: the same path as linkBatch, for single decisions and re-scoring. */
export function linkRecord(
  model: Model,
  record: PreparedRecord,
  candidates: readonly { pid: string; person: PreparedRecord }[],
  options: { thresholds?: Thresholds; frequencies?: TermFrequencies } = {},
): Decision {
  const n = candidates.length;
  return linkBatch(
    model,
    {
      records: [record],
      persons: candidates.map((c) => c.person),
      personPids: candidates.map((c) => c.pid),
      pairRecord: new Uint32Array(n),
      pairPerson: Uint32Array.from({ length: n }, (_, i) => i),
      frequencies: options.frequencies,
    },
    options.thresholds,
  )[0];
}
