import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseCase } from '../src/cases/raise-case.js';
import { verifyAuditChain } from '../src/cli/audit-command.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { T1, call, newbornCase } from './cases-support.js';

const run = promisify(execFile);

describe('yipanqi audit verify', () => {
  let t: TestApp;
  let entries: number[];
  beforeAll(async () => {
    t = await createTestApp();
    const { id } = await raiseCase(t.db.pool, newbornCase());
    const who = { role: 'township', unit: T1 } as const;
    await call(t, who, 'GET', `/v1/cases/${id}`);
    await call(t, who, 'POST', `/v1/cases/${id}/accept`, {});
    await call(t, who, 'GET', '/v1/cases');
    await call(t, who, 'POST', `/v1/cases/${id}/resolve`, { comment: 'done' });
    entries = (await t.db.pool.query('SELECT id FROM audit_log ORDER BY id')).rows.map((r) => r.id);
  });
  afterAll(() => t.close());

  const cli = (...args: string[]) =>
    run('node', ['bin/yipanqi.mjs', 'audit', 'verify', ...args], { env: { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' } })
      .then((r) => ({ code: 0, ...r }))
      .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

  it('finds an intact chain intact', async () => {
    expect(entries).toHaveLength(5);
    const head = (await t.db.pool.query('SELECT hash FROM audit_log WHERE id = $1', [entries[4]])).rows[0].hash;
    expect(await verifyAuditChain(t.db.pool)).toEqual({ entries: 5, firstBreak: null, head: { id: entries[4], hash: head } });
    const r = await cli();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit chain intact: 5 entries');
    expect(r.stdout).toContain(`head: ${entries[4]}:${head}`);
  });

  it('names an entry changed behind its back, and exits non-zero', async () => {
    const target = entries[2];
    const before = (await t.db.pool.query('SELECT purpose FROM audit_log WHERE id = $1', [target])).rows[0].purpose;
    await t.db.pool.query("UPDATE audit_log SET purpose = 'nothing to see' WHERE id = $1", [target]);
    expect((await verifyAuditChain(t.db.pool)).firstBreak).toEqual({ id: target, prevId: entries[1], kind: 'changed' });
    const r = await cli();
    expect(r, JSON.stringify(r)).toMatchObject({ code: 1 });
    expect(r.stderr).toContain(`entry ${target} was changed after it was written`);
    await t.db.pool.query('UPDATE audit_log SET purpose = $2 WHERE id = $1', [target, before]);
    expect((await verifyAuditChain(t.db.pool)).firstBreak).toBeNull();
  });

  it('tells, given a head printed earlier, that the newest entries were cut off — which the chain alone cannot show', async () => {
    await t.db.pool.query("SELECT ypq_audit('t', 'admin', '43', 'read', 'case', '1', 'test', NULL)");
    const printed = /head: (\d+:[0-9a-f]{64})/.exec((await cli()).stdout)![1];
    expect(Number(printed.split(':')[0])).toBeGreaterThan(entries[4]);
    const ok = await cli('--head', printed);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('the recorded head');
    // An older head stays valid as the chain grows; the same entry with another hash does not.
    const older = (await t.db.pool.query('SELECT hash FROM audit_log WHERE id = $1', [entries[4]])).rows[0].hash;
    expect((await cli('--head', `${entries[4]}:${older}`)).code).toBe(0);
    const rewritten = await cli('--head', `${entries[4]}:${(await verifyAuditChain(t.db.pool)).head!.hash}`);
    expect(rewritten.code).toBe(1);
    expect(rewritten.stderr).toContain('now has another hash');
    await t.db.pool.query('DELETE FROM audit_log WHERE id = $1', [Number(printed.split(':')[0])]);
    expect((await verifyAuditChain(t.db.pool)).firstBreak).toBeNull(); // the log alone looks intact
    const cut = await cli('--head', printed);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain(`entry ${printed.split(':')[0]}, the head recorded earlier, is gone`);
    const bad = await cli('--head', 'yesterday');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--head must be ENTRY:HASH');
  });

  it('finds where entries were deleted, the first one included', async () => {
    await t.db.pool.query('DELETE FROM audit_log WHERE id = $1', [entries[3]]);
    expect((await verifyAuditChain(t.db.pool)).firstBreak).toEqual({ id: entries[4], prevId: entries[2], kind: 'deleted' });
    const r = await cli();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`entry ${entries[4]} does not follow entry ${entries[2]}`);

    await t.db.pool.query('DELETE FROM audit_log WHERE id = $1', [entries[0]]);
    expect((await verifyAuditChain(t.db.pool)).firstBreak).toEqual({ id: entries[1], prevId: 0, kind: 'deleted' });
  });
});
