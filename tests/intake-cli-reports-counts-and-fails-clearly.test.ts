// `yipanqi feed import` as an operator meets it: a real child process on a real database.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './helpers/db.js';
import { HOUSING_AGENCY, linkJobs, seedAgencies } from '../fixtures/intake/agencies.js';
import { housingCsv } from '../fixtures/intake/housing-generator.js';

describe('yipanqi feed import', () => {
  let db: TestDb;
  let tmp: string;
  const file = (name: string, body: string | Buffer) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, body);
    return p;
  };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/yipanqi.mjs', 'feed', 'import', ...args], {
      env: { ...process.env, DATABASE_URL: db.url, YIPANQI_DATA_DIR: tmp, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 300_000, // linking and the rules run inline too; a loaded CI machine is slow
    });

  beforeAll(async () => {
    db = await createTestDb();
    await seedAgencies(db.pool);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-intake-cli-'));
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('imports each file as a batch and prints its counts, the first rejects and where the rest are', async () => {
    const gbk = file('住户2024年3月.csv', housingCsv({ records: 1000, encoding: 'gbk', badEvery: 50 }));
    const r = run('--feed', 'housing', '--agency', HOUSING_AGENCY, gbk, gbk);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const [first, second] = lines.filter((l) => l.includes(': batch '));
    expect(first).toMatch(/住户2024年3月\.csv: batch (\d+) committed — 980 accepted \(0 superseded an earlier version\), 20 rejected, 0 duplicate, of 1000 records/);
    expect(second).toMatch(/batch \d+ committed — 0 accepted .*20 rejected, 980 duplicate/);
    expect(lines.filter((l) => /^ {2}position \d+ \[HS\d+\] division: DIVISION_CODE — /.test(l))).toHaveLength(20);
    const id = Number(/batch (\d+)/.exec(first)![1]);
    expect(r.stdout).toContain(`… 10 more rejected records: GET /v1/batches/${id}/rejects?format=csv`);
    const batch = (await db.pool.query('SELECT channel, actor, file_name, format, bytes, sha256 FROM batches WHERE id = $1', [id])).rows[0];
    expect(batch).toMatchObject({ channel: 'cli', file_name: '住户2024年3月.csv', format: 'csv', bytes: fs.statSync(gbk).size });
    expect(batch.actor).toMatch(/^cli:/);
    expect(await linkJobs(db.pool, id)).toBe(1);
    // Linked, applied and put through the rules in the same run.
    expect(r.stdout).toMatch(/ {2}linked: \d+ persons/);
    // No model was estimated yet: said once, with what to do.
    expect(r.stdout.split('built-in starting model')).toHaveLength(2);
    expect(r.stdout).toContain('yipanqi links estimate');
    expect(r.stdout).toMatch(/ {2}cases: \d+ raised, \d+ closed/);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM link_results WHERE batch_id = $1', [id])).rows[0].n).toBeGreaterThan(0);
  });

  it('fails with a clear message and a non-zero exit: missing file, unknown agency, feed not allowed, unknown feed', () => {
    const ok = file('ok.csv', housingCsv({ records: 2, seed: 5 }));
    const missing = run('--feed', 'housing', '--agency', HOUSING_AGENCY, ok, path.join(tmp, 'nope.csv'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/file not found: .*nope\.csv/);

    const ghost = run('--feed', 'housing', '--agency', 'GHOST', ok);
    expect(ghost.status).not.toBe(0);
    expect(ghost.stderr).toContain('"GHOST" is not a registered member agency');

    const notAllowed = run('--feed', 'birth', '--agency', HOUSING_AGENCY, ok);
    expect(notAllowed.status).not.toBe(0);
    expect(notAllowed.stderr).toContain(`Agency "${HOUSING_AGENCY}" is not registered to send the birth feed (it may send: housing)`);

    const badFeed = run('--feed', 'parking', '--agency', HOUSING_AGENCY, ok);
    expect(badFeed.status).not.toBe(0);
    expect(badFeed.stderr).toMatch(/parking.*invalid|invalid.*parking/i);
  });

  it('goes on past a file that cannot be read, reports it, and exits non-zero', async () => {
    const broken = file('broken.csv', 'this is not,the header\nof a housing file\n');
    const good = file('good.csv', housingCsv({ records: 5, seed: 77 }));
    const r = run('--feed', 'housing', '--agency', HOUSING_AGENCY, broken, good);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/broken\.csv: batch \d+ FAILED — YPQ_UNPARSEABLE: The file cannot be read: .*required column/);
    expect(r.stdout).toMatch(/good\.csv: batch \d+ committed — 5 accepted/);
    expect(r.stderr).toContain('1 of 2 files could not be read');
  });

  it('has help', () => {
    const r = spawnSync(process.execPath, ['bin/yipanqi.mjs', 'feed', 'import', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--feed <kind>');
    expect(r.stdout).toContain('--agency <code>');
  });
});
