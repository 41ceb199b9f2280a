// The feed adapters by kind (feeds.md), and format sniffing for input that names none.
import { appError } from '../errors.js';
import { birthAdapter } from './birth/index.js';
import type { BirthRecord } from './birth/map.js';
import { householdAdapter } from './household/index.js';
import type { HouseholdRecord } from './household/map.js';
import { housingAdapter } from './housing/index.js';
import type { HousingRecord } from './housing/map.js';
import { marriageAdapter } from './marriage/index.js';
import type { MarriageRecord } from './marriage/map.js';
import { prenatalAdapter } from './prenatal/index.js';
import type { PrenatalRecord } from './prenatal/map.js';
import type { FeedAdapter, FeedKind } from './types.js';

export * from './types.js';
export { sniffFormat, formatFromName } from './shared/sniff.js';
export { RECORD_CODES, type RecordCode } from './record-codes.js';
export type { BirthRecord } from './birth/map.js';
export type { HouseholdRecord, HouseholdEventType } from './household/map.js';
export type { HousingRecord, Occupancy } from './housing/map.js';
export type { MarriageRecord, MarriageKind } from './marriage/map.js';
export type { PrenatalRecord } from './prenatal/map.js';

/** The canonical record each feed's adapter yields. */
export interface CanonicalRecords {
  prenatal: PrenatalRecord;
  birth: BirthRecord;
  household: HouseholdRecord;
  marriage: MarriageRecord;
  housing: HousingRecord;
}

export type CanonicalRecord = CanonicalRecords[FeedKind];

export const FEEDS: { readonly [K in FeedKind]: FeedAdapter<CanonicalRecords[K]> } = {
  prenatal: prenatalAdapter,
  birth: birthAdapter,
  household: householdAdapter,
  marriage: marriageAdapter,
  housing: housingAdapter,
};

/** The adapter of a feed kind; YPQ_UNKNOWN_FEED for any other name. */
export function adapterFor<K extends FeedKind>(kind: K): FeedAdapter<CanonicalRecords[K]>;
export function adapterFor(kind: string): FeedAdapter<CanonicalRecord>;
export function adapterFor(kind: string): FeedAdapter<CanonicalRecord> {
  if (!Object.prototype.hasOwnProperty.call(FEEDS, kind)) throw appError('YPQ_UNKNOWN_FEED', kind);
  return FEEDS[kind as FeedKind] as FeedAdapter<CanonicalRecord>;
}
