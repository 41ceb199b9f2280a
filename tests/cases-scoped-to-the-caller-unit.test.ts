import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseCase } from '../src/cases/raise-case.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { COUNTY, OTHER_COUNTY, T1, T2, T_ELSEWHERE, call, newbornCase, type Who } from './cases-support.js';

describe('who sees which cases', () => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    t = await createTestApp();
    ids.t1 = (await raiseCase(t.db.pool, newbornCase({ township: T1 }))).id;
    ids.t2 = (await raiseCase(t.db.pool, newbornCase({ township: `${T2}001` }))).id;
    ids.countyQueue = (await raiseCase(t.db.pool, newbornCase({ township: COUNTY }))).id;
    ids.elsewhere = (await raiseCase(t.db.pool, newbornCase({ township: T_ELSEWHERE }))).id;
  });
  afterAll(() => t.close());

  const visible = async (who: Who, query = '') =>
    ((await call(t, who, 'GET', `/v1/cases${query}`)).json().items as { id: number }[]).map((c) => c.id).sort((a, b) => a - b);

  it('a township sees only its own cases; other ids answer 404', async () => {
    const t1 = { role: 'township', unit: T1 } as const;
    expect(await visible(t1)).toEqual([ids.t1]);
    expect(await visible(t1, `?township=${T2}`)).toEqual([]);
    for (const other of [ids.t2, ids.countyQueue, ids.elsewhere]) {
      const res = await call(t, t1, 'GET', `/v1/cases/${other}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'YPQ_NOT_FOUND', message: `case ${other} not found` });
      expect((await call(t, t1, 'POST', `/v1/cases/${other}/accept`, {})).statusCode).toBe(404);
    }
  });

  it('a county sees its townships\' cases and its own queue, not another county\'s', async () => {
    const county = { role: 'county', unit: COUNTY } as const;
    expect(await visible(county)).toEqual([ids.t1, ids.t2, ids.countyQueue].sort((a, b) => a - b));
    expect(await visible({ role: 'county', unit: OTHER_COUNTY })).toEqual([ids.elsewhere]);
    expect((await call(t, county, 'GET', `/v1/cases/${ids.elsewhere}`)).statusCode).toBe(404);
    // Its own queue is its to handle.
    expect((await call(t, county, 'POST', `/v1/cases/${ids.countyQueue}/accept`, {})).json().status).toBe('accepted');
    const queued = (await call(t, county, 'GET', `/v1/cases/${ids.countyQueue}`)).json();
    expect(queued).toMatchObject({ township: null, county: COUNTY });
  });

  it('an admin sees all; an agency none (403)', async () => {
    expect(await visible({ role: 'admin', unit: '00' })).toEqual(Object.values(ids).sort((a, b) => a - b));
    const agency = { role: 'agency', unit: 'H001' } as const;
    for (const [method, url, body] of [
      ['GET', '/v1/cases', undefined], ['GET', `/v1/cases/${ids.t1}`, undefined], ['POST', `/v1/cases/${ids.t1}/comment`, { comment: 'x' }],
      ['GET', '/v1/notifications', undefined],
    ] as const) {
      const res = await call(t, agency, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().code).toBe('YPQ_FORBIDDEN');
    }
    expect((await call(t, { role: 'township', unit: T1 }, 'GET', '/v1/notifications?status=dead')).statusCode).toBe(403);
  });

  it('audits every read and every change with its purpose', async () => {
    const t1 = { role: 'township', unit: T1, sub: 'clerk-audit' } as const;
    await call(t, t1, 'GET', '/v1/cases?purpose=daily%20work%20list');
    await call(t, t1, 'GET', `/v1/cases/${ids.t1}?purpose=contact%20the%20family`);
    await call(t, t1, 'POST', `/v1/cases/${ids.t1}/comment`, { comment: '电话未接通' });
    await call(t, t1, 'GET', `/v1/cases/${ids.t2}`); // out of scope: refused, not a read
    const { rows } = await t.db.pool.query(
      "SELECT action, object_type, object_id, purpose, detail FROM audit_log WHERE actor = 'clerk-audit' ORDER BY id",
    );
    expect(rows).toEqual([
      { action: 'list', object_type: 'case', object_id: `${ids.t1}..${ids.t1}`, purpose: 'daily work list', detail: expect.objectContaining({ ids: [ids.t1] }) },
      { action: 'read', object_type: 'case', object_id: String(ids.t1), purpose: 'contact the family', detail: null },
      { action: 'update', object_type: 'case', object_id: String(ids.t1), purpose: 'case handling', detail: { action: 'comment', from: 'open', to: 'open' } },
    ]);
    const raised = await t.db.pool.query("SELECT actor, role, purpose FROM audit_log WHERE action = 'create' AND object_id = $1", [String(ids.t1)]);
    expect(raised.rows).toEqual([{ actor: 'system:rules', role: 'system', purpose: 'case:newborn_unregistered' }]);
  });
});
