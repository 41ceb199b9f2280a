// The incremental side of matching on a real PostgreSQL: the pg-boss job links a batch as it
// arrives, a correction's new version is linked by the batch that brought it, a relink after a
// threshold change settles what was doubtful and sends back to review what was applied, and the
// command line exports the results in the contract's CSV.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSPITAL, HOUSING_AGENCY, seedAgencies } from '../fixtures/intake/agencies.js';
import { startBoss } from '../src/jobs/boss.js';
import { startLinkWorker } from '../src/matching/link-job.js';
import { relinkBatch } from '../src/matching/relink.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { idNumber, ingestJson, insertPersons, link, linkDeps, person, results, silent } from './matching-support.js';

describe('linking as batches arrive, relinking, exporting', () => {
  let db: TestDb;
  let tmp: string;
  const strict = { MATCH_LINK_THRESHOLD: '0.99999999' };

  beforeAll(async () => {
    db = await createTestDb();
    await seedAgencies(db.pool);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-links-'));
    await insertPersons(db.pool, [
      { pid: 'Q1', idNumber: idNumber('430102', '1990-03-05', 442), name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: '430102001001' },
      { pid: 'Q2', name: '欧阳娜娜', sex: 2, birthDate: '1995-08-17', hukou: '430102001003', phone: '13900001111' },
      { pid: 'Q3', name: '司马光', sex: 1, birthDate: '1970-01-01', hukou: '430102002001' },
    ]);
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the link-batch job intake enqueues is worked by the link worker of serve', async () => {
    const boss = await startBoss({ url: db.url, log: silent, pollingIntervalMs: 500, supervise: false });
    const worker = await startLinkWorker(boss, linkDeps(db.pool), { jobPollIntervalMs: 500 });
    try {
      const batch = await ingestJson(db.pool, HOSPITAL, 'prenatal', [
        { record_id: 'J1', exam_date: '2024-03-05', name: '王芳', id_type: '01', id_number: idNumber('430102', '1990-03-05', 442), birth_date: '1990-03-05' },
      ]);
      for (let i = 0; i < 60 && !(await results(db.pool, batch)).size; i++) await new Promise((r) => setTimeout(r, 500));
      expect((await results(db.pool, batch)).get('J1/subject')).toMatchObject({ status: 'linked', pid: 'Q1' });
    } finally {
      await worker.stop();
      await boss.stop({ graceful: false });
    }
  });

  it('a correction is linked by the batch that brought it; the superseded version\'s batch has nothing left to link', async () => {
    const v1 = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [{ record_id: 'K1', division: '430102001003', name: '欧阳娜娜', phone: '13900001111' }]);
    const v2 = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [{ record_id: 'K1', division: '430102005001', name: '欧阳娜娜', phone: '13900001111' }]);
    // The first batch's job runs late, after the correction was stored: its record is no longer its own.
    expect((await link(db.pool, v1)).persons).toBe(0);
    expect((await link(db.pool, v2)).persons).toBe(1);
    expect((await results(db.pool, v2)).get('K1/subject')).toMatchObject({ status: 'linked', pid: 'Q2' });
    expect(await person(db.pool, 'Q2')).toMatchObject({ residence_division: '430102005001' });
  });

  it('relink: a doubtful decision settled by new thresholds is applied; an applied one undone goes to review', async () => {
    const batch = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [{ record_id: 'K2', division: '430102002001', name: '司马光' }]);
    await link(db.pool, batch, strict);
    expect((await results(db.pool, batch)).get('K2/subject')).toMatchObject({ status: 'review', applied_at: null });

    const loose = await relinkBatch(linkDeps(db.pool), batch, 'relink:test');
    expect(loose).toMatchObject({ persons: 1, changed: 1, toReview: 0 });
    const settled = (await results(db.pool, batch)).get('K2/subject')!;
    expect(settled).toMatchObject({ status: 'linked', pid: 'Q3', applied_at: expect.any(Date) });
    expect(await person(db.pool, 'Q3')).toMatchObject({ residence_division: '430102002001' });
    const history = (await db.pool.query('SELECT status, replaced_by FROM link_result_history WHERE result_id = $1', [settled.id])).rows;
    expect(history).toEqual([{ status: 'review', replaced_by: 'relink:test' }]);

    // Stricter again: the link was applied, so it is not silently undone.
    const back = await relinkBatch(linkDeps(db.pool, strict), batch, 'relink:test');
    expect(back).toMatchObject({ changed: 1, toReview: 1 });
    expect((await results(db.pool, batch)).get('K2/subject')).toMatchObject({ status: 'review', rule: 'relink-changed-after-apply' });
  });

  it('yipanqi links export writes the contract CSV, rejected records included', async () => {
    await link(db.pool, await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [
      { record_id: 'K3', division: '430102001001', name: '王芳', id_number: idNumber('430102', '1990-03-05', 442) },
    ]));
    await db.pool.query(`INSERT INTO batches (agency, feed, channel, actor, status, finished_at) VALUES ($1, 'housing', 'cli', 'test', 'committed', now())`, [HOUSING_AGENCY]);
    const rejectBatch = (await db.pool.query('SELECT max(id) AS id FROM batches')).rows[0].id;
    await db.pool.query(`INSERT INTO batch_rejects (agency, batch_id, position, seq, record_id, code, message) VALUES ($1, $2, 2, 0, 'K9', 'REQUIRED', 'name is empty')`,
      [HOUSING_AGENCY, rejectBatch]);
    const out = path.join(tmp, 'links.csv');
    const r = spawnSync(process.execPath, ['bin/yipanqi.mjs', 'links', 'export', '--out', out], {
      env: { ...process.env, DATABASE_URL: db.url, YIPANQI_DATA_DIR: tmp, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('feed,record_id,role,status,pid,score');
    expect(lines).toContain('housing,K9,subject,rejected,,');
    expect(lines.find((l) => l.startsWith('housing,K3,subject,linked,Q1,'))).toBeDefined();
    expect(lines.find((l) => l.startsWith('prenatal,J1,subject,linked,Q1,'))).toMatch(/,1(\.0+)?$|,0\.9\d+$/);
    // Only current versions: K1 once, as its correction decided it.
    expect(lines.filter((l) => l.startsWith('housing,K1,'))).toHaveLength(1);
  });
});
