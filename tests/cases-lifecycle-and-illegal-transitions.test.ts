import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseCase } from '../src/cases/raise-case.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { COUNTY, T1, T2, call, newbornCase } from './cases-support.js';

describe('case lifecycle', () => {
  let t: TestApp;
  const township = { role: 'township', unit: T1 } as const;
  const county = { role: 'county', unit: COUNTY } as const;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('goes open → accepted → resolved → closed, with every step in the history', async () => {
    const input = newbornCase({ explanation: { method: 'probabilistic', weights: { name: 4.2, birthDate: 3.1 } } });
    const raised = await raiseCase(t.db.pool, input);
    expect(raised).toMatchObject({ created: true, status: 'open' });

    const got = await call(t, township, 'GET', `/v1/cases/${raised.id}`);
    expect(got.statusCode).toBe(200);
    const c = got.json();
    expect(c).toMatchObject({
      id: raised.id, rule: 'newborn_unregistered', status: 'open', township: T1, county: COUNTY,
      title: { zh: '新生儿未落户' }, subjects: input.subjects, payload: input.payload,
      explanation: input.explanation, source: input.source, escalationLevel: 0, overdue: false, delegatedTo: null,
    });
    // The catalog's 30 days.
    expect(Date.parse(c.deadline) - Date.parse(c.createdAt)).toBe(30 * 86_400_000);
    expect(c.history).toEqual([expect.objectContaining({ action: 'raise', actor: 'system:rules', role: 'system' })]);

    expect((await call(t, township, 'POST', `/v1/cases/${raised.id}/accept`, { comment: '已联系家属' })).json().status).toBe('accepted');
    const resolved = await call(t, { ...township, sub: 'clerk-wang' }, 'POST', `/v1/cases/${raised.id}/resolve`, { comment: '已办理落户' });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json().status).toBe('resolved');

    // Closing is the county's (archive after supervision), not the township's.
    expect((await call(t, township, 'POST', `/v1/cases/${raised.id}/close`, {})).statusCode).toBe(403);
    const closed = await call(t, county, 'POST', `/v1/cases/${raised.id}/close`, { comment: '归档' });
    expect(closed.json()).toMatchObject({ status: 'closed', closure: 'archived', closeReason: '归档' });
    expect(closed.json().closedAt).not.toBeNull();
    expect(closed.json().history.map((h: { action: string }) => h.action)).toEqual(['raise', 'accept', 'resolve', 'close']);
    expect(closed.json().history[2]).toMatchObject({ actor: 'clerk-wang', role: 'township', unit: T1, comment: '已办理落户' });
  });

  it('goes open → returned (with its reason) → closed', async () => {
    const { id } = await raiseCase(t.db.pool, newbornCase());
    const returned = await call(t, township, 'POST', `/v1/cases/${id}/return`, { reason: '户籍不在本乡镇' });
    expect(returned.json()).toMatchObject({ status: 'returned', returnReason: '户籍不在本乡镇' });
    expect((await call(t, county, 'POST', `/v1/cases/${id}/close`, {})).json()).toMatchObject({ status: 'closed', returnReason: '户籍不在本乡镇' });
  });

  it('answers illegal transitions with 409 and a clear message', async () => {
    const { id } = await raiseCase(t.db.pool, newbornCase());
    const early = await call(t, township, 'POST', `/v1/cases/${id}/resolve`, { comment: 'done' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toEqual({
      statusCode: 409, code: 'YPQ_CASE_STATE', error: 'Conflict',
      message: `Case ${id} is open: cannot resolve: accept the case before resolving it`,
    });
    await call(t, township, 'POST', `/v1/cases/${id}/accept`, {});
    expect((await call(t, township, 'POST', `/v1/cases/${id}/accept`, {})).json().message).toMatch(/is accepted: cannot accept/);
    expect((await call(t, county, 'POST', `/v1/cases/${id}/close`, {})).statusCode).toBe(409);
    const answer = await call(t, { role: 'township', unit: T2 }, 'POST', `/v1/cases/${id}/answer`, { answer: 'x' });
    expect(answer.statusCode).toBe(404); // T2 was never handed the case: it cannot see it
    expect((await call(t, township, 'POST', `/v1/cases/${id}/answer`, { answer: 'x' })).json().code).toBe('YPQ_CASE_STATE');

    await call(t, township, 'POST', `/v1/cases/${id}/return`, { reason: 'wrong person' });
    await call(t, county, 'POST', `/v1/cases/${id}/close`, {});
    const late = await call(t, township, 'POST', `/v1/cases/${id}/comment`, { comment: 'one more thing' });
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toMatch(/closed case takes no comments/);
  });

  it('validates action bodies', async () => {
    const { id } = await raiseCase(t.db.pool, newbornCase());
    for (const [action, body] of [['return', {}], ['return', { reason: '' }], ['resolve', {}], ['comment', { comment: 'x', extra: 1 }], ['delegate', { to: '4301', request: 'x' }]] as const) {
      const res = await call(t, township, 'POST', `/v1/cases/${id}/${action}`, body);
      expect(res.statusCode, `${action} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().code).toBe('YPQ_VALIDATION');
    }
    expect((await call(t, township, 'GET', '/v1/cases/abc')).statusCode).toBe(400);
    expect((await call(t, township, 'GET', '/v1/cases/999999')).statusCode).toBe(404);
  });

  it('refuses payload fields the rule does not allow, unknown rules and unroutable codes', async () => {
    await expect(raiseCase(t.db.pool, newbornCase({ payload: { birthRecordId: 'B', motherPhone: '13800000000' } }))).rejects.toMatchObject({
      code: 'YPQ_CASE_PAYLOAD', message: expect.stringContaining('motherPhone'),
    });
    await expect(raiseCase(t.db.pool, newbornCase({ rule: 'no_such_rule' as never }))).rejects.toMatchObject({ code: 'YPQ_UNKNOWN_RULE' });
    await expect(raiseCase(t.db.pool, newbornCase({ township: '4301' }))).rejects.toMatchObject({ code: 'YPQ_CASE_ROUTING' });
  });

  it('lists with filters, soonest deadline first, a page at a time', async () => {
    const base = Date.now();
    const ids: number[] = [];
    for (const days of [5, 1, 3]) {
      ids.push((await raiseCase(t.db.pool, newbornCase({ rule: 'new_resident', payload: {}, township: T2, deadline: new Date(base + days * 86_400_000) }))).id);
    }
    const overdue = (await raiseCase(t.db.pool, newbornCase({ rule: 'new_resident', payload: {}, township: T2, deadline: new Date(base - 3_600_000) }))).id;
    const t2 = { role: 'township', unit: T2 } as const;

    const first = await call(t, t2, 'GET', '/v1/cases?rule=new_resident&limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((c: { id: number }) => c.id)).toEqual([overdue, ids[1]]);
    const second = await call(t, t2, 'GET', `/v1/cases?rule=new_resident&limit=2&cursor=${first.json().nextCursor}`);
    expect(second.json().items.map((c: { id: number }) => c.id)).toEqual([ids[2], ids[0]]);
    expect(second.json().nextCursor).toBeNull();

    const desc = await call(t, t2, 'GET', '/v1/cases?rule=new_resident&sort=-deadline');
    expect(desc.json().items.map((c: { id: number }) => c.id)).toEqual([ids[0], ids[2], ids[1], overdue]);

    const late = await call(t, t2, 'GET', '/v1/cases?overdue=true');
    expect(late.json().items).toEqual([expect.objectContaining({ id: overdue, overdue: true })]);
    await call(t, t2, 'POST', `/v1/cases/${ids[1]}/accept`, {});
    const accepted = await call(t, county, 'GET', `/v1/cases?status=accepted&township=${T2}`);
    expect(accepted.json().items.map((c: { id: number }) => c.id)).toEqual([ids[1]]);
    const two = await call(t, county, 'GET', `/v1/cases?status=accepted&status=open&township=${T2}`);
    expect(two.json().items).toHaveLength(4);
    expect((await call(t, t2, 'GET', '/v1/cases?cursor=bogus')).statusCode).toBe(400);
    expect((await call(t, t2, 'GET', '/v1/cases?status=pending')).statusCode).toBe(400);
  });
});
