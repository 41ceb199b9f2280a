// The Q&A board: every member unit of the county reads it and asks; the unit a question is
// addressed to (or any unit, when it names none) and the office answer, which marks it answered.
// Questions are about the work, but free text may still name a resident: reads are audited.
import type pg from 'pg';
import { audit } from '../../audit/audit-log.js';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { countyScope, isOfficeOf, membership, type Member } from '../shared/member.js';
import { decodeCursor, encodeCursor, pageOf } from '../shared/page.js';
import { write } from '../shared/db-errors.js';
import { inTransaction } from '../../db/transaction.js';
import { answersOfSql, insertAnswerSql, insertQuestionSql, listQuestionsSql, questionByIdSql, toAnswer, toQuestionSummary, type AnswerRow, type QuestionRow } from './qa-repo.js';
import type { NewQuestion, Question, QuestionStatus, QuestionSummary } from './qa-schema.js';

const PURPOSE = 'coordination Q&A';

export async function listQuestions(
  pool: pg.Pool, who: Principal, q: { status?: QuestionStatus; asker?: string; toUnit?: string; county?: string; limit: number; cursor?: string },
): Promise<{ items: QuestionSummary[]; nextCursor: string | null }> {
  const m = await membership(pool, who);
  const after = decodeCursor(q.cursor);
  const { rows } = await pool.query<QuestionRow>(
    listQuestionsSql({ county: countyScope(m, q.county), status: q.status, asker: q.asker, toUnit: q.toUnit, afterId: after ? after.id : null, limit: q.limit + 1 }),
  );
  const page = pageOf(rows, q.limit, toQuestionSummary, (r) => encodeCursor(String(r.id), r.id));
  await audit(pool, who, { action: 'list', objectType: 'coord_question', objectId: q.status ?? 'all', purpose: PURPOSE, detail: { ids: page.items.map((i) => i.id) } });
  return page;
}

async function load(db: pg.Pool | pg.PoolClient, m: Member, id: number, forUpdate = false): Promise<QuestionRow> {
  const row = (await db.query<QuestionRow>(questionByIdSql(id, forUpdate))).rows[0];
  if (!row || (m.county !== null && row.county !== m.county)) throw appError('YPQ_NOT_FOUND', `question ${id}`);
  return row;
}

export async function getQuestion(pool: pg.Pool, who: Principal, id: number): Promise<Question> {
  const m = await membership(pool, who);
  const row = await load(pool, m, id);
  const answers = (await pool.query<AnswerRow>(answersOfSql(id))).rows;
  await audit(pool, who, { action: 'read', objectType: 'coord_question', objectId: String(id), purpose: PURPOSE });
  return { ...toQuestionSummary(row), body: row.body, createdBy: row.created_by, answerList: answers.map(toAnswer) };
}

export async function askQuestion(pool: pg.Pool, who: Principal, input: NewQuestion): Promise<Question> {
  const m = await membership(pool, who);
  if (m.admin) throw appError('YPQ_FORBIDDEN', 'an admin asks through a member unit’s account');
  const id = await inTransaction(pool, async (client) => {
    const { rows } = await write<{ id: number }>(client, insertQuestionSql(m.county!, m.unit, input, who.sub, new Date()));
    if (!rows.length) throw appError('YPQ_COORD_NOT_MEMBER', String(input.toUnit), ` of county ${m.county}`);
    await audit(client, who, { action: 'create', objectType: 'coord_question', objectId: String(rows[0].id), purpose: PURPOSE });
    return rows[0].id;
  });
  return getQuestion(pool, who, id);
}

export async function answerQuestion(pool: pg.Pool, who: Principal, id: number, body: string): Promise<Question> {
  const m = await membership(pool, who);
  await inTransaction(pool, async (client) => {
    const q = await load(client, m, id, true);
    const responsible = q.to_unit === null ? !m.admin : q.to_unit === m.unit;
    if (!responsible && !isOfficeOf(m, q.county)) throw appError('YPQ_FORBIDDEN', `only ${q.to_unit ?? 'a member unit'} or the coordination office answers this question`);
    await client.query(insertAnswerSql(id, m.unit, body, who.sub, new Date()));
    await audit(client, who, { action: 'update', objectType: 'coord_question', objectId: String(id), purpose: PURPOSE, detail: { action: 'answer' } });
  });
  return getQuestion(pool, who, id);
}
