import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseCase } from '../src/cases/raise-case.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { COUNTY, OTHER_COUNTY, T1, T2, T_ELSEWHERE, call, newbornCase } from './cases-support.js';

describe('handover (委托) between townships', () => {
  let t: TestApp;
  const sender = { role: 'township', unit: T1, sub: 'clerk-li' } as const;
  const delegate = { role: 'township', unit: T_ELSEWHERE, sub: 'clerk-zhao' } as const;
  beforeAll(async () => {
    t = await createTestApp();
    await t.db.pool.query(
      "INSERT INTO notification_subscriptions (unit, channel, target) VALUES ($1, 'webhook', 'http://127.0.0.1:9/t1'), ($2, 'webhook', 'http://127.0.0.1:9/else')",
      [T1, T_ELSEWHERE],
    );
  });
  afterAll(() => t.close());

  it('goes to another township with its own deadline, both see it, and the answer returns to the sender', async () => {
    const { id } = await raiseCase(t.db.pool, newbornCase());
    expect((await call(t, delegate, 'GET', `/v1/cases/${id}`)).statusCode).toBe(404);

    const due = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const handed = await call(t, sender, 'POST', `/v1/cases/${id}/delegate`, { to: T_ELSEWHERE, request: '请核实现居住地', deadline: due });
    expect(handed.statusCode).toBe(200);
    expect(handed.json()).toMatchObject({ status: 'open', delegatedTo: T_ELSEWHERE });
    expect(handed.json().delegations).toEqual([
      expect.objectContaining({ fromUnit: T1, toUnit: T_ELSEWHERE, deadline: due, request: '请核实现居住地', status: 'pending', answer: null }),
    ]);

    // Both sides see it: in their lists and by id; the delegate's county sees it too.
    for (const who of [sender, delegate, { role: 'county', unit: OTHER_COUNTY } as const, { role: 'county', unit: COUNTY } as const]) {
      const list = await call(t, who, 'GET', '/v1/cases');
      expect(list.json().items.map((c: { id: number }) => c.id), `${who.role} ${who.unit}`).toContain(id);
    }
    // The delegate may answer and comment, not take the case over.
    expect((await call(t, delegate, 'POST', `/v1/cases/${id}/accept`, {})).statusCode).toBe(403);
    expect((await call(t, delegate, 'POST', `/v1/cases/${id}/resolve`, { comment: 'x' })).statusCode).toBe(403);
    // One pending handover at a time.
    const twice = await call(t, sender, 'POST', `/v1/cases/${id}/delegate`, { to: T2, request: 'also you' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message).toMatch(/handed over to 430103001/);

    expect((await call(t, delegate, 'POST', `/v1/cases/${id}/comment`, { comment: '已派网格员上门' })).statusCode).toBe(200);
    const answered = await call(t, delegate, 'POST', `/v1/cases/${id}/answer`, { answer: '经核实，该户现居住在本镇' });
    expect(answered.statusCode).toBe(200);
    expect(answered.json().delegatedTo).toBeNull();
    expect(answered.json().delegations[0]).toMatchObject({ status: 'answered', answer: '经核实，该户现居住在本镇', answeredBy: 'clerk-zhao' });

    // The sender sees the same history, each entry with its unit.
    const seen = (await call(t, sender, 'GET', `/v1/cases/${id}`)).json();
    expect(seen.history.map((h: { action: string; unit: string }) => [h.action, h.unit])).toEqual([
      ['raise', '-'], ['delegate', T1], ['comment', T_ELSEWHERE], ['answer', T_ELSEWHERE],
    ]);
    expect(seen.history[3]).toMatchObject({ actor: 'clerk-zhao', comment: '经核实，该户现居住在本镇', detail: { to: T1 } });
    // The delegate still sees the case it helped with, but has nothing left to answer.
    expect((await call(t, delegate, 'GET', `/v1/cases/${id}`)).statusCode).toBe(200);
    expect((await call(t, delegate, 'POST', `/v1/cases/${id}/answer`, { answer: 'again' })).statusCode).toBe(409);

    // The sender finishes the case.
    await call(t, sender, 'POST', `/v1/cases/${id}/accept`, {});
    expect((await call(t, sender, 'POST', `/v1/cases/${id}/resolve`, { comment: '已办结' })).json().status).toBe('resolved');

    // Notifications: the delegate was told of the handover, the sender of the answer.
    const { rows } = await t.db.pool.query('SELECT event, unit, message FROM notification_outbox WHERE case_id = $1 ORDER BY id', [id]);
    expect(rows.map((r) => [r.event, r.unit])).toEqual([['case.raised', T1], ['case.delegated', T_ELSEWHERE], ['case.answered', T1]]);
    expect(rows[1].message.delegation).toMatchObject({ fromUnit: T1, toUnit: T_ELSEWHERE, deadline: due });
  });

  it('withdraws a pending handover when the sender resolves or returns the case', async () => {
    const { id } = await raiseCase(t.db.pool, newbornCase());
    await call(t, sender, 'POST', `/v1/cases/${id}/delegate`, { to: T2, request: '请协助' });
    const returned = await call(t, sender, 'POST', `/v1/cases/${id}/return`, { reason: '非本乡镇户籍' });
    expect(returned.json().delegations[0].status).toBe('withdrawn');
    expect(returned.json().history.map((h: { action: string }) => h.action)).toEqual(['raise', 'delegate', 'withdraw', 'return']);
    expect((await call(t, { role: 'township', unit: T2 }, 'POST', `/v1/cases/${id}/answer`, { answer: 'late' })).statusCode).toBe(409);
  });

  it('refuses a handover to itself or with a deadline in the past', async () => {
    const { id } = await raiseCase(t.db.pool, newbornCase());
    expect((await call(t, sender, 'POST', `/v1/cases/${id}/delegate`, { to: T1, request: 'me' })).statusCode).toBe(400);
    const past = await call(t, sender, 'POST', `/v1/cases/${id}/delegate`, { to: T2, request: 'x', deadline: '2020-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().message).toMatch(/future/);
  });
});
