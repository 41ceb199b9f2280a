// 交流园地: questions from units, answers from the responsible units.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../../gateway/schemas.js';
import { NullableString, NullableTimestamp, Timestamp, UnitCode, literals, pageOfRef } from '../shared/schema-parts.js';

export const QUESTION_STATUSES = ['open', 'answered'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

export const NewQuestionSchema = shareSchema(
  Type.Object(
    {
      title: Type.String({ minLength: 1, maxLength: 200 }),
      body: Type.String({ minLength: 1, maxLength: 20000 }),
      toUnit: Type.Optional(Type.Union([UnitCode, Type.Null()], { description: 'the unit responsible for the answer; none: any member unit may answer' })),
    },
    { $id: 'CoordNewQuestion', additionalProperties: false },
  ),
);
export type NewQuestion = Static<typeof NewQuestionSchema>;

export const AnswerSchema = shareSchema(
  Type.Object(
    { id: Type.Integer(), unit: Type.String(), unitName: Type.String(), body: Type.String(), createdBy: Type.String(), createdAt: Timestamp },
    { $id: 'CoordAnswer' },
  ),
);
export type Answer = Static<typeof AnswerSchema>;

const summary = {
  id: Type.Integer(),
  county: Type.String(),
  asker: Type.String(),
  askerName: Type.String(),
  toUnit: NullableString,
  toUnitName: NullableString,
  title: Type.String(),
  status: literals(QUESTION_STATUSES),
  answers: Type.Integer(),
  createdAt: Timestamp,
  answeredAt: NullableTimestamp,
};

export const QuestionSummarySchema = shareSchema(Type.Object(summary, { $id: 'CoordQuestionSummary' }));
export type QuestionSummary = Static<typeof QuestionSummarySchema>;

export const QuestionSchema = shareSchema(
  Type.Object({ ...summary, body: Type.String(), createdBy: Type.String(), answerList: Type.Array(Type.Ref('CoordAnswer')) }, { $id: 'CoordQuestion' }),
);
export type Question = Omit<Static<typeof QuestionSchema>, 'answerList'> & { answerList: Answer[] };

export const QuestionPageSchema = shareSchema(pageOfRef('CoordQuestionPage', 'CoordQuestionSummary'));
