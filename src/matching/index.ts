// Matching core: who in the population database is the person in this record? Pure functions,
// no database; the blocking SQL, the link job and the review API build on these.
//
// The link job, per batch of agency records:
//   1. prepareRecord(input) for every person in the records (opencc and pinyin run here, once);
//      blockingKeys(prepared) gives the keys to look candidates up by (or build them in SQL).
//   2. The blocking SQL returns candidate persons: preparePerson(row) each (stored name_norm and
//      name_pinyin are used as they are), and the pairs as two index arrays ordered by record.
//   3. linkBatch(model, { records, persons, personPids, pairRecord, pairPerson, frequencies })
//      → one Decision per record: status, pid, score and its JSON explanation. Or in steps:
//      comparePairs → scoreVectors → decide.
// Training, from time to time: estimateU on the comparison vectors of random pairs
// (randomPairIndices), estimateM by EM on blocked pairs (labelled pairs from clerical review
// included), combineSessions, createModel; the ModelParameters are plain JSON to store.
//
// The database stage is not exported from here (it needs PostgreSQL; this index stays pure):
// link-run.ts (a batch: stage, block, decide, store, apply), link-staged.ts and sql/ (the
// set-based blocking), family-pass.ts, apply/, review/, relink.ts, train/estimate-model.ts,
// model-store.ts; docs/matching.md describes them.
export * from './levels.js';
export * from './id-compare.js';
export * from './confusable-chars.js';
export * from './name-similarity.js';
export * from './date-compare.js';
export * from './sex-compare.js';
export * from './division-compare.js';
export * from './phone-compare.js';
export * from './record.js';
export * from './compare-pairs.js';
export * from './fellegi-sunter.js';
export * from './default-model.js';
export * from './estimate.js';
export * from './decide.js';
export * from './link-batch.js';
export * from './blocking-keys.js';
export * from './prng.js';
