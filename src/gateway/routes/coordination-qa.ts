// 交流园地: the Q&A board of the coordination group.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { answerQuestion, askQuestion, getQuestion, listQuestions } from '../../coordination/qa/qa-service.js';
import { QUESTION_STATUSES, type NewQuestion, type QuestionStatus } from '../../coordination/qa/qa-schema.js';
import { CountyCode, CursorParam, IdParams, Limit, UnitCode, literals } from '../../coordination/shared/schema-parts.js';
import { ErrorRef, authErrors } from '../schemas.js';

export async function coordinationQaRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.ctx.pool;

  app.get<{ Querystring: { status?: QuestionStatus; asker?: string; toUnit?: string; county?: string; limit?: number; cursor?: string } }>(
    '/v1/coordination/questions',
    {
      schema: {
        summary: 'Questions on the board, newest first; status=open lists those still waiting for an answer (audited)',
        tags: ['coordination'],
        querystring: Type.Object({
          status: Type.Optional(literals(QUESTION_STATUSES)),
          asker: Type.Optional(UnitCode),
          toUnit: Type.Optional(UnitCode),
          county: Type.Optional(CountyCode),
          limit: Limit,
          cursor: CursorParam,
        }),
        response: { 200: Type.Ref('CoordQuestionPage'), 400: ErrorRef, ...authErrors },
      },
    },
    async (req) => listQuestions(pool, req.principal, { ...req.query, limit: req.query.limit ?? 50 }),
  );

  app.post<{ Body: NewQuestion }>(
    '/v1/coordination/questions',
    {
      schema: {
        summary: 'Ask a question, optionally of the unit responsible for the answer',
        tags: ['coordination'],
        body: Type.Ref('CoordNewQuestion'),
        response: { 201: Type.Ref('CoordQuestion'), 400: ErrorRef, ...authErrors },
      },
    },
    async (req, reply) => reply.status(201).send(await askQuestion(pool, req.principal, req.body)),
  );

  app.get<{ Params: { id: number } }>(
    '/v1/coordination/questions/:id',
    { schema: { summary: 'One question with its answers (audited)', tags: ['coordination'], params: IdParams, response: { 200: Type.Ref('CoordQuestion'), 404: ErrorRef, ...authErrors } } },
    async (req) => getQuestion(pool, req.principal, req.params.id),
  );

  app.post<{ Params: { id: number }; Body: { body: string } }>(
    '/v1/coordination/questions/:id/answers',
    {
      schema: {
        summary: 'Answer a question (the unit it is addressed to, or the office); marks it answered',
        tags: ['coordination'],
        params: IdParams,
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: 20000 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('CoordQuestion'), 400: ErrorRef, 404: ErrorRef, ...authErrors },
      },
    },
    async (req) => answerQuestion(pool, req.principal, req.params.id, req.body.body),
  );
}
