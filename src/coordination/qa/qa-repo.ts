// coord_questions and coord_answers: SQL and row mapping.
import type { Answer, NewQuestion, QuestionStatus, QuestionSummary } from './qa-schema.js';

export interface QuestionRow {
  id: number;
  county: string;
  asker: string;
  asker_name: string;
  to_unit: string | null;
  to_unit_name: string | null;
  title: string;
  body: string;
  status: QuestionStatus;
  answers: number;
  created_by: string;
  created_at: Date;
  answered_at: Date | null;
}

export interface AnswerRow {
  id: number;
  unit: string;
  unit_name: string;
  body: string;
  created_by: string;
  created_at: Date;
}

export function toQuestionSummary(r: QuestionRow): QuestionSummary {
  return {
    id: r.id, county: r.county, asker: r.asker, askerName: r.asker_name, toUnit: r.to_unit, toUnitName: r.to_unit_name, title: r.title,
    status: r.status, answers: r.answers, createdAt: r.created_at.toISOString(), answeredAt: r.answered_at ? r.answered_at.toISOString() : null,
  };
}

export function toAnswer(r: AnswerRow): Answer {
  return { id: r.id, unit: r.unit, unitName: r.unit_name, body: r.body, createdBy: r.created_by, createdAt: r.created_at.toISOString() };
}

const SELECT = `SELECT q.id, q.county, q.asker, a.name AS asker_name, q.to_unit, t.name AS to_unit_name, q.title, q.body, q.status,
                       (SELECT count(*) FROM coord_answers x WHERE x.question_id = q.id)::int AS answers,
                       q.created_by, q.created_at, q.answered_at
                FROM coord_questions q JOIN coord_units a ON a.code = q.asker LEFT JOIN coord_units t ON t.code = q.to_unit`;

export function listQuestionsSql(f: { county: string | null; status?: QuestionStatus; asker?: string; toUnit?: string; afterId: number | null; limit: number }) {
  return {
    text: `${SELECT}
           WHERE ($1::text IS NULL OR q.county = $1) AND ($2::text IS NULL OR q.status = $2)
             AND ($3::text IS NULL OR q.asker = $3) AND ($4::text IS NULL OR q.to_unit = $4)
             AND ($5::bigint IS NULL OR q.id < $5)
           ORDER BY q.id DESC LIMIT $6`,
    values: [f.county, f.status ?? null, f.asker ?? null, f.toUnit ?? null, f.afterId, f.limit],
  };
}

export function questionByIdSql(id: number, forUpdate = false) {
  return { text: `${SELECT} WHERE q.id = $1${forUpdate ? ' FOR UPDATE OF q' : ''}`, values: [id] };
}

export function answersOfSql(questionId: number) {
  return {
    text: `SELECT x.id, x.unit, coalesce(u.name, x.unit) AS unit_name, x.body, x.created_by, x.created_at
           FROM coord_answers x LEFT JOIN coord_units u ON u.code = x.unit WHERE x.question_id = $1 ORDER BY x.id`,
    values: [questionId],
  };
}

export function insertQuestionSql(county: string, asker: string, q: NewQuestion, by: string, now: Date) {
  return {
    text: `INSERT INTO coord_questions (county, asker, to_unit, title, body, created_by, created_at)
           SELECT $1, $2, $3, $4, $5, $6, $7
           WHERE $3::text IS NULL OR EXISTS (SELECT 1 FROM coord_units WHERE code = $3 AND county = $1 AND active)
           RETURNING id`,
    values: [county, asker, q.toUnit ?? null, q.title, q.body, by, now],
  };
}

export function insertAnswerSql(questionId: number, unit: string, body: string, by: string, now: Date) {
  return {
    text: `WITH a AS (INSERT INTO coord_answers (question_id, unit, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id)
           UPDATE coord_questions SET status = 'answered', answered_at = coalesce(answered_at, $5) WHERE id = $1`,
    values: [questionId, unit, body, by, now],
  };
}
