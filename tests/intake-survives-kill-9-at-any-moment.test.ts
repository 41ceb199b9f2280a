// kill -9 of a real `yipanqi feed import` process at several moments — as the batch starts,
// while records stream in by COPY, while corrections are merged, just after commit — and then
// the same import again: every time, either nothing of the killed batch is stored or all of it,
// and the re-run ends with exactly the file's records, none lost, none doubled.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../src/intake/ingest.js';
import { ParsePool } from '../src/intake/parse-pool.js';
import { createLogger } from '../src/logger.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { linkJobs, storedRecords } from '../fixtures/intake/agencies.js';
import { writeHousingCsv } from '../fixtures/intake/housing-generator.js';

const RECORDS = 60_000;
const AGENCY = 'KILL-HOUSING';
const REFERENCE = 'KILL-REFERENCE';

describe('intake under kill -9', () => {
  let db: TestDb;
  let tmp: string;
  let fileA: string;
  let fileB: string;
  let expectedA: string[][];
  let expectedB: string[][];

  const sql = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await db.pool.query(text, values)).rows as T[];
  const snapshot = async (agency: string) => (await storedRecords(db.pool, agency, 'housing')).map((r) => [r.record_id, r.hash, String(r.version)]);

  function importer(file: string): ChildProcess {
    // --no-link: the moments under test are intake's; linking has its own tests.
    return spawn(process.execPath, ['bin/yipanqi.mjs', 'feed', 'import', '--no-link', '--feed', 'housing', '--agency', AGENCY, file], {
      env: { ...process.env, DATABASE_URL: db.url, YIPANQI_DATA_DIR: tmp, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Polls until `ready` returns true, then kills the process with SIGKILL. */
  async function killWhen(child: ChildProcess, ready: () => Promise<boolean>, extraDelayMs = 0, mayEndFirst = false): Promise<void> {
    let exited = false;
    let how = '';
    child.once('exit', (code, signal) => ((exited = true), (how = signal ? `killed by ${signal}` : `exit code ${code}`)));
    const deadline = Date.now() + 90_000;
    while (!(await ready())) {
      if (exited && mayEndFirst && (await ready())) break;
      if (exited) throw new Error(`the import ended (${how}) before the moment to kill it came`);
      if (Date.now() > deadline) throw new Error('the moment to kill never came');
      await new Promise((r) => setTimeout(r, 10));
    }
    if (extraDelayMs) await new Promise((r) => setTimeout(r, extraDelayMs));
    child.kill('SIGKILL');
    await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
    // The server notices the dead client when it next talks to it (a running statement finishes
    // first); only then is the transaction rolled back. Wait for that.
    for (let i = 0; ; i++) {
      const left = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'yipanqi'`);
      if (left[0].n === 0) break;
      if (i > 6000) throw new Error('the killed import\'s session did not end');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const activeQuery = (tag: string) => async () =>
    (await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'yipanqi'
       AND state = 'active' AND query LIKE $1`, [`%${tag}%`],
    ))[0].n > 0;
  /** A batch newer than those there now has been recorded as 'receiving'. */
  const newReceivingBatch = async () => {
    const seen = (await sql<{ id: number | null }>(`SELECT max(id)::int AS id FROM batches`))[0].id ?? 0;
    return async () => (await sql(`SELECT 1 FROM batches WHERE agency = $1 AND status = 'receiving' AND id > $2`, [AGENCY, seen])).length > 0;
  };
  const lastBatch = async () => (await sql<{ id: number; status: string; error_code: string | null }>(`SELECT id, status, error_code FROM batches WHERE agency = $1 ORDER BY id DESC LIMIT 1`, [AGENCY]))[0];

  async function runToEnd(file: string): Promise<string> {
    const child = importer(file);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code, err).toBe(0);
    return out;
  }

  beforeAll(async () => {
    db = await createTestDb();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-intake-kill-'));
    await db.pool.query(`INSERT INTO agencies (code, name, kind, division, feeds) VALUES ($1, 'k', 'housing', '430102', '{housing}'), ($2, 'r', 'housing', '430102', '{housing}')`, [AGENCY, REFERENCE]);
    fileA = path.join(tmp, 'a.csv');
    fileB = path.join(tmp, 'b.csv');
    // B has the same record ids as A and other content in every record: all corrections.
    await writeHousingCsv(fileA, { records: RECORDS, encoding: 'gbk', seed: 1, badEvery: 1000 });
    await writeHousingCsv(fileB, { records: RECORDS, encoding: 'gbk', seed: 2, badEvery: 1000 });
    // What the files must leave behind, from an uninterrupted import (in this process, on one thread).
    const deps = { pool: db.pool, log: createLogger('silent'), parser: new ParsePool(0) };
    const ref = (file: string) => ingest(deps, { agency: REFERENCE, feed: 'housing', channel: 'cli', fileName: null, input: fs.createReadStream(file), actor: 'test' });
    await ref(fileA);
    expectedA = await snapshot(REFERENCE);
    await ref(fileB);
    expectedB = await snapshot(REFERENCE);
    expect(expectedA).toHaveLength(RECORDS - RECORDS / 1000);
  }, 300_000);
  afterAll(async () => {
    await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves nothing of a first load killed while its records stream in, and the re-run stores the file exactly', async () => {
    await killWhen(importer(fileA), activeQuery('intake:copy'), 150);
    const killed = await lastBatch();
    expect(killed.status).toBe('receiving');
    expect(await sql(`SELECT 1 FROM feed_records WHERE agency = $1`, [AGENCY])).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM batch_rejects WHERE agency = $1`, [AGENCY])).toHaveLength(0);
    expect(await linkJobs(db.pool, killed.id)).toBe(0);

    await killWhen(importer(fileA), await newReceivingBatch());
    expect(await sql(`SELECT 1 FROM feed_records WHERE agency = $1`, [AGENCY])).toHaveLength(0);

    const out = await runToEnd(fileA);
    expect(out).toMatch(new RegExp(`batch \\d+ committed — ${expectedA.length} accepted`));
    expect(await snapshot(AGENCY)).toEqual(expectedA);
    const done = await lastBatch();
    expect(await linkJobs(db.pool, done.id)).toBe(1);
    // The re-run's sweep marked the killed batches failed: they stored nothing.
    const killedRows = await sql<{ status: string; error_code: string }>(`SELECT status, error_code FROM batches WHERE agency = $1 AND id < $2`, [AGENCY, done.id]);
    expect(killedRows).toEqual([
      { status: 'failed', error_code: 'YPQ_INTAKE_INTERRUPTED' },
      { status: 'failed', error_code: 'YPQ_INTAKE_INTERRUPTED' },
    ]);
    expect(await sql(`SELECT count(*)::int AS n FROM batch_rejects WHERE agency = $1`, [AGENCY])).toEqual([{ n: RECORDS / 1000 }]);
  }, 300_000);

  it('keeps the stored versions whole when a batch of corrections is killed while merging', async () => {
    await killWhen(importer(fileB), activeQuery('intake:merge'));
    expect((await lastBatch()).status).toBe('receiving');
    expect(await snapshot(AGENCY)).toEqual(expectedA);
    expect(await sql(`SELECT 1 FROM feed_record_history WHERE agency = $1`, [AGENCY])).toHaveLength(0);

    await killWhen(importer(fileB), activeQuery('intake:copy'), 300);
    expect(await snapshot(AGENCY)).toEqual(expectedA);

    const out = await runToEnd(fileB);
    expect(out).toMatch(new RegExp(`${expectedB.length} accepted \\(${expectedB.length} superseded`));
    expect(await snapshot(AGENCY)).toEqual(expectedB);
    expect(await sql(`SELECT count(*)::int AS n FROM feed_record_history WHERE agency = $1`, [AGENCY])).toEqual([{ n: expectedA.length }]);
  }, 300_000);

  it('a batch killed after its commit is whole: the next run of the same file changes nothing', async () => {
    const before = (await sql<{ id: number | null }>(`SELECT max(id)::int AS id FROM batches`))[0].id ?? 0;
    const child = importer(fileB);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    let ended = '';
    child.once('exit', (code, signal) => (ended = signal ? `killed by ${signal}` : `exited with code ${code}`));
    // The process has little left to do after its commit; if it ends before the kill lands, the
    // batch is just as committed, and the rest of the test holds the same.
    // One statement: a batch newer than those before, and committed. (Reading the last batch and
    // the count of batches in two statements could see batch N-1 committed, then count batch N
    // just recorded as 'receiving', and kill the import at its start.)
    await killWhen(child, async () => (await sql(`SELECT 1 FROM batches WHERE agency = $1 AND id > $2 AND status = 'committed'`, [AGENCY, before])).length > 0, 0, true);
    const committed = await lastBatch();
    const dbg = await sql(`SELECT b.id, b.status, b.accepted, b.duplicate, j.state, j.data FROM batches b LEFT JOIN pgboss.job j ON j.name = 'link-batch' AND (j.data->>'batchId')::bigint = b.id WHERE b.agency = $1 ORDER BY b.id`, [AGENCY]);
    expect(await linkJobs(db.pool, committed.id), JSON.stringify({ committed, ended, stderr: stderr.slice(-2000), dbg })).toBe(1);
    const out = await runToEnd(fileB);
    expect(out).toMatch(new RegExp(`0 accepted .* ${expectedB.length} duplicate`));
    expect(await snapshot(AGENCY)).toEqual(expectedB);
    expect(await sql(`SELECT count(*)::int AS n FROM feed_record_history WHERE agency = $1`, [AGENCY])).toEqual([{ n: expectedA.length }]);
    // One link job per committed batch, none for the killed ones.
    const jobs = await sql<{ status: string; jobs: number }>(
      `SELECT b.status, count(j.id)::int AS jobs FROM batches b LEFT JOIN pgboss.job j ON j.name = 'link-batch' AND (j.data->>'batchId')::bigint = b.id
       WHERE b.agency = $1 GROUP BY b.id, b.status ORDER BY b.id`, [AGENCY],
    );
    for (const j of jobs) expect(j.jobs).toBe(j.status === 'committed' ? 1 : 0);
  }, 300_000);
});
