import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, createUser } from '../src/coordination/users/user-service.js';
import { hashPassword, verifyPassword } from '../src/coordination/users/password.js';
import { createLogger } from '../src/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';

describe('users: login, lockout, disabling and password changes', () => {
  let t: TestApp;
  const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username, password } });
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  beforeAll(async () => {
    t = await createTestApp([], { PASSWORD_SCRYPT_COST: '1024', LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '10' });
    await createUser(t.db.pool, t.cfg, CLI_ACTOR, { username: 'admin', password: 'Adm1n-pass-long', role: 'admin', unit: '00', displayName: '系统管理员' });
  });
  afterAll(() => t.close());

  it('hashes with scrypt and checks in constant time', async () => {
    const h = await hashPassword('secret-Passw0rd', 1024);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('secret-Passw0rd', h)).toBe(true);
    expect(await verifyPassword('secret-passw0rd', h)).toBe(false);
    const { rows } = await t.db.pool.query("SELECT password_hash FROM users WHERE username = 'admin'");
    expect(rows[0].password_hash).not.toContain('Adm1n');
  });

  it('logs in, and the token it issues works with the role and unit of the user', async () => {
    const res = await login('admin', 'Adm1n-pass-long');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', user: { username: 'admin', role: 'admin', unit: '00', active: true } });
    expect(JSON.stringify(body)).not.toMatch(/password_hash|scrypt/);
    const made = await t.app.inject({
      method: 'POST', url: '/v1/coordination/users', headers: as(body.token),
      payload: { username: 'clerk.li', password: 'Clerk-pass-123', role: 'township', unit: '370725001', displayName: '李' },
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ username: 'clerk.li', role: 'township', unit: '370725001' });
    // A role and unit that do not fit, a weak password and a taken name are refused.
    for (const [payload, code] of [
      [{ username: 'bad.unit', password: 'Clerk-pass-123', role: 'township', unit: '370725' }, 'YPQ_VALIDATION'],
      [{ username: 'weak.one', password: 'short', role: 'county', unit: '370725' }, 'YPQ_PASSWORD_POLICY'],
      [{ username: 'CLERK.LI', password: 'Clerk-pass-123', role: 'county', unit: '370725' }, 'YPQ_CONFLICT'],
    ] as const) {
      const r = await t.app.inject({ method: 'POST', url: '/v1/coordination/users', headers: as(body.token), payload });
      expect(r.json().code, payload.username).toBe(code);
    }
    const clerk = await login('clerk.li', 'Clerk-pass-123');
    expect(clerk.statusCode).toBe(200);
    // A township may not administer users.
    expect((await t.app.inject({ url: '/v1/coordination/users', headers: as(clerk.json().token) })).statusCode).toBe(403);
  });

  it('answers unknown users and wrong passwords alike, and locks after repeated failures', async () => {
    const unknown = await login('nobody', 'whatever-123');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('YPQ_LOGIN_FAILED');
    expect((await login('clerk.li', 'wrong-pass-1')).json().code).toBe('YPQ_LOGIN_FAILED');
    expect((await login('clerk.li', 'wrong-pass-2')).json().code).toBe('YPQ_LOGIN_FAILED');
    const third = await login('clerk.li', 'wrong-pass-3');
    expect(third.statusCode).toBe(423);
    expect(third.json()).toMatchObject({ code: 'YPQ_LOGIN_LOCKED', error: 'Locked' });
    // Locked: even the right password is refused until an admin unlocks (or the time runs out).
    expect((await login('clerk.li', 'Clerk-pass-123')).statusCode).toBe(423);
    const admin = (await login('admin', 'Adm1n-pass-long')).json().token;
    const { rows: [u] } = await t.db.pool.query("SELECT id FROM users WHERE username = 'clerk.li'");
    const unlocked = await t.app.inject({ method: 'PATCH', url: `/v1/coordination/users/${u.id}`, headers: as(admin), payload: { unlock: true } });
    expect(unlocked.json()).toMatchObject({ failedLogins: 0, lockedUntil: null });
    expect((await login('clerk.li', 'Clerk-pass-123')).statusCode).toBe(200);
    const { rows } = await t.db.pool.query("SELECT detail->>'outcome' AS outcome FROM audit_log WHERE action = 'login' ORDER BY id");
    expect(rows.map((r) => r.outcome)).toEqual(['ok', 'ok', 'unknown_user', 'failed', 'failed', 'failed_and_locked', 'locked', 'ok', 'ok']);
  });

  it('disables a user: no more logins, and its token stops working on every route', async () => {
    const admin = (await login('admin', 'Adm1n-pass-long')).json().token;
    const clerk = (await login('clerk.li', 'Clerk-pass-123')).json().token;
    const { rows: [u] } = await t.db.pool.query("SELECT id FROM users WHERE username = 'clerk.li'");
    expect((await t.app.inject({ url: '/v1/coordination/reminders', headers: as(clerk) })).statusCode).toBe(200);
    const off = await t.app.inject({ method: 'PATCH', url: `/v1/coordination/users/${u.id}`, headers: as(admin), payload: { active: false } });
    expect(off.json().active).toBe(false);
    expect((await login('clerk.li', 'Clerk-pass-123')).json().code).toBe('YPQ_LOGIN_FAILED');
    const refused = await t.app.inject({ url: '/v1/coordination/reminders', headers: as(clerk) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toMatch(/disabled/);
    for (const url of ['/v1/agencies', '/v1/cases', '/metrics']) {
      expect((await t.app.inject({ url, headers: as(clerk) })).statusCode, url).toBe(401);
    }
    // An admin cannot lock themselves out.
    const { rows: [a] } = await t.db.pool.query("SELECT id FROM users WHERE username = 'admin'");
    expect((await t.app.inject({ method: 'PATCH', url: `/v1/coordination/users/${a.id}`, headers: as(admin), payload: { active: false } })).statusCode).toBe(409);
    await t.app.inject({ method: 'PATCH', url: `/v1/coordination/users/${u.id}`, headers: as(admin), payload: { active: true } });
  });

  it('changes a password with the current one, audits it without the password, and retires older tokens', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const old = (await login('clerk.li', 'Clerk-pass-123')).json().token;
    const wrong = await t.app.inject({ method: 'POST', url: '/v1/auth/password', headers: as(old), payload: { currentPassword: 'nope-nope-1', newPassword: 'New-pass-4567' } });
    expect(wrong.statusCode).toBe(401);
    const weak = await t.app.inject({ method: 'POST', url: '/v1/auth/password', headers: as(old), payload: { currentPassword: 'Clerk-pass-123', newPassword: 'aaaaaaaaaaaa' } });
    expect(weak.json().code).toBe('YPQ_PASSWORD_POLICY');
    await new Promise((r) => setTimeout(r, 5));
    const ok = await t.app.inject({ method: 'POST', url: '/v1/auth/password', headers: as(old), payload: { currentPassword: 'Clerk-pass-123', newPassword: 'New-pass-4567' } });
    expect(ok.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/v1/coordination/reminders', headers: as(old) })).json().message).toMatch(/password changed/);
    expect((await login('clerk.li', 'Clerk-pass-123')).statusCode).toBe(401);
    const fresh = (await login('clerk.li', 'New-pass-4567')).json().token;
    expect((await t.app.inject({ url: '/v1/coordination/reminders', headers: as(fresh) })).statusCode).toBe(200);
    const { rows } = await t.db.pool.query("SELECT actor, detail FROM audit_log WHERE object_type = 'user' AND detail->>'action' = 'password_change' ORDER BY id");
    expect(rows.map((r) => r.detail.outcome)).toEqual(['wrong_current_password', 'ok']);
    expect(rows[1].actor).toBe('clerk.li');
    const all = JSON.stringify((await t.db.pool.query('SELECT * FROM audit_log')).rows);
    expect(all).not.toContain('New-pass-4567');
    expect(all).not.toContain('Clerk-pass-123');
    // The logger redacts a password wherever it is put.
    logger.info({ body: { username: 'clerk.li', password: 'New-pass-4567' } }, 'x');
    expect(lines.join('')).not.toContain('New-pass-4567');
  });
});
