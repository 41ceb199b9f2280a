export * from './codes.js';
export * from './dates.js';
export * from './fullwidth.js';
export * from './id-number.js';
export * from './name.js';
