// Business items (业务办理) as the API shows and takes them.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { NullableString, NullableTimestamp, Timestamp, UnitCode, literals, pageOfRef } from '../shared/schema-parts.js';
import { ITEM_STATUSES } from './item-state.js';

export const ItemStatusSchema = literals(ITEM_STATUSES);
export const ITEM_BOXES = ['todo', 'in_progress', 'done', 'all'] as const;
export type ItemBox = (typeof ITEM_BOXES)[number];

export const NewItemSchema = shareSchema(
  Type.Object(
    {
      title: Type.String({ minLength: 1, maxLength: 200 }),
      details: Type.String({ minLength: 1, maxLength: 20000 }),
      requestedHandling: Type.Optional(Type.String({ maxLength: 4000, description: 'what the requesting unit asks to be done' })),
    },
    { $id: 'CoordNewItem', additionalProperties: false },
  ),
);
export type NewItem = Static<typeof NewItemSchema>;

const Deadline = Type.String({ format: 'date-time', description: 'when the handling units must have submitted their results' });
const Comment = Type.Optional(Type.String({ maxLength: 4000 }));

export const ItemActionBodies = {
  assign: Type.Object({ units: Type.Array(UnitCode, { minItems: 1, maxItems: 30, uniqueItems: true }), deadline: Deadline, comment: Comment }, { additionalProperties: false }),
  handle: Type.Object({ result: Type.String({ minLength: 1, maxLength: 20000, description: 'what the unit did' }) }, { additionalProperties: false }),
  feedback: Type.Object({ satisfied: Type.Boolean(), comment: Comment }, { additionalProperties: false }),
  return: Type.Object(
    {
      reason: Type.String({ minLength: 1, maxLength: 4000 }),
      deadline: Deadline,
      units: Type.Optional(Type.Array(UnitCode, { minItems: 1, maxItems: 30, uniqueItems: true, description: 'default: every handling unit' })),
    },
    { additionalProperties: false },
  ),
  archive: Type.Object({ comment: Comment }, { additionalProperties: false }),
};
export type ItemActionBody<A extends keyof typeof ItemActionBodies> = Static<(typeof ItemActionBodies)[A]>;

export const AssignmentSchema = shareSchema(
  Type.Object(
    {
      unit: Type.String(),
      unitName: Type.String(),
      status: literals(['pending', 'submitted'] as const),
      firstDeadline: Timestamp,
      deadline: Timestamp,
      overdue: Type.Boolean(),
      returns: Type.Integer(),
      late: Type.Boolean(),
      result: NullableString,
      submittedBy: NullableString,
      submittedAt: NullableTimestamp,
      assignedAt: Timestamp,
    },
    { $id: 'CoordAssignment' },
  ),
);
export type Assignment = Static<typeof AssignmentSchema>;

export const ItemEventSchema = shareSchema(
  Type.Object(
    {
      at: Timestamp,
      actor: Type.String(),
      role: Type.String(),
      unit: Type.String(),
      action: Type.String(),
      comment: NullableString,
      detail: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    },
    { $id: 'CoordItemEvent' },
  ),
);
export type ItemEvent = Static<typeof ItemEventSchema>;

const summaryFields = {
  id: Type.Integer(),
  county: Type.String(),
  requester: Type.String(),
  requesterName: Type.String(),
  title: Type.String(),
  status: ItemStatusSchema,
  returns: Type.Integer(),
  onTime: Type.Union([Type.Boolean(), Type.Null()]),
  units: Type.Array(Type.String(), { description: 'handling units' }),
  nextDeadline: NullableTimestamp,
  overdue: Type.Boolean({ description: 'a handling unit has not submitted by its deadline' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archivedAt: NullableTimestamp,
};

export const ItemSummarySchema = shareSchema(Type.Object(summaryFields, { $id: 'CoordItemSummary' }));
export type ItemSummary = Static<typeof ItemSummarySchema>;

export const ItemSchema = shareSchema(
  Type.Object(
    {
      ...summaryFields,
      details: Type.String(),
      requestedHandling: Type.String(),
      createdBy: Type.String(),
      assignedAt: NullableTimestamp,
      handledAt: NullableTimestamp,
      assignments: Type.Array(Type.Ref('CoordAssignment')),
      events: Type.Array(Type.Ref('CoordItemEvent')),
      you: Type.Object({ office: Type.Boolean(), requester: Type.Boolean(), handler: Type.Boolean() }, { description: 'what the caller is to this item' }),
    },
    { $id: 'CoordItem' },
  ),
);
export type Item = Omit<Static<typeof ItemSchema>, 'assignments' | 'events'> & { assignments: Assignment[]; events: ItemEvent[] };

export const ItemPageSchema = shareSchema(pageOfRef('CoordItemPage', 'CoordItemSummary'));
