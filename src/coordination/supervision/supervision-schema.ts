// 监管平台: case handling per township, county and province, per month.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { NullableNumber, Timestamp, literals } from '../shared/schema-parts.js';

export const SUPERVISION_LEVELS = ['township', 'county', 'province'] as const;

export const SupervisionMonthlySchema = shareSchema(
  Type.Object(
    {
      month: Type.String(),
      level: literals(SUPERVISION_LEVELS),
      unit: Type.String({ description: 'division code: township 9, county 6, province 2 digits' }),
      received: Type.Integer({ description: 'cases raised in the month' }),
      due: Type.Integer({ description: 'of those: deadline passed, or handled' }),
      accepted: Type.Integer(),
      resolvedOnTime: Type.Integer(),
      overdue: Type.Integer({ description: 'not handled by the deadline' }),
      returned: Type.Integer(),
      medianResponseHours: NullableNumber,
      delegations: Type.Integer({ description: 'handovers received in the month (withdrawn ones left out)' }),
      delegationsOnTime: Type.Integer(),
      score: Type.Union([Type.Number(), Type.Null()], { description: '100 × (0.5·resolved on time + 0.3·(1 − overdue) + 0.2·delegations on time); see docs/coordination.md' }),
      computedAt: Timestamp,
    },
    { $id: 'CoordSupervisionMonthly' },
  ),
);
export type SupervisionMonthly = Static<typeof SupervisionMonthlySchema>;
