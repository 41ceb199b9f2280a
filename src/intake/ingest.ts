// The one intake pipeline behind HTTP push, SFTP drop and the command line:
//   check the agency → record the batch ('receiving') → in ONE transaction: parse on worker
//   threads, COPY the records, apply corrections, mark the batch committed and enqueue its
//   link-batch job → commit.
// A crash at any point before the commit leaves no record of the batch behind (the transaction
// is rolled back by PostgreSQL when the connection drops); the 'receiving' row it leaves is
// marked failed by the next import's sweep. Importing the file again stores exactly its records.
import os from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TSchema } from '@sinclair/typebox';
import { adapterFor, sniffFormat, type FeedAdapter, type FeedFormat } from '../adapters/index.js';
import { labelsOf } from '../adapters/shared/schema-types.js';
import { AppError, appError, fromDatabaseError } from '../errors.js';
import {
  agencySql, finishBatchSql, hasStoredRecordsSql, insertBatchSql, lockFeedSql, storedHashesSql, sweepInterruptedSql, unlockBatchSql,
  type BatchOutcome,
} from './batch-repo.js';
import { BatchWriter } from './batch-writer.js';
import { MeteredInput } from './metered-input.js';
import { enqueueLinkBatch, ensureLinkQueue } from './link-handoff.js';
import { parsePool, type ParsePool } from './parse-pool.js';
import { Semaphore } from './semaphore.js';
import type { BatchResult, IngestRequest } from './types.js';

export interface IngestDeps {
  pool: pg.Pool;
  log: Logger;
  /** Parse workers; the process's shared pool by default (size 0: parse on this thread). */
  parser?: ParsePool;
  /** Bytes per CSV block handed to a worker (tests make it small to cut files into many blocks). */
  blockBytes?: number;
}

// An import holds up to two connections (its transaction, and a second one to look up stored
// versions while the first is busy with COPY). Bounding concurrent imports per pool keeps a
// pool from being drained by imports that each wait for their second connection.
const slots = new WeakMap<pg.Pool, Semaphore>();
function slotsFor(pool: pg.Pool): Semaphore {
  let s = slots.get(pool);
  if (!s) {
    const max = (pool as unknown as { options: { max?: number } }).options.max ?? 10;
    s = new Semaphore(Math.max(1, Math.min(4, Math.floor((max - 2) / 2))));
    slots.set(pool, s);
  }
  return s;
}

async function checkAgency(pool: pg.Pool, agency: string, feed: string): Promise<void> {
  const { rows } = await pool.query<{ code: string; feeds: string[] }>(agencySql(agency));
  if (!rows[0]) throw appError('YPQ_UNKNOWN_AGENCY', agency);
  if (!rows[0].feeds.includes(feed)) throw appError('YPQ_FEED_NOT_ALLOWED', agency, feed, rows[0].feeds.join(', ') || 'nothing');
}

export async function ingest(deps: IngestDeps, req: IngestRequest): Promise<BatchResult> {
  const { pool } = deps;
  const input = new MeteredInput(req.input, req.onProgress);
  try {
    const adapter = adapterFor(req.feed);
    await checkAgency(pool, req.agency, req.feed);
    const parser = deps.parser ?? parsePool();
    parser.warm();
    const format: FeedFormat = req.format ?? sniffFormat(await input.head());
    if (!adapter.formats.includes(format)) {
      throw appError('YPQ_UNSUPPORTED_MEDIA', `${format.toUpperCase()} for the ${req.feed} feed, which accepts ${adapter.formats.map((f) => f.toUpperCase()).join(', ')}`);
    }
    await ensureLinkQueue(pool);
    const release = await slotsFor(pool).acquire();
    try {
      return await runBatch(deps, parser, adapter, req, input, format);
    } finally {
      release();
    }
  } finally {
    input.close();
  }
}

async function runBatch(
  deps: IngestDeps,
  parser: ParsePool,
  adapter: FeedAdapter<unknown>,
  req: IngestRequest,
  input: MeteredInput,
  format: FeedFormat,
): Promise<BatchResult> {
  const { pool } = deps;
  const swept = await pool.query(sweepInterruptedSql());
  if (swept.rowCount) deps.log.warn({ batches: swept.rows.map((r) => r.id) }, 'marked batches of interrupted imports as failed');

  const client = await pool.connect();
  let lookup = null as pg.PoolClient | null;
  let writer: BatchWriter | null = null;
  let batchId = 0;
  let healthy = false;
  try {
    const b = await client.query(insertBatchSql({ agency: req.agency, feed: req.feed, channel: req.channel, fileName: req.fileName, format, actor: req.actor }));
    batchId = Number(b.rows[0].id);
    const log = deps.log.child({ batchId, feed: req.feed, agency: req.agency, channel: req.channel });
    log.info({ format }, 'batch receiving');
    const started = Date.now();

    await client.query('BEGIN');
    const split = format === 'csv' && parser.size > 1;
    const ctx = { agency: req.agency, feed: req.feed, batchId, positionOffset: 0 };
    const w = new BatchWriter(client, { ctx, stored: null, crossBlockIds: split ? idOf(adapter) : null });
    writer = w;
    // Where the time goes: waiting for the feed lock (another batch of this feed is writing),
    // for parsed blocks (parsing is the limit) or for the database to take them (COPY is),
    // then applying corrections.
    const phases = { lockWaitMs: 0, parseWaitMs: 0, writeMs: 0, finishMs: 0 };

    // The feed lock is taken once the first records are parsed, not before: a small push is
    // parsed whole while another batch of the same feed still holds the lock.
    let locked = false;
    const lockFeed = async () => {
      if (locked) return;
      locked = true;
      const t = Date.now();
      await client.query(lockFeedSql(req.agency, req.feed));
      phases.lockWaitMs = Date.now() - t;
      const hasStored = (await client.query(hasStoredRecordsSql(req.agency, req.feed))).rows[0].stored as boolean;
      if (hasStored) {
        // The lock keeps other batches of this agency's feed out until we commit, so what
        // another connection reads as committed stays true for the whole batch.
        lookup = await pool.connect();
        const conn = lookup;
        w.useStored(async (ids) => {
          const { rows } = await conn.query<{ record_id: string; hash: string }>(storedHashesSql(req.agency, req.feed, ids));
          return new Map(rows.map((r) => [r.record_id, r.hash]));
        });
      }
    };

    let outcome: BatchOutcome;
    try {
      const blocks = parser.parse({ feed: req.feed, spec: { ...ctx, format }, input, split, blockBytes: deps.blockBytes });
      for (let t = Date.now(); ; t = Date.now()) {
        const next = await blocks.next();
        const got = Date.now();
        phases.parseWaitMs += got - t;
        if (next.done) break;
        await lockFeed();
        const written = Date.now();
        await w.add(next.value);
        phases.writeMs += Date.now() - written;
      }
      await lockFeed();
      const t = Date.now();
      const counts = await w.finish();
      phases.finishMs = Date.now() - t;
      await input.drain();
      outcome = { status: 'committed', counts, bytes: input.bytes, sha256: input.sha256() };
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'YPQ_UNPARSEABLE')) throw err;
      // The file as a whole cannot be read: a failed batch that keeps its rejects, and no records.
      await lockFeed();
      const counts = await w.abandon();
      await input.drain();
      outcome = { status: 'failed', counts, bytes: input.bytes, sha256: input.sha256(), error: { code: err.code, message: err.message } };
    }
    await client.query(finishBatchSql(batchId, outcome));
    if (outcome.status === 'committed') await enqueueLinkBatch(client, { batchId, agency: req.agency, feed: req.feed });
    await client.query('COMMIT');
    healthy = true;
    log.info({ status: outcome.status, counts: outcome.counts, bytes: outcome.bytes, ms: Date.now() - started, ...phases }, 'batch finished');
    return { batchId, status: outcome.status, sha256: outcome.sha256 ?? '', counts: outcome.counts, ...(outcome.error ? { error: outcome.error } : {}) };
  } catch (err) {
    const e = err instanceof AppError ? err : fromDatabaseError(err);
    // An open COPY must be failed first, or the ROLLBACK would queue behind it for ever.
    await writer?.abort();
    await client.query('ROLLBACK').catch(() => undefined);
    if (batchId) {
      // Nothing was stored; say why on the batch (best effort: the database may be what failed).
      const counts = { received: 0, accepted: 0, rejected: 0, duplicate: 0, superseded: 0 };
      await client
        .query(finishBatchSql(batchId, { status: 'failed', counts, bytes: input.bytes, sha256: null, error: { code: e.code, message: e.message } }))
        .then(() => (healthy = true), () => undefined);
    }
    // The sender's fault (an aborted or oversized upload) is a warning; ours is an error. Only
    // code, message and stack: a database error's detail can quote a record (personal data).
    const safe = { type: e.code, message: e.message, stack: e.stack };
    deps.log[e.statusCode < 500 ? 'warn' : 'error']({ err: safe, batchId, feed: req.feed, agency: req.agency }, 'batch failed');
    throw e;
  } finally {
    lookup?.release();
    if (batchId && healthy) await client.query(unlockBatchSql(batchId)).catch(() => (healthy = false));
    // A connection in an unknown state (or still holding the batch lock) is closed, not reused.
    client.release(healthy ? undefined : true);
  }
}

/** The record-id field and its label, for the duplicate-id reject of a split file. */
function idOf(adapter: FeedAdapter<unknown>): { idField: string; idLabel: string } {
  return { idField: adapter.idField, idLabel: labelsOf(adapter.schema as TSchema).get(adapter.idField) ?? adapter.idField };
}

/** Who ran a command-line import: 'cli:<os user>'. */
export function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}
