import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinationJobs } from '../src/coordination/jobs.js';
import { QUEUES, startBoss } from '../src/jobs/boss.js';
import { createLogger } from '../src/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { HEALTH, OFFICE, POLICE, call, inDays, registerGroup } from './coordination-support.js';

async function until<T>(probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the coordination cron jobs run as pg-boss workers', () => {
  let t: TestApp;
  let boss: PgBoss;
  beforeAll(async () => {
    t = await createTestApp([], { JOB_POLL_INTERVAL_MS: '500' });
    await registerGroup(t);
    const log = createLogger('silent');
    boss = await startBoss({ url: t.db.url, log, pollingIntervalMs: 500, supervise: false });
    await startCoordinationJobs(boss, { pool: t.db.pool, cfg: t.cfg, keys: t.keys, log });
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    await t.close();
  });

  it('schedules both crons, and a tick raises overdue reminders and stores the monthly figures', async () => {
    const schedules = (await boss.getSchedules()).map((s) => s.name).sort();
    expect(schedules).toEqual(expect.arrayContaining([QUEUES.coordMonthly, QUEUES.coordReminders]));

    const id = (await call(t, HEALTH, 'POST', '/v1/coordination/items', { title: '信息核对', details: '请核对' })).json().id;
    await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/assign`, { units: ['GAJ'], deadline: inDays(1) });
    await t.db.pool.query(`UPDATE coord_item_assignments SET deadline = now() - interval '1 minute' WHERE item_id = $1`, [id]);
    await boss.send(QUEUES.coordReminders, {});
    const reminder = await until(async () => (await call(t, POLICE, 'GET', '/v1/coordination/reminders?kind=item_overdue')).json().items[0]);
    expect(reminder).toMatchObject({ kind: 'item_overdue', itemId: id });

    await t.db.pool.query(`INSERT INTO agencies (code, name, kind, division, feeds, expected_per_month) VALUES ('H1', '医院', 'hospital', '370725001', '{birth}', 1)`);
    await boss.send(QUEUES.coordMonthly, {});
    const rows = await until(async () => {
      const { rows } = await t.db.pool.query("SELECT to_char(month, 'YYYY-MM') AS month FROM coord_sharing_monthly WHERE agency = 'H1' ORDER BY month");
      return rows.length === 2 ? rows : undefined;
    });
    expect(rows).toHaveLength(2); // last month and this one
    // Last month H1 supplied nothing: it is reminded.
    const late = await until(async () => (await call(t, { role: 'agency', unit: 'H1' }, 'GET', '/v1/coordination/reminders')).json().items[0]);
    expect(late).toMatchObject({ kind: 'sharing_late' });
  });
});
