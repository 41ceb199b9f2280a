import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdueCases } from '../src/cases/escalation.js';
import { raiseCase } from '../src/cases/raise-case.js';
import { verifyAuditChain } from '../src/cli/audit-command.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { COUNTY, T1, call, newbornCase } from './cases-support.js';

const HOUR = 3_600_000;

describe('escalation of overdue cases', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.db.pool.query(
      "INSERT INTO notification_subscriptions (unit, channel, target) VALUES ($1, 'sms', '13800000001'), ($2, 'sms', '13800000002')",
      [COUNTY, T1],
    );
  });
  afterAll(() => t.close());

  it('escalates to the county once overdue, again after a further period, and only once per level', async () => {
    const start = new Date('2024-03-01T00:00:00Z');
    const late = await raiseCase(t.db.pool, newbornCase({ deadline: new Date(start.getTime() + 24 * HOUR) }), { now: start });
    const handled = await raiseCase(t.db.pool, newbornCase({ deadline: new Date(start.getTime() + 24 * HOUR) }), { now: start });
    const later = await raiseCase(t.db.pool, newbornCase({ deadline: new Date(start.getTime() + 100 * HOUR) }), { now: start });
    await t.db.pool.query("UPDATE cases SET status = 'resolved' WHERE id = $1", [handled.id]);
    const run = (hoursAfterStart: number) =>
      escalateOverdueCases(t.db.pool, { now: new Date(start.getTime() + hoursAfterStart * HOUR), level2AfterHours: 72 });

    expect(await run(23)).toEqual({ level1: [], level2: [] });
    expect(await run(25)).toEqual({ level1: [late.id], level2: [] });
    // At-least-once delivery: the same tick twice, or a later tick, changes nothing more.
    expect(await run(25)).toEqual({ level1: [], level2: [] });
    expect(await run(96)).toEqual({ level1: [], level2: [] });
    // Several overdue cases in one run: one audit entry each, the chain intact.
    const many = await Promise.all([1, 2, 3].map(() => raiseCase(t.db.pool, newbornCase({ deadline: new Date(start.getTime() + 90 * HOUR) }), { now: start })));
    const byId = (ids: number[]) => [...ids].sort((x, y) => x - y);
    expect(byId((await run(96)).level1)).toEqual(byId(many.map((m) => m.id)));
    const [a, b] = await Promise.all([run(97), run(97)]);
    expect([...a.level2, ...b.level2]).toEqual([late.id]);
    expect([...a.level1, ...b.level1]).toEqual([]);
    expect(await run(101)).toEqual({ level1: [later.id], level2: [] });
    expect(byId((await run(1000)).level2)).toEqual(byId([later.id, ...many.map((m) => m.id)]));

    const row = (await t.db.pool.query('SELECT escalation_level, escalated_at FROM cases WHERE id = $1', [late.id])).rows[0];
    expect(row).toEqual({ escalation_level: 2, escalated_at: new Date(start.getTime() + 97 * HOUR) });
    const history = (await t.db.pool.query("SELECT detail FROM case_history WHERE case_id = $1 AND action = 'escalate' ORDER BY id", [late.id])).rows;
    expect(history.map((h) => h.detail)).toEqual([{ level: 1, to: COUNTY }, { level: 2, to: COUNTY }]);
    // The county and the township are told at each level.
    const sent = (await t.db.pool.query("SELECT unit, message FROM notification_outbox WHERE case_id = $1 AND event = 'case.escalated' ORDER BY id", [late.id])).rows;
    expect(sent.map((s) => [s.unit, s.message.escalationLevel])).toEqual([[COUNTY, 1], [T1, 1], [COUNTY, 2], [T1, 2]]);
    const audited = (await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE object_id = $1 AND actor = 'system:escalation'", [String(late.id)])).rows[0];
    expect(audited.n).toBe(2);
    expect((await verifyAuditChain(t.db.pool)).firstBreak).toBeNull();
  });

  it('shows escalated cases as overdue, and lets the county act on them', async () => {
    const { id } = await raiseCase(t.db.pool, newbornCase({ deadline: new Date(Date.now() - HOUR) }));
    const county = { role: 'county', unit: COUNTY } as const;
    expect((await call(t, county, 'POST', `/v1/cases/${id}/accept`, {})).statusCode).toBe(403);
    await escalateOverdueCases(t.db.pool, { now: new Date(), level2AfterHours: 72 });
    const list = (await call(t, county, 'GET', '/v1/cases?overdue=true')).json().items;
    expect(list).toContainEqual(expect.objectContaining({ id, overdue: true, escalationLevel: 1 }));
    expect((await call(t, county, 'POST', `/v1/cases/${id}/accept`, { comment: '县级督办' })).json().status).toBe('accepted');
  });
});
