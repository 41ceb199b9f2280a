// link_results as the API shows them: shared schemas, the reads, one row → domain mapping.
// Scope: a township or county sees the results of records in its division (the record's own
// division, else the sending agency's), an admin all; no one else.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../gateway/schemas.js';
import { RAW_IDS } from './sql/results-sql.js';
import type { Sql } from './sql/sql.js';

export const LinkResultSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      agency: Type.String(),
      feed: Type.String(),
      recordId: Type.String(),
      version: Type.Integer(),
      role: Type.String({ enum: ['subject', 'mother', 'father', 'child', 'party1', 'party2'] }),
      batchId: Type.Integer(),
      division: Type.Union([Type.String(), Type.Null()]),
      status: Type.String({ enum: ['linked', 'review', 'new'] }),
      pid: Type.Union([Type.String(), Type.Null()], { description: 'the linked person' }),
      createdPid: Type.Union([Type.String(), Type.Null()], { description: 'the person created for a new newborn or registered migrant' }),
      score: Type.Number({ description: 'probability of the candidate the decision rested on' }),
      matchWeight: Type.Union([Type.Number(), Type.Null()], { description: 'its match weight in bits, prior included' }),
      rule: Type.String({ description: 'the decision rule that applied (docs/matching.md)' }),
      modelId: Type.String(),
      decidedAt: Type.String({ format: 'date-time' }),
      decidedBy: Type.String({ description: "'model' or the clerk's subject" }),
      appliedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      current: Type.Boolean({ description: 'false once a correction superseded this record version' }),
    },
    { $id: 'LinkResult', description: 'The decision for one person of one feed record version.' },
  ),
);
export type LinkResult = Static<typeof LinkResultSchema>;

const FieldSchema = Type.Object({
  field: Type.String(),
  level: Type.String(),
  weight: Type.Number({ description: 'log2(m/u) of the level; 0 when missing' }),
  tf: Type.Optional(Type.Object({ frequency: Type.Number(), adjustment: Type.Number() })),
});

export const LinkExplanationSchema = shareSchema(
  Type.Object(
    {
      model: Type.String(),
      rule: Type.String(),
      thresholds: Type.Object({ link: Type.Number(), review: Type.Number(), minMargin: Type.Number() }),
      priorWeight: Type.Number(),
      candidateCount: Type.Integer(),
      margin: Type.Union([Type.Number(), Type.Null()]),
      candidates: Type.Array(Type.Object({ pid: Type.String(), matchWeight: Type.Number(), probability: Type.Number(), fields: Type.Array(FieldSchema) })),
      excluded: Type.Array(Type.Object({
        pid: Type.String(), matchWeight: Type.Number(), probability: Type.Number(), fields: Type.Array(FieldSchema), reason: Type.String(),
      })),
    },
    { $id: 'LinkExplanation', description: 'Levels and weights per field of each candidate, never the compared values.' },
  ),
);

export const LinkDetailSchema = shareSchema(
  Type.Intersect([
    Type.Ref('LinkResult'),
    Type.Object({
      explanation: Type.Ref('LinkExplanation'),
      history: Type.Array(Type.Object({
        status: Type.String(), pid: Type.Union([Type.String(), Type.Null()]), score: Type.Number(), rule: Type.String(), modelId: Type.String(),
        decidedAt: Type.String({ format: 'date-time' }), decidedBy: Type.String(), replacedAt: Type.String({ format: 'date-time' }), replacedBy: Type.String(),
      }), { description: 'earlier decisions, replaced by a clerk or a relink' }),
    }),
  ], { $id: 'LinkDetail' }),
);

export interface LinkResultRow {
  id: number;
  agency: string;
  feed: string;
  record_id: string;
  version: number;
  role: string;
  batch_id: number;
  division: string | null;
  status: string;
  pid: string | null;
  created_pid: string | null;
  score: number;
  match_weight: number | null;
  rule: string;
  model_id: string;
  decided_at: Date;
  decided_by: string;
  applied_at: Date | null;
  current: boolean;
  explanation?: unknown;
}

export function toLinkResult(r: LinkResultRow): LinkResult {
  return {
    id: Number(r.id), agency: r.agency, feed: r.feed, recordId: r.record_id, version: r.version, role: r.role, batchId: Number(r.batch_id),
    division: r.division, status: r.status, pid: r.pid, createdPid: r.created_pid, score: r.score, matchWeight: r.match_weight, rule: r.rule,
    modelId: r.model_id, decidedAt: r.decided_at.toISOString(), decidedBy: r.decided_by, appliedAt: r.applied_at?.toISOString() ?? null,
    current: r.current,
  };
}

const COLUMNS = `r.id, r.agency, r.feed, r.record_id, r.version, r.role, r.batch_id, r.division, r.status, r.pid, r.created_pid, r.score,
  r.match_weight, r.rule, r.model_id, r.decided_at, r.decided_by, r.applied_at,
  EXISTS (SELECT 1 FROM feed_records f WHERE f.agency = r.agency AND f.feed = r.feed AND f.record_id = r.record_id AND f.version = r.version) AS current`;

/** '' for an admin (every division), else the caller's division code as a prefix. */
export type ScopePrefix = string;

/** A batch's results in id order, one page; scope by division prefix. */
export function batchResultsSql(batchId: number, scope: ScopePrefix, after: number, limit: number): Sql {
  return {
    text: `SELECT ${COLUMNS} FROM link_results r
           WHERE r.batch_id = $1 AND r.id > $2 AND ($3 = '' OR r.division LIKE $3 || '%')
           ORDER BY r.id LIMIT $4`,
    values: [batchId, after, scope, limit],
  };
}

export function resultByIdSql(id: number): Sql {
  return { text: `SELECT ${COLUMNS}, r.explanation FROM link_results r WHERE r.id = $1`, values: [id] };
}

export function resultHistorySql(id: number): Sql {
  return {
    text: `SELECT status, pid, score, rule, model_id, decided_at, decided_by, replaced_at, replaced_by
           FROM link_result_history WHERE result_id = $1 ORDER BY replaced_at`,
    values: [id],
  };
}

/** The review queue: current record versions waiting for a clerk, oldest first. */
export function reviewQueueSql(scope: ScopePrefix, o: { feed?: string; after: number; limit: number }): Sql {
  return {
    text: `SELECT ${COLUMNS}, (r.explanation->>'candidateCount')::integer AS candidate_count FROM link_results r
           WHERE r.status = 'review' AND r.id > $1 AND ($2 = '' OR r.division LIKE $2 || '%') AND ($3::text IS NULL OR r.feed = $3)
             AND EXISTS (SELECT 1 FROM feed_records f WHERE f.agency = r.agency AND f.feed = r.feed AND f.record_id = r.record_id AND f.version = r.version)
           ORDER BY r.id LIMIT $4`,
    values: [o.after, scope, o.feed ?? null, o.limit],
  };
}

/** The result with its record (locked for a clerk's decision when `lock`). */
export function resultWithRecordSql(id: number, lock: boolean): Sql {
  return {
    text: `SELECT ${COLUMNS}, r.explanation, f.record, a.division AS agency_division, ${RAW_IDS}
           FROM link_results r
           LEFT JOIN feed_records f ON f.agency = r.agency AND f.feed = r.feed AND f.record_id = r.record_id AND f.version = r.version
           LEFT JOIN agencies a ON a.code = r.agency
           WHERE r.id = $1${lock ? ' FOR UPDATE OF r' : ''}`,
    values: [id],
  };
}

/** The scope prefix of a caller who may see link results at all. */
export function scopeOf(who: { role: string; unit: string }): ScopePrefix {
  return who.role === 'admin' ? '' : who.unit;
}
