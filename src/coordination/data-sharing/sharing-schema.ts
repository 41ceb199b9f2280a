// Monthly data-sharing figures and the agency ranking, as the API shows them.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { NullableNumber, NullableString, Timestamp } from '../shared/schema-parts.js';

export const SharingMonthlySchema = shareSchema(
  Type.Object(
    {
      month: Type.String(),
      agency: Type.String(),
      agencyName: NullableString,
      feed: Type.String(),
      county: Type.String(),
      expected: Type.Integer({ description: 'agencies.expected_per_month' }),
      submissions: Type.Integer({ description: 'committed batches received in the month' }),
      onTimeSubmissions: Type.Integer(),
      failedBatches: Type.Integer(),
      supplied: Type.Integer({ description: 'records read: accepted + duplicates + rejected' }),
      accepted: Type.Integer(),
      rejected: Type.Integer(),
      duplicates: Type.Integer(),
      rejectedByReason: Type.Record(Type.String(), Type.Integer(), { description: 'rejected records per reason code (a record with two problems counts under both)' }),
      reportingRate: NullableNumber,
      onTimeRate: NullableNumber,
      storedRecords: Type.Integer({ description: 'records whose completeness was measured' }),
      completeness: Type.Record(Type.String(), Type.Number(), { description: 'field → share of records giving it' }),
      completenessRate: NullableNumber,
      linkedShare: Type.Union([Type.Number(), Type.Null()], { description: 'null until the matching stage writes link results' }),
      score: NullableNumber,
      computedAt: Timestamp,
    },
    { $id: 'CoordSharingMonthly' },
  ),
);
export type SharingMonthly = Static<typeof SharingMonthlySchema>;

export const SharingRankSchema = shareSchema(
  Type.Object(
    {
      rank: Type.Integer(),
      agency: Type.String(),
      agencyName: NullableString,
      feeds: Type.Integer(),
      score: NullableNumber,
      reportingRate: NullableNumber,
      onTimeRate: NullableNumber,
      completenessRate: NullableNumber,
    },
    { $id: 'CoordSharingRank' },
  ),
);
export type SharingRank = Static<typeof SharingRankSchema>;
