// Field counts per batch (coord_batch_fields): each committed batch is counted once, by the
// coordination jobs soon after it lands (and by computeSharing for any batch of its months still
// missing), so that the monthly summary never parses the whole year's records again. Chunks of
// batches are counted side by side on one connection per core.
import os from 'node:os';
import type pg from 'pg';
import { FEED_KINDS, type FeedKind } from '../../auth/principal.js';
import { countBatchFieldsSql, uncountedBatchesSql } from './sharing-sql.js';

export interface CountOptions {
  /** Only batches received in [start, end); all when absent. */
  range?: { start: Date; end: Date };
  /** Stop after about this many batches (a job tick's budget); all when absent. */
  maxBatches?: number;
  concurrency?: number;
  chunk?: number;
  now?: Date;
}

export async function countBatchFields(pool: pg.Pool, o: CountOptions = {}): Promise<{ batches: number; ms: number }> {
  const started = Date.now();
  const chunk = o.chunk ?? 50;
  const budget = o.maxBatches ?? Number.MAX_SAFE_INTEGER;
  const queue: { feed: FeedKind; ids: number[] }[] = [];
  let found = 0;
  for (const feed of FEED_KINDS) {
    const { rows } = await pool.query<{ id: number }>(uncountedBatchesSql(feed, o.range ?? null, Math.max(0, budget - found)));
    found += rows.length;
    for (let i = 0; i < rows.length; i += chunk) queue.push({ feed, ids: rows.slice(i, i + chunk).map((r) => r.id) });
  }
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await pool.query(countBatchFieldsSql(job.feed, job.ids, o.now ?? new Date()));
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? os.availableParallelism()) }, worker));
  return { batches: found, ms: Date.now() - started };
}
