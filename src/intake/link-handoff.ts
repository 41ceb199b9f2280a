// The hand-off to matching: a committed batch enqueues one link-batch job, inserted by the
// batch's own transaction (pg-boss's `db` option), so that a crash can never commit a batch
// without its job or send a job for a batch that was rolled back. No worker needs to run: the
// job waits in the queue.
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { QUEUES } from '../jobs/boss.js';

const SCHEMA = 'pgboss';

export interface LinkBatchJob {
  batchId: number;
  agency: string;
  feed: string;
}

/** The singleton key makes a second send for the same batch (a retry, a sweeper) a no-op. */
export const linkJobKey = (batchId: number) => `batch-${batchId}`;

const wrap = (db: pg.Pool | pg.PoolClient) => ({
  executeSql: (text: string, values?: unknown[]) => db.query(text, values as unknown[]),
});

// Only `send` is used, always with the caller's transaction as `db`: this instance never
// opens connections of its own.
const sender = new PgBoss({ db: { executeSql: async () => ({ rows: [] }) }, schema: SCHEMA });

export async function enqueueLinkBatch(tx: pg.PoolClient, job: LinkBatchJob): Promise<void> {
  await sender.send(QUEUES.linkBatch, { ...job }, { singletonKey: linkJobKey(job.batchId), db: wrap(tx) });
}

const ready = new WeakMap<pg.Pool, Promise<void>>();

/**
 * The queue must exist before a transaction inserts into it. `serve` creates it at start-up;
 * a bare CLI import against a fresh database installs pg-boss's schema here, once per pool.
 */
export function ensureLinkQueue(pool: pg.Pool): Promise<void> {
  let p = ready.get(pool);
  if (!p) {
    p = installQueue(pool);
    ready.set(pool, p);
    p.catch(() => ready.delete(pool));
  }
  return p;
}

async function installQueue(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ present: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS present`, [`${SCHEMA}.queue`],
  );
  if (rows[0].present) {
    const q = await pool.query(`SELECT 1 FROM ${SCHEMA}.queue WHERE name = $1`, [QUEUES.linkBatch]);
    if (q.rowCount) return;
  }
  const boss = new PgBoss({ db: wrap(pool), schema: SCHEMA, supervise: false, schedule: false });
  await boss.start();
  try {
    if (!(await boss.getQueue(QUEUES.linkBatch))) await boss.createQueue(QUEUES.linkBatch);
  } finally {
    await boss.stop({ graceful: false });
  }
}
