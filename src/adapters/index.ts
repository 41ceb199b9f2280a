// The feed adapters by kind (feeds.md), and format sniffing for input that names none.
import { appError } from '../errors.js';
import { housingAdapter, type HousingRecord } from './housing/index.js';
import type { FeedAdapter } from './types.js';

export * from './types.js';
export { sniffFormat, formatFromName } from './shared/sniff.js';
export type { HousingRecord, Occupancy } from './housing/map.js';

/** The canonical record each feed's adapter yields. */
export interface CanonicalRecords {
  housing: HousingRecord;
}

export const FEEDS: { readonly [K in keyof CanonicalRecords]: FeedAdapter<CanonicalRecords[K]> } = {
  housing: housingAdapter,
};

export function adapterFor<K extends keyof CanonicalRecords>(kind: K): FeedAdapter<CanonicalRecords[K]>;
export function adapterFor(kind: string): FeedAdapter<CanonicalRecords[keyof CanonicalRecords]>;
export function adapterFor(kind: string): FeedAdapter<CanonicalRecords[keyof CanonicalRecords]> {
  if (!Object.prototype.hasOwnProperty.call(FEEDS, kind)) throw appError('YPQ_UNKNOWN_FEED', kind);
  return FEEDS[kind as keyof CanonicalRecords];
}
