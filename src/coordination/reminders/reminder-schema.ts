// Reminders and notices to a unit, as the API shows them.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { NullableTimestamp, Timestamp, literals, pageOfRef } from '../shared/schema-parts.js';

export const REMINDER_KINDS = ['item_assigned', 'item_result', 'item_returned', 'item_overdue', 'sharing_late', 'sharing_incomplete'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** What a reminder says: references and a sentence, never personal data (items are read through the audited API). */
export const ReminderMessageSchema = shareSchema(
  Type.Object(
    {
      kind: literals(REMINDER_KINDS),
      unit: Type.String(),
      text: Type.String(),
      itemId: Type.Optional(Type.Integer()),
      deadline: Type.Optional(Timestamp),
      agency: Type.Optional(Type.String()),
      feed: Type.Optional(Type.String()),
      month: Type.Optional(Type.String()),
      occurredAt: Timestamp,
    },
    { $id: 'CoordReminderMessage' },
  ),
);
export type ReminderMessage = Static<typeof ReminderMessageSchema>;

export const ReminderSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      kind: literals(REMINDER_KINDS),
      unit: Type.String(),
      itemId: Type.Union([Type.Integer(), Type.Null()]),
      message: Type.Ref('CoordReminderMessage'),
      createdAt: Timestamp,
      readAt: NullableTimestamp,
    },
    { $id: 'CoordReminder' },
  ),
);
export type Reminder = Omit<Static<typeof ReminderSchema>, 'message'> & { message: ReminderMessage };

export const ReminderPageSchema = shareSchema(pageOfRef('CoordReminderPage', 'CoordReminder'));
