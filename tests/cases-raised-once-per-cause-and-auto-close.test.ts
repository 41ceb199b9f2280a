import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCaseForCause, raiseCase, raiseCases } from '../src/cases/raise-case.js';
import { verifyAuditChain } from '../src/cli/audit-command.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { T1, newbornCase } from './cases-support.js';

describe('a case is raised once per cause', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.drop());

  const count = async (key: string) =>
    (await db.pool.query('SELECT count(*)::int AS n FROM cases WHERE dedup_key = $1', [key])).rows[0].n as number;

  it('returns the existing case when the same cause is raised again, also concurrently', async () => {
    const input = newbornCase();
    const first = await raiseCase(db.pool, input);
    const again = await raiseCase(db.pool, { ...input, payload: { birthRecordId: 'other' } });
    expect(again).toEqual({ id: first.id, created: false, status: 'open' });

    const racing = newbornCase();
    const results = await Promise.all(Array.from({ length: 8 }, () => raiseCase(db.pool, racing)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await count(racing.dedupKey)).toBe(1);
    // One raise in the history and one case.raised audit entry, not eight.
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE object_type = 'case' AND object_id = $1", [String(results[0].id)]);
    expect(rows[0].n).toBe(1);
  });

  it('does not raise a handled cause again, even once its case is closed', async () => {
    const input = newbornCase();
    const { id } = await raiseCase(db.pool, input);
    await db.pool.query("UPDATE cases SET status = 'closed', closure = 'archived', closed_at = now() WHERE id = $1", [id]);
    expect(await raiseCase(db.pool, input)).toEqual({ id, created: false, status: 'closed' });
    expect(await count(input.dedupKey)).toBe(1);
  });

  it('keeps the same key apart per rule', async () => {
    const a = await raiseCase(db.pool, newbornCase({ dedupKey: 'person:P1' }));
    const b = await raiseCase(db.pool, newbornCase({ dedupKey: 'person:P1', rule: 'new_resident', payload: {} }));
    expect(b.created).toBe(true);
    expect(b.id).not.toBe(a.id);
  });

  it('raises many causes at once as it raises one: once per cause, with history, notice and audit entry each', async () => {
    await db.pool.query("INSERT INTO notification_subscriptions (unit, channel, target) VALUES ($1, 'webhook', 'http://127.0.0.1:9/bulk')", [T1]);
    const earlier = newbornCase();
    const before = await raiseCase(db.pool, earlier);
    const fresh = [newbornCase(), newbornCase(), newbornCase()];
    // A cause raised before, and a cause given twice in the list: each once.
    const results = await raiseCases(db.pool, [fresh[0], earlier, fresh[1], fresh[0], fresh[2]]);
    expect(results.map((r) => r.created)).toEqual([true, false, true, false, true]);
    expect(results[1]).toEqual({ id: before.id, created: false, status: 'open' });
    expect(results[3].id).toBe(results[0].id);
    const ids = [results[0].id, results[2].id, results[4].id];
    expect(new Set(ids).size).toBe(3);
    for (const input of fresh) expect(await count(input.dedupKey)).toBe(1);
    const perCase = async (sql: string) =>
      (await db.pool.query<{ id: string; n: number }>(sql, [ids.map(String)])).rows.map((r) => `${r.id}:${r.n}`).sort();
    const once = ids.map((id) => `${id}:1`).sort();
    expect(await perCase("SELECT case_id::text AS id, count(*)::int AS n FROM case_history WHERE case_id::text = ANY($1) AND action = 'raise' GROUP BY 1")).toEqual(once);
    expect(await perCase("SELECT object_id AS id, count(*)::int AS n FROM audit_log WHERE object_type = 'case' AND object_id = ANY($1) GROUP BY 1")).toEqual(once);
    expect(await perCase("SELECT case_id::text AS id, count(*)::int AS n FROM notification_outbox WHERE case_id::text = ANY($1) AND event = 'case.raised' GROUP BY 1")).toEqual(once);
    const row = (await db.pool.query('SELECT subjects, payload, source, township, status FROM cases WHERE id = $1', [ids[2]])).rows[0];
    expect(row).toEqual({ subjects: fresh[2].subjects, payload: fresh[2].payload, source: fresh[2].source, township: T1, status: 'open' });
    expect(await verifyAuditChain(db.pool)).toMatchObject({ firstBreak: null });
    expect(await raiseCases(db.pool, [])).toEqual([]);
  });

  it('joins the caller\'s transaction when given a client: a rollback leaves no case behind', async () => {
    const input = newbornCase();
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      expect((await raiseCase(client, input)).created).toBe(true);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await count(input.dedupKey)).toBe(0);
  });
});

describe('auto-close when the cause disappears', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.drop());

  it('closes an unhandled case with the reason in its history, and is idempotent', async () => {
    const input = newbornCase();
    const { id } = await raiseCase(db.pool, input);
    await db.pool.query(
      "INSERT INTO case_delegations (case_id, from_unit, to_unit, deadline, request) VALUES ($1, $2, '430102009', now() + interval '1 day', 'please check')",
      [id, T1],
    );
    const reason = 'household registration received (police record R77)';
    expect(await closeCaseForCause(db.pool, { rule: input.rule, dedupKey: input.dedupKey, reason })).toEqual({ id });
    expect(await closeCaseForCause(db.pool, { rule: input.rule, dedupKey: input.dedupKey, reason })).toBeNull();

    const c = (await db.pool.query('SELECT status, closure, close_reason FROM cases WHERE id = $1', [id])).rows[0];
    expect(c).toEqual({ status: 'closed', closure: 'cause_gone', close_reason: reason });
    const history = (await db.pool.query('SELECT action, comment FROM case_history WHERE case_id = $1 ORDER BY id', [id])).rows;
    expect(history).toEqual([
      { action: 'raise', comment: null },
      { action: 'withdraw', comment: null },
      { action: 'auto_close', comment: reason },
    ]);
    expect((await db.pool.query('SELECT status FROM case_delegations WHERE case_id = $1', [id])).rows[0].status).toBe('withdrawn');
  });

  it('raises a new case when a cause that disappeared comes back', async () => {
    const input = newbornCase();
    const first = await raiseCase(db.pool, input);
    await closeCaseForCause(db.pool, { rule: input.rule, dedupKey: input.dedupKey, reason: 'gone' });
    const second = await raiseCase(db.pool, input);
    expect(second.created).toBe(true);
    expect(second.id).not.toBe(first.id);
  });

  it('leaves a resolved case alone, and does nothing for an unknown cause', async () => {
    const input = newbornCase();
    const { id } = await raiseCase(db.pool, input);
    await db.pool.query("UPDATE cases SET status = 'resolved' WHERE id = $1", [id]);
    expect(await closeCaseForCause(db.pool, { rule: input.rule, dedupKey: input.dedupKey, reason: 'gone' })).toBeNull();
    expect((await db.pool.query('SELECT status FROM cases WHERE id = $1', [id])).rows[0].status).toBe('resolved');
    expect(await closeCaseForCause(db.pool, { rule: input.rule, dedupKey: 'never-raised', reason: 'gone' })).toBeNull();
    await expect(closeCaseForCause(db.pool, { rule: input.rule, dedupKey: input.dedupKey, reason: ' ' })).rejects.toMatchObject({ code: 'YPQ_BAD_REQUEST' });
  });
});
