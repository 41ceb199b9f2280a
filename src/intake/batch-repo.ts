// The batches and batch_rejects tables: SQL next to its owner, one row → domain mapping, and the
// shared schemas the HTTP routes and the OpenAPI description use.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../gateway/schemas.js';
import type { BatchCounts } from './types.js';

// Advisory-lock namespaces (the two-key form, apart from the one-key locks of migrations and audit).
/** Held by the session importing a batch, for as long as the batch is 'receiving'. */
export const BATCH_LOCK = 0x59504231; // "YPB1"
/** Held by the transaction that writes an agency's feed: its batches apply one after another. */
export const FEED_LOCK = 0x59504631; // "YPF1"

export const BatchSchema = shareSchema(
  Type.Object(
    {
      id: Type.Integer(),
      agency: Type.String(),
      feed: Type.String(),
      channel: Type.String({ enum: ['http', 'sftp', 'cli'] }),
      fileName: Type.Union([Type.String(), Type.Null()]),
      format: Type.Union([Type.String({ enum: ['csv', 'xml', 'json'] }), Type.Null()]),
      status: Type.String({
        enum: ['receiving', 'committed', 'failed'],
        description: 'receiving while the import runs; committed: its records are stored; failed: nothing of it was stored (see error)',
      }),
      receivedAt: Type.String({ format: 'date-time' }),
      finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      bytes: Type.Integer(),
      sha256: Type.Union([Type.String(), Type.Null()]),
      counts: Type.Ref('BatchCounts'),
      error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
      links: Type.Object({ self: Type.String(), rejects: Type.String() }),
    },
    { $id: 'Batch', description: 'One delivered file or push of one agency\'s feed.' },
  ),
);
export type Batch = Static<typeof BatchSchema>;

export const BatchCountsSchema = shareSchema(
  Type.Object(
    {
      received: Type.Integer({ description: 'records read: accepted + duplicate + rejected (a failed batch: read before the failure)' }),
      accepted: Type.Integer({ description: 'new or changed records stored' }),
      rejected: Type.Integer({ description: 'records that failed validation; see the rejects' }),
      duplicate: Type.Integer({ description: 'records identical to the version already stored: nothing changed' }),
      superseded: Type.Integer({ description: 'of accepted: corrections of a stored record (its old version kept in history)' }),
    },
    { $id: 'BatchCounts' },
  ),
);

export const BatchRejectSchema = shareSchema(
  Type.Object(
    {
      position: Type.Integer({ description: 'CSV line (header = 1), XML element or JSON array index (1-based)' }),
      recordId: Type.Union([Type.String(), Type.Null()]),
      field: Type.Union([Type.String(), Type.Null()]),
      code: Type.String(),
      message: Type.String(),
    },
    { $id: 'BatchReject', description: 'One problem with one rejected record (a record may have several).' },
  ),
);
export type BatchReject = Static<typeof BatchRejectSchema>;

export interface BatchRow {
  id: number;
  agency: string;
  feed: string;
  channel: string;
  file_name: string | null;
  format: string | null;
  actor: string;
  status: 'receiving' | 'committed' | 'failed';
  received_at: Date;
  finished_at: Date | null;
  bytes: number;
  sha256: string | null;
  received: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  superseded: number;
  error_code: string | null;
  error_message: string | null;
  /** The sending agency's division, for scoping reads (joined in). */
  agency_division: string | null;
}

export function toBatch(r: BatchRow): Batch {
  return {
    id: r.id,
    agency: r.agency,
    feed: r.feed,
    channel: r.channel,
    fileName: r.file_name,
    format: r.format,
    status: r.status,
    receivedAt: r.received_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    bytes: r.bytes,
    sha256: r.sha256,
    counts: { received: r.received, accepted: r.accepted, rejected: r.rejected, duplicate: r.duplicate, superseded: r.superseded },
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    links: { self: `/v1/batches/${r.id}`, rejects: `/v1/batches/${r.id}/rejects` },
  };
}

export function agencySql(code: string) {
  return { text: 'SELECT code, feeds FROM agencies WHERE code = $1', values: [code] };
}

export interface NewBatch {
  agency: string;
  feed: string;
  channel: string;
  fileName: string | null;
  format: string;
  actor: string;
}

/**
 * Records the batch as 'receiving' (committed at once, so it can be watched) and takes the
 * session lock that tells the sweep this import is alive. Both happen in one statement, so the
 * row is never visible without its lock.
 */
export function insertBatchSql(b: NewBatch) {
  return {
    text: `WITH b AS (
             INSERT INTO batches (agency, feed, channel, file_name, format, actor)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
           SELECT id, pg_advisory_lock(${BATCH_LOCK}, (id % 2147483647)::integer) FROM b`,
    values: [b.agency, b.feed, b.channel, b.fileName, b.format, b.actor],
  };
}

export function unlockBatchSql(id: number) {
  return { text: `SELECT pg_advisory_unlock(${BATCH_LOCK}, ($1::bigint % 2147483647)::integer)`, values: [id] };
}

/**
 * A batch still 'receiving' whose lock nobody holds belongs to an import that died (kill -9,
 * power loss): its transaction was rolled back, so it stored nothing; say so on the batch.
 */
export function sweepInterruptedSql() {
  // The candidates are picked first (MATERIALIZED), so that the lock is only ever tried for
  // 'receiving' batches, never for every row of the table.
  return {
    text: `WITH receiving AS MATERIALIZED (SELECT id FROM batches WHERE status = 'receiving')
           UPDATE batches b SET status = 'failed', finished_at = now(), error_code = 'YPQ_INTAKE_INTERRUPTED',
             error_message = 'the import process ended before it committed; nothing of this batch was stored — send the file again'
           FROM receiving r
           WHERE b.id = r.id AND pg_try_advisory_xact_lock(${BATCH_LOCK}, (r.id % 2147483647)::integer)
             -- Re-checked on the row's latest version: a batch that committed meanwhile is left alone.
             AND b.status = 'receiving'
           RETURNING b.id`,
    values: [],
  };
}

export function lockFeedSql(agency: string, feed: string) {
  return { text: `SELECT pg_advisory_xact_lock(${FEED_LOCK}, hashtext($1 || '/' || $2))`, values: [agency, feed] };
}

export function hasStoredRecordsSql(agency: string, feed: string) {
  return { text: 'SELECT EXISTS (SELECT 1 FROM feed_records WHERE agency = $1 AND feed = $2) AS stored', values: [agency, feed] };
}

/** The stored content hash of each given record id that exists. */
export function storedHashesSql(agency: string, feed: string, recordIds: string[]) {
  return {
    text: `SELECT record_id, encode(content_hash, 'hex') AS hash FROM feed_records
           WHERE agency = $1 AND feed = $2 AND record_id = ANY ($3::text[])`,
    values: [agency, feed, recordIds],
  };
}

export interface BatchOutcome {
  status: 'committed' | 'failed';
  counts: BatchCounts;
  bytes: number;
  sha256: string | null;
  error?: { code: string; message: string };
}

export function finishBatchSql(id: number, o: BatchOutcome) {
  const c = o.counts;
  return {
    text: `UPDATE batches SET status = $2, finished_at = now(), bytes = $3, sha256 = $4, received = $5, accepted = $6,
             rejected = $7, duplicate = $8, superseded = $9, error_code = $10, error_message = $11
           WHERE id = $1 AND status = 'receiving'`,
    values: [id, o.status, o.bytes, o.sha256, c.received, c.accepted, c.rejected, c.duplicate, c.superseded, o.error?.code ?? null, o.error?.message ?? null],
  };
}

export function batchByIdSql(id: number) {
  return {
    text: `SELECT b.*, a.division AS agency_division FROM batches b LEFT JOIN agencies a ON a.code = b.agency WHERE b.id = $1`,
    values: [id],
  };
}

export interface RejectRow {
  position: number;
  record_id: string | null;
  field: string | null;
  code: string;
  message: string;
}

export const toReject = (r: RejectRow): BatchReject => ({
  position: r.position,
  recordId: r.record_id,
  field: r.field,
  code: r.code,
  message: r.message,
});

/** Rejects in file order; pages by record (all problems of a record on one page), keyed by position. */
export function rejectsSql(agency: string, batchId: number, after: number, limit: number | null) {
  return {
    text: `WITH p AS (
             SELECT DISTINCT position FROM batch_rejects
             WHERE agency = $1 AND batch_id = $2 AND position > $3 ORDER BY position ${limit === null ? '' : 'LIMIT $4'})
           SELECT r.position, r.record_id, r.field, r.code, r.message
           FROM batch_rejects r JOIN p ON p.position = r.position
           WHERE r.agency = $1 AND r.batch_id = $2
           ORDER BY r.position, r.seq`,
    values: limit === null ? [agency, batchId, after] : [agency, batchId, after, limit],
  };
}
