// JSON Schemas of cases as the API shows them and of the action bodies; the TypeScript types
// are derived from them.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../gateway/schemas.js';
import { CASE_STATUSES } from './case-state.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });
const Division9 = Type.String({ pattern: '^[0-9]{9}$' });

export const CaseStatusSchema = Type.Union(CASE_STATUSES.map((s) => Type.Literal(s)));

export const CaseSummarySchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      rule: Type.String(),
      title: Type.Object({ zh: Type.String(), en: Type.String() }),
      status: CaseStatusSchema,
      township: Nullable(Type.String({ description: '9 digits; null for a case in the county\'s own queue' })),
      county: Type.String(),
      deadline: Timestamp,
      overdue: Type.Boolean({ description: 'open or accepted, and past its deadline' }),
      escalationLevel: Type.Integer({ minimum: 0, maximum: 2, description: '1: escalated to the county; 2: still overdue after a further period' }),
      delegatedTo: Nullable(Type.String({ description: 'the township holding a pending handover' })),
      createdAt: Timestamp,
      updatedAt: Timestamp,
    },
    { $id: 'CaseSummary' },
  ),
);
export type CaseSummary = Static<typeof CaseSummarySchema>;

export const CaseHistoryEntrySchema = shareSchema(
  Type.Object(
    {
      at: Timestamp,
      actor: Type.String(),
      role: Type.String(),
      unit: Type.String(),
      action: Type.String(),
      comment: Nullable(Type.String()),
      detail: Type.Unknown(),
    },
    { $id: 'CaseHistoryEntry' },
  ),
);
export type CaseHistoryEntry = Static<typeof CaseHistoryEntrySchema>;

export const CaseDelegationSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      fromUnit: Type.String(),
      toUnit: Type.String(),
      deadline: Timestamp,
      request: Type.String(),
      status: Type.Union([Type.Literal('pending'), Type.Literal('answered'), Type.Literal('withdrawn')]),
      answer: Nullable(Type.String()),
      answeredBy: Nullable(Type.String()),
      createdAt: Timestamp,
      answeredAt: Nullable(Timestamp),
    },
    { $id: 'CaseDelegation' },
  ),
);
export type CaseDelegation = Static<typeof CaseDelegationSchema>;

export const CaseSchema = shareSchema(
  Type.Object(
    {
      ...CaseSummarySchema.properties,
      subjects: Type.Array(Type.String(), { description: 'population pids the case is about' }),
      payload: Type.Object({}, { additionalProperties: true, description: 'what the handler needs, as the rule chose it' }),
      explanation: Type.Unknown({ description: 'the match explanation (per-field weights), when matching gave one' }),
      source: Type.Object({}, { additionalProperties: true, description: 'what raised the case (agency, feed, batch, record)' }),
      returnReason: Nullable(Type.String()),
      closure: Nullable(Type.String({ description: 'archived, or cause_gone when the rule closed it' })),
      closeReason: Nullable(Type.String()),
      escalatedAt: Nullable(Timestamp),
      closedAt: Nullable(Timestamp),
      delegations: Type.Array(Type.Ref('CaseDelegation')),
      history: Type.Array(Type.Ref('CaseHistoryEntry')),
    },
    { $id: 'Case' },
  ),
);
export type Case = Omit<Static<typeof CaseSchema>, 'delegations' | 'history'> & {
  delegations: CaseDelegation[];
  history: CaseHistoryEntry[];
};

export const CasePageSchema = shareSchema(
  Type.Object(
    {
      items: Type.Array(Type.Ref('CaseSummary')),
      nextCursor: Nullable(Type.String({ description: 'pass as cursor for the next page; null on the last' })),
    },
    { $id: 'CasePage' },
  ),
);

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

export const ActionBodies = {
  accept: Type.Object({ comment: Type.Optional(Text(2000)) }, { additionalProperties: false }),
  resolve: Type.Object({ comment: Text(2000) }, { additionalProperties: false }),
  return: Type.Object({ reason: Text(2000) }, { additionalProperties: false }),
  delegate: Type.Object(
    {
      to: Division9,
      request: Text(2000),
      deadline: Type.Optional(Type.String({ format: 'date-time', description: 'the delegate\'s own deadline; default: the case\'s' })),
    },
    { additionalProperties: false },
  ),
  answer: Type.Object({ answer: Text(2000) }, { additionalProperties: false }),
  comment: Type.Object({ comment: Text(2000) }, { additionalProperties: false }),
  close: Type.Object({ comment: Type.Optional(Text(2000)) }, { additionalProperties: false }),
} as const;

export type ActionName = keyof typeof ActionBodies;
export type ActionBody<A extends ActionName> = Static<(typeof ActionBodies)[A]>;
