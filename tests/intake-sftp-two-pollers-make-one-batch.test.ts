// Several gateway processes poll the same drop: the advisory lock lets one in at a time, and the
// pg-boss throttle admits one poll job per source per slot, so a file becomes exactly one batch.
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startBoss } from '../src/jobs/boss.js';
import { enqueuePolls, startSftpPolling } from '../src/intake/sftp/poll-job.js';
import { pollSource } from '../src/intake/sftp/poll-source.js';
import { createLogger } from '../src/logger.js';
import { birthCsv, createSftpTestbed, type SftpTestbed } from './helpers/sftp-server.js';

let t: SftpTestbed;
beforeEach(async () => {
  t = await createSftpTestbed();
});
afterEach(() => t.close());

it('lets one of two simultaneous pollers in; the other does nothing', async () => {
  t.drop('births_a.csv', birthCsv(3));
  // The second poller is another "process": its own pool, its own connections.
  const other = new pg.Pool({ connectionString: t.db.url, max: 4 });
  try {
    const results = await Promise.all([t.poll(), pollSource({ ...t.deps, pool: other }, t.source)]);
    expect(results.map((r) => r.status).sort()).toEqual(['busy', 'done']);
  } finally {
    await other.end();
  }
  expect(await t.batches()).toHaveLength(1);
  expect(t.ls('processed')).toEqual(['births_a.csv']);
});

it('runs one poll job per source and slot however many processes schedule it', async () => {
  const log = createLogger('silent');
  const bosses = [
    await startBoss({ url: t.db.url, log, pollingIntervalMs: 500, supervise: false }),
    await startBoss({ url: t.db.url, log, pollingIntervalMs: 500, supervise: false }),
  ];
  try {
    // Both processes schedule the same slot: the database keeps one job.
    const sent = await Promise.all(bosses.map((b) => enqueuePolls(b, t.deps, 600_000)));
    expect(sent.sort()).toEqual([0, 1]);

    // Both run the scheduler and a worker; the file dropped meanwhile is taken once.
    t.drop('births_b.csv', birthCsv(4));
    const pollers = await Promise.all(bosses.map((b) => startSftpPolling(b, t.deps, { intervalMs: 1000, jobPollIntervalMs: 500 })));
    const deadline = Date.now() + 30_000;
    while (!t.ls('processed').includes('births_b.csv') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 2500)); // a few more slots, with nothing left to take
    await Promise.all(pollers.map((p) => p.stop()));
  } finally {
    await Promise.all(bosses.map((b) => b.stop({ graceful: false, wait: true })));
  }
  expect(t.ls('processed')).toEqual(['births_b.csv']);
  expect(await t.batches()).toEqual([expect.objectContaining({ status: 'committed', file_name: 'births_b.csv', accepted: 4 })]);
  const dup = await t.db.pool.query(
    `SELECT singleton_on, count(*) FROM pgboss.job WHERE name = 'sftp-poll' GROUP BY singleton_on, singleton_key HAVING count(*) > 1`,
  );
  expect(dup.rows).toEqual([]);
});
