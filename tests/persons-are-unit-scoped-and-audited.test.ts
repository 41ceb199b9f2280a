import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';

describe('GET /v1/persons/:pid', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.db.pool.query(`INSERT INTO persons (pid, name, name_norm, name_pinyin, sex, hukou_division, residence_division)
      VALUES ('P1', '张伟', '张伟', 'zhangwei', 1, '430102001001', '430102001002'),
             ('P2', '李娜', '李娜', 'lina', 2, '430103002001', '430103002001')`);
  });
  afterAll(() => t.close());

  const get = async (claims: { role: string; unit: string }, pid: string) =>
    t.app.inject({ url: `/v1/persons/${pid}?purpose=test`, headers: { authorization: `Bearer ${await t.token(claims)}` } });

  it('shows a township its own residents, a county its townships\', and an admin everyone', async () => {
    expect((await get({ role: 'township', unit: '430102001' }, 'P1')).json()).toMatchObject({ pid: 'P1', name: '张伟' });
    expect((await get({ role: 'county', unit: '430102' }, 'P1')).statusCode).toBe(200);
    expect((await get({ role: 'admin', unit: '00' }, 'P2')).statusCode).toBe(200);
  });

  it('answers 404 for another township\'s person and 403 for an agency', async () => {
    expect((await get({ role: 'township', unit: '430102001' }, 'P2')).statusCode).toBe(404);
    expect((await get({ role: 'county', unit: '430102' }, 'P2')).statusCode).toBe(404);
    const agency = await get({ role: 'agency', unit: 'H001' }, 'P1');
    expect(agency.statusCode).toBe(403);
    expect(agency.json().code).toBe('YPQ_FORBIDDEN');
  });

  it('records every successful read in the hash-chained audit log', async () => {
    const before = (await t.db.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
    await get({ role: 'township', unit: '430102001' }, 'P1');
    const { rows } = await t.db.pool.query('SELECT * FROM audit_log ORDER BY id DESC LIMIT 1');
    expect((await t.db.pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(before + 1);
    expect(rows[0]).toMatchObject({ actor: 'township:430102001', unit: '430102001', action: 'read', object_type: 'person', object_id: 'P1', purpose: 'test' });
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
