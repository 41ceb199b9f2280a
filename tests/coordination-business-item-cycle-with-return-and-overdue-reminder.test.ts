import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { runReminderSweep } from '../src/coordination/jobs.js';
import { raiseOverdueReminders } from '../src/coordination/reminders/overdue-reminders.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { COUNTY, HEALTH, OFFICE, OUTSIDER, POLICE, TOWN, TOWNSHIP, call, inDays, registerGroup } from './coordination-support.js';

describe('a business item from submission to archive, with a return and an overdue reminder', () => {
  let t: TestApp;
  let server: http.Server;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    await registerGroup(t);
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/township-hook`;
    expect((await call(t, OFFICE, 'PUT', `/v1/coordination/units/${TOWN}`, { name: '宝城街道', kind: 'township', notifyWebhook: url })).statusCode).toBe(200);
  });
  afterAll(async () => {
    server.close();
    await t.close();
  });

  it('runs submit → assign → handle → result → return → handle again → archive, with every unit seeing its boxes', async () => {
    const ids = (res: { statusCode: number; body: string; json(): { items: { id: number }[] } }) => {
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
      return res.json().items.map((i) => i.id);
    };

    // The health bureau submits; only it and the office see the item.
    const created = await call(t, HEALTH, 'POST', '/v1/coordination/items', {
      title: '新生儿落户信息核对', details: '请核对本月出生医学证明与户口登记信息是否一致。', requestedHandling: '公安局核对户口登记，街道入户核实',
    });
    expect(created.statusCode).toBe(201);
    const item = created.json();
    expect(item).toMatchObject({ status: 'submitted', requester: 'WJJ', county: COUNTY, you: { requester: true, office: false } });
    const id = item.id as number;
    expect((await call(t, POLICE, 'GET', `/v1/coordination/items/${id}`)).statusCode).toBe(404);
    expect((await call(t, OUTSIDER, 'GET', `/v1/coordination/items/${id}`)).statusCode).toBe(404);
    expect(ids(await call(t, OFFICE, 'GET', '/v1/coordination/items?box=todo'))).toContain(id);
    expect(ids(await call(t, HEALTH, 'GET', '/v1/coordination/items?box=in_progress'))).toContain(id);

    // Only the office assigns; not to a unit of another county; the deadline must lie ahead.
    expect((await call(t, HEALTH, 'POST', `/v1/coordination/items/${id}/assign`, { units: ['GAJ'], deadline: inDays(3) })).statusCode).toBe(403);
    const wrong = await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/assign`, { units: ['ELSE'], deadline: inDays(3) });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('YPQ_COORD_NOT_MEMBER');
    expect((await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/assign`, { units: ['GAJ'], deadline: inDays(-1) })).statusCode).toBe(400);
    const assigned = await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/assign`, { units: ['GAJ', TOWN], deadline: inDays(2), comment: '请两日内办结' });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({ status: 'in_progress', units: ['GAJ', TOWN], overdue: false });
    expect(ids(await call(t, POLICE, 'GET', '/v1/coordination/items?box=todo'))).toContain(id);
    expect(ids(await call(t, TOWNSHIP, 'GET', '/v1/coordination/items?box=todo'))).toContain(id);
    const notices = await call(t, POLICE, 'GET', '/v1/coordination/reminders');
    expect(notices.json().items).toEqual([expect.objectContaining({ kind: 'item_assigned', itemId: id })]);
    expect(notices.json().items[0].message.text).toContain(`#${id}`);

    // The police submit their result; the item waits for the township.
    expect((await call(t, HEALTH, 'POST', `/v1/coordination/items/${id}/handle`, { result: 'x' })).statusCode).toBe(403);
    const handled = await call(t, POLICE, 'POST', `/v1/coordination/items/${id}/handle`, { result: '已核对户口登记，3 条信息不一致，已更正。' });
    expect(handled.statusCode).toBe(200);
    expect(handled.json().status).toBe('in_progress');
    expect((await call(t, POLICE, 'POST', `/v1/coordination/items/${id}/handle`, { result: 'again' })).statusCode).toBe(409);
    expect(ids(await call(t, POLICE, 'GET', '/v1/coordination/items?box=todo'))).not.toContain(id);
    expect(ids(await call(t, POLICE, 'GET', '/v1/coordination/items?box=in_progress'))).toContain(id);

    // Three days later the township has not answered: it and the office are reminded, once.
    const later = new Date(Date.now() + 3 * 86_400_000);
    expect(ids(await call(t, OFFICE, 'GET', '/v1/coordination/items?overdue=true'))).toEqual([]);
    const sweep = await runReminderSweep({ pool: t.db.pool, cfg: t.cfg, keys: t.keys, log: createLogger('silent') }, later);
    expect(sweep).toEqual({ raised: 1, delivered: 2, counted: 0 }); // the township's webhook: its assignment notice and the overdue reminder
    expect(await raiseOverdueReminders(t.db.pool, later)).toBe(0);
    const townReminders = (await call(t, TOWNSHIP, 'GET', '/v1/coordination/reminders?kind=item_overdue')).json().items;
    expect(townReminders).toHaveLength(1);
    expect(townReminders[0].message).toMatchObject({ kind: 'item_overdue', itemId: id, unit: TOWN });
    expect((await call(t, OFFICE, 'GET', '/v1/coordination/reminders?kind=item_overdue')).json().items).toHaveLength(1);
    expect((await call(t, POLICE, 'GET', '/v1/coordination/reminders?kind=item_overdue')).json().items).toHaveLength(0);
    // The webhook got a JWS signed with the gateway's key, naming the item but nothing of its content.
    const overdueHook = received.find((r) => r.headers['x-yipanqi-event'] === 'coordination.item_overdue')!;
    expect(overdueHook.headers['content-type']).toBe('application/jose');
    const { payload } = await jose.compactVerify(overdueHook.body, jose.createLocalJWKSet(await t.keys.publicJwks()));
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(claims.reminder).toMatchObject({ kind: 'item_overdue', itemId: id });
    expect(overdueHook.body).not.toContain('新生儿');
    const history = (await call(t, OFFICE, 'GET', `/v1/coordination/items/${id}`)).json().events.map((e: { action: string }) => e.action);
    expect(history).toEqual(['submit', 'assign', 'handle', 'remind']);

    // Make the township's deadline pass for real: its submission is then late.
    await t.db.pool.query(`UPDATE coord_item_assignments SET deadline = now() - interval '1 hour' WHERE item_id = $1 AND unit = $2`, [id, TOWN]);
    expect(ids(await call(t, OFFICE, 'GET', '/v1/coordination/items?overdue=true'))).toEqual([id]);
    const done = await call(t, TOWNSHIP, 'POST', `/v1/coordination/items/${id}/handle`, { result: '已入户核实 3 户，信息已更新。' });
    expect(done.json()).toMatchObject({ status: 'handled', overdue: false });
    expect(done.json().assignments.find((a: { unit: string }) => a.unit === TOWN)).toMatchObject({ late: true, status: 'submitted' });

    // The result reaches the requesting unit, which finds it unsatisfactory.
    const result = (await call(t, HEALTH, 'GET', '/v1/coordination/reminders?kind=item_result')).json().items;
    expect(result).toEqual([expect.objectContaining({ itemId: id })]);
    const seen = (await call(t, HEALTH, 'GET', `/v1/coordination/items/${id}`)).json();
    expect(seen.assignments.map((a: { result: string }) => a.result)).toEqual(['已核对户口登记，3 条信息不一致，已更正。', '已入户核实 3 户，信息已更新。']);
    expect((await call(t, HEALTH, 'POST', `/v1/coordination/items/${id}/feedback`, { satisfied: false, comment: '街道未说明更新内容' })).statusCode).toBe(200);
    expect(ids(await call(t, OFFICE, 'GET', '/v1/coordination/items?box=todo'))).toContain(id);

    // The office returns it to the township with a new deadline; it cannot be archived meanwhile.
    const back = await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/return`, { reason: '请补充更新内容说明', deadline: inDays(1), units: [TOWN] });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ status: 'in_progress', returns: 1 });
    expect(back.json().assignments.find((a: { unit: string }) => a.unit === TOWN)).toMatchObject({ status: 'pending', returns: 1 });
    expect(back.json().assignments.find((a: { unit: string }) => a.unit === 'GAJ')).toMatchObject({ status: 'submitted', returns: 0 });
    const early = await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/archive`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('YPQ_COORD_ITEM_STATE');
    expect((await call(t, TOWNSHIP, 'GET', '/v1/coordination/reminders?kind=item_returned')).json().items).toHaveLength(1);

    expect((await call(t, TOWNSHIP, 'POST', `/v1/coordination/items/${id}/handle`, { result: '已补充：更正出生日期 2 户、姓名 1 户。' })).json().status).toBe('handled');
    const archived = await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/archive`, { comment: '办结' });
    expect(archived.statusCode).toBe(200);
    expect(archived.json()).toMatchObject({ status: 'archived', onTime: false, returns: 1 });
    expect(archived.json().events.map((e: { action: string }) => e.action)).toEqual(
      ['submit', 'assign', 'handle', 'remind', 'handle', 'result', 'feedback', 'return', 'handle', 'result', 'archive'],
    );
    for (const who of [HEALTH, POLICE, TOWNSHIP, OFFICE]) {
      expect(ids(await call(t, who, 'GET', '/v1/coordination/items?box=done')), who.unit).toContain(id);
      expect(ids(await call(t, who, 'GET', '/v1/coordination/items?box=todo')), who.unit).not.toContain(id);
    }
    expect((await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/return`, { reason: 'x', deadline: inDays(1) })).statusCode).toBe(409);

    // The archive finds it in Chinese, for those who took part; the handling record is public.
    const found = await call(t, POLICE, 'GET', `/v1/coordination/archive?q=${encodeURIComponent('出生日期')}`);
    expect(ids(found)).toEqual([id]);
    expect(ids(await call(t, TOWNSHIP, 'GET', `/v1/coordination/archive?q=${encodeURIComponent('结婚登记')}`))).toEqual([]);
    const record = (await call(t, HEALTH, 'GET', '/v1/coordination/archive/handling-record')).json();
    expect(record.find((r: { unit: string }) => r.unit === TOWN)).toMatchObject({ archived: 1, onTime: 0, late: 1, returned: 1, open: 0 });
    expect(record.find((r: { unit: string }) => r.unit === 'GAJ')).toMatchObject({ archived: 1, onTime: 1, late: 0, returned: 0, onTimeRate: 1 });

    // Every read of the item was audited, with the reader's unit.
    const { rows } = await t.db.pool.query(
      "SELECT DISTINCT unit FROM audit_log WHERE object_type = 'coord_item' AND object_id = $1 AND action = 'read' ORDER BY unit", [String(id)],
    );
    expect(rows.map((r) => r.unit)).toEqual([COUNTY, TOWN, 'GAJ', 'WJJ'].sort());
  });
});
