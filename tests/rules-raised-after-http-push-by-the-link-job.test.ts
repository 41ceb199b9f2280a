// End to end on real PostgreSQL: an agency pushes over HTTP, the link worker of serve links and
// applies the batch and runs the rules in the same job, and the township reads the case through
// the API. A second delivery of the same job raises nothing more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSING_AGENCY, seedAgencies } from '../fixtures/intake/agencies.js';
import { startBoss } from '../src/jobs/boss.js';
import { startLinkWorker } from '../src/matching/link-job.js';
import { runRulesForBatch } from '../src/rules/run-rules.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { idNumber, insertPersons, linkDeps, silent } from './matching-support.js';

const T1 = '430102001';
const T2 = '430102002';
const id = idNumber('430102', '1990-03-05', 442);

describe('rules after an HTTP push', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedAgencies(t.db.pool);
    await insertPersons(t.db.pool, [{ pid: 'Q1', idNumber: id, name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: `${T1}001` }]);
  });
  afterAll(() => t.close());

  it('the case is readable by the residence township soon after the push, and only once', async () => {
    const settings = { newbornRegistrationDays: 30 };
    const boss = await startBoss({ url: t.db.url, log: silent, pollingIntervalMs: 500, supervise: false });
    const worker = await startLinkWorker(boss, linkDeps(t.db.pool), { jobPollIntervalMs: 500, rules: { settings } });
    let batchId: number;
    try {
      const agency = await t.token({ role: 'agency', unit: HOUSING_AGENCY, feeds: ['housing'] });
      const push = await t.app.inject({
        method: 'POST', url: '/v1/feeds/housing', headers: { authorization: `Bearer ${agency}`, 'content-type': 'application/json' },
        payload: [{ record_id: 'H1', property_id: 'X1', division: `${T2}003`, address: '解放路1号', name: '王芳', id_number: id, occupancy: 'tenant', moved_in: '2024-03-01' }],
      });
      expect(push.statusCode).toBe(201);
      batchId = push.json().id;
      const town = await t.token({ role: 'township', unit: T2 });
      let items: { rule: string; id: number }[] = [];
      for (let i = 0; i < 60 && !items.length; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const res = await t.app.inject({ method: 'GET', url: '/v1/cases?rule=new_resident', headers: { authorization: `Bearer ${town}` } });
        items = res.json().items;
      }
      expect(items).toHaveLength(1);
      const other = await t.token({ role: 'township', unit: T1 });
      const hidden = await t.app.inject({ method: 'GET', url: `/v1/cases/${items[0].id}`, headers: { authorization: `Bearer ${other}` } });
      expect(hidden.statusCode).toBe(404);
    } finally {
      await worker.stop();
      await boss.stop({ graceful: false });
    }
    const again = await runRulesForBatch({ pool: t.db.pool, log: silent, settings }, batchId!);
    expect(again.raised).toBe(0);
    expect((await t.db.pool.query("SELECT count(*)::int AS n FROM cases WHERE rule = 'new_resident'")).rows[0].n).toBe(1);
  });
});
