// 档案查询: the public handling record of each unit (archived items are CoordItemSummary pages).
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { NullableNumber } from '../shared/schema-parts.js';

export const HandlingRecordSchema = shareSchema(
  Type.Object(
    {
      unit: Type.String(),
      unitName: Type.String(),
      kind: Type.String(),
      archived: Type.Integer({ description: 'assignments on items archived in the period' }),
      onTime: Type.Integer({ description: 'of those: submitted by the deadline and never returned' }),
      late: Type.Integer(),
      returned: Type.Integer({ description: 'of those: sent back at least once' }),
      onTimeRate: NullableNumber,
      averageDays: Type.Union([Type.Number(), Type.Null()], { description: 'assignment to last submission, in days' }),
      open: Type.Integer({ description: 'assignments waiting for the unit now' }),
      overdue: Type.Integer({ description: 'of those: past their deadline' }),
    },
    { $id: 'CoordHandlingRecord' },
  ),
);
export type HandlingRecord = Static<typeof HandlingRecordSchema>;
