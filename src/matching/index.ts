// Matching core: who in the population database is the person in this record? Pure functions;
// the blocking SQL, the link job and the review API build on these.
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
