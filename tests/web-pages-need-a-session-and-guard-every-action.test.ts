// The staff pages over HTTP (inject): login sets an HttpOnly SameSite=Strict session cookie; pages
// without it go to the login; the cookie opens pages but never the /v1 API; every POST needs the
// session's anti-forgery token and a same-site origin; a township sees only its own cases; ID
// numbers are masked until the handler asks (audited); output is escaped; English on request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCounty } from '../src/demo/seed.js';
import { DEMO_PASSWORD } from '../src/demo/seed-activity.js';
import { createLogger } from '../src/logger.js';
import { csrfToken } from '../src/web/session.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp([], { PASSWORD_SCRYPT_COST: '1024' });
  await seedDemoCounty(t.db.pool, createLogger('silent'), 400);
}, 120_000);
afterAll(() => t?.close());

async function login(username: string, password = DEMO_PASSWORD) {
  const res = await t.app.inject({ method: 'POST', url: '/ui/login', payload: `username=${username}&password=${encodeURIComponent(password)}&next=%2Fui%2Fcases`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return res;
}

async function session(username: string) {
  const res = await login(username);
  expect(res.statusCode, res.body).toBe(303);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  const jwt = cookie.split('=')[1];
  return { cookie, csrf: csrfToken(jwt) };
}

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();

async function caseOf(township: string): Promise<number> {
  const { rows } = await t.db.pool.query("SELECT id FROM cases WHERE township = $1 AND status = 'open' ORDER BY id LIMIT 1", [township]);
  return rows[0].id;
}

describe('web pages', () => {
  it('sends a visitor without a session to the login page, which shows no data', async () => {
    const res = await t.app.inject({ url: '/ui/cases?status=open' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/ui/login?next=%2Fui%2Fcases%3Fstatus%3Dopen');
    const page = await t.app.inject({ url: '/ui/login' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).toContain('name="password"');
    expect(page.body).not.toMatch(/\d{17}[\dX]/);
    expect((await t.app.inject({ url: '/' })).headers.location).toBe('/ui/');
  });

  it('logs in with the demo account into an HttpOnly, SameSite=Strict cookie and refuses a wrong password', async () => {
    const bad = await login('demo-county', 'not-the-password-1');
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('用户名或密码错误');
    expect(bad.headers['set-cookie']).toBeUndefined();
    const ok = await login('demo-county');
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/ui/cases');
    expect(String(ok.headers['set-cookie'])).toMatch(/^ypq_session=[\w-]+\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  });

  it('refuses a login posted from another site', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ui/login', payload: form({ username: 'demo-county', password: DEMO_PASSWORD }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('opens the pages with the cookie, but the cookie alone opens no /v1 route', async () => {
    const s = await session('demo-county');
    const dash = await t.app.inject({ url: '/ui/', headers: { cookie: s.cookie } });
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain('宁溪县');
    expect(dash.headers['cache-control']).toBe('no-store');
    for (const url of ['/v1/cases', '/v1/coordination/items', '/v1/batches/1']) {
      const api = await t.app.inject({ url, headers: { cookie: s.cookie } });
      expect(api.statusCode, url).toBe(401);
    }
  });

  it('refuses an action without the anti-forgery token, with a wrong one, or from another origin', async () => {
    const s = await session('demo-town');
    const id = await caseOf((await t.db.pool.query("SELECT unit FROM users WHERE username = 'demo-town'")).rows[0].unit);
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: `/ui/cases/${id}/accept`, payload: form(body), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    expect((await post({})).statusCode).toBe(403);
    expect((await post({ _csrf: 'x'.repeat(43) })).statusCode).toBe(403);
    expect((await post({ _csrf: s.csrf }, { origin: 'http://evil.example' })).statusCode).toBe(403);
    const status = async () => (await t.db.pool.query('SELECT status FROM cases WHERE id = $1', [id])).rows[0].status;
    expect(await status()).toBe('open');
    const ok = await post({ _csrf: s.csrf, comment: '签收' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/ui/cases/${id}?done=accept`);
    expect(await status()).toBe('accepted');
  });

  it("keeps a township out of another township's case", async () => {
    const s = await session('demo-town');
    const own = (await t.db.pool.query("SELECT unit FROM users WHERE username = 'demo-town'")).rows[0].unit;
    const { rows } = await t.db.pool.query('SELECT id FROM cases WHERE township <> $1 AND county = $2 ORDER BY id LIMIT 1', [own, own.slice(0, 6)]);
    const res = await t.app.inject({ url: `/ui/cases/${rows[0].id}`, headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('不在本单位的查看范围内');
    const list = await t.app.inject({ url: '/ui/cases', headers: { cookie: s.cookie } });
    expect(list.body).not.toContain(`/ui/cases/${rows[0].id}"`);
  });

  it('masks ID numbers and phones until the handler asks, and audits that read', async () => {
    const s = await session('demo-town');
    const own = (await t.db.pool.query("SELECT unit FROM users WHERE username = 'demo-town'")).rows[0].unit;
    const id = await caseOf(own);
    const subject = (await t.db.pool.query('SELECT p.id_number FROM cases c JOIN persons p ON p.pid = c.subjects[1] WHERE c.id = $1', [id])).rows[0].id_number as string;
    const page = await t.app.inject({ url: `/ui/cases/${id}`, headers: { cookie: s.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(subject);
    expect(page.body).toContain(`${subject.slice(0, 6)}********${subject.slice(-4)}`);
    const shown = await t.app.inject({ url: `/ui/cases/${id}?reveal=1`, headers: { cookie: s.cookie } });
    expect(shown.body).toContain(subject);
    const audit = await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE object_type = 'person' AND purpose LIKE $1", [`case ${id}: contact the resident%`]);
    expect(audit.rows[0].n).toBeGreaterThan(0);
  });

  it('escapes what users type', async () => {
    const s = await session('demo-town');
    const res = await t.app.inject({
      method: 'POST', url: '/ui/qa', headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: s.csrf, title: '<script>alert(1)</script>"><img src=x onerror=alert(2)>', body: '<b>x</b>' }),
    });
    expect(res.statusCode).toBe(303);
    const page = await t.app.inject({ url: res.headers.location as string, headers: { cookie: s.cookie } });
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('switches to English and back, and only to a local page', async () => {
    const s = await session('demo-county');
    const sw = await t.app.inject({ url: '/ui/lang?to=en&next=%2Fui%2Fcases' });
    expect(sw.headers.location).toBe('/ui/cases');
    const lang = String(sw.headers['set-cookie']).split(';')[0];
    const page = await t.app.inject({ url: '/ui/cases', headers: { cookie: `${s.cookie}; ${lang}` } });
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('Cases');
    expect((await t.app.inject({ url: '/ui/lang?to=en&next=https://evil.example/' })).headers.location).toBe('/ui/');
    expect((await t.app.inject({ url: '/ui/lang?to=en&next=//evil.example/' })).headers.location).toBe('/ui/');
  });

  it('serves its scripts, styles and chart library itself, versioned', async () => {
    const dash = await t.app.inject({ url: '/ui/login' });
    const urls = [...dash.body.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of [...urls, '/ui/assets/uplot.js', '/ui/assets/uplot.css', '/ui/assets/charts.js']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control']).toContain('immutable');
    }
    expect((await t.app.inject({ url: '/ui/assets/..%2f..%2fpackage.json' })).statusCode).toBe(404);
    expect(dash.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });
});

describe('web pages, odds and ends', () => {
  it('answers an unknown page with a 404 page, not the login', async () => {
    const res = await t.app.inject({ url: '/ui/no-such-page' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('页面不存在');
  });

  it('masks the phone numbers an agency disagreement quotes', async () => {
    const s = await session('demo-county');
    const { rows } = await t.db.pool.query("SELECT id, payload FROM cases WHERE rule = 'agency_conflict' LIMIT 1");
    const page = await t.app.inject({ url: `/ui/cases/${rows[0].id}`, headers: { cookie: s.cookie } });
    expect(page.body).not.toContain('13900001111');
    expect(page.body).toContain('139****1111');
    if (rows[0].payload.populationValue) expect(page.body).not.toContain(rows[0].payload.populationValue);
  });
});

describe('handover between townships through the pages', () => {
  it('hands a case to another township, which sees it and answers', async () => {
    const a = await session('demo-town');
    const b = await session('demo-town2');
    const [townA, townB] = [(await t.db.pool.query("SELECT unit FROM users WHERE username = 'demo-town'")).rows[0].unit, (await t.db.pool.query("SELECT unit FROM users WHERE username = 'demo-town2'")).rows[0].unit];
    const id = await caseOf(townA);
    const post = (s: { cookie: string; csrf: string }, action: string, body: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: `/ui/cases/${id}/${action}`, payload: form({ _csrf: s.csrf, ...body }), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await t.app.inject({ url: `/ui/cases/${id}`, headers: { cookie: b.cookie } })).statusCode).toBe(404);
    const d = await post(a, 'delegate', { to: townB, request: '请协助核实该户现居住情况', deadline: '2099-01-31' });
    expect(d.headers.location).toBe(`/ui/cases/${id}?done=delegate`);
    const seen = await t.app.inject({ url: `/ui/cases/${id}`, headers: { cookie: b.cookie } });
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('data-action="answer"');
    expect(seen.body).toContain('请协助核实该户现居住情况');
    const ans = await post(b, 'answer', { answer: '已核实，仍在本辖区居住' });
    expect(ans.headers.location).toBe(`/ui/cases/${id}?done=answer`);
    const back = await t.app.inject({ url: `/ui/cases/${id}`, headers: { cookie: a.cookie } });
    expect(back.body).toContain('已核实，仍在本辖区居住');
    // A refused action comes back as a translated notice, not an error page.
    const refused = await post(a, 'resolve', { comment: 'x' });
    expect(refused.headers.location).toBe(`/ui/cases/${id}?error=YPQ_CASE_STATE`);
    const notice = await t.app.inject({ url: refused.headers.location as string, headers: { cookie: a.cookie } });
    expect(notice.body).toContain('案件当前状态不允许此操作');
  });
});

describe('administration through the pages', () => {
  it("changes a user's role and unit, and only an admin may", async () => {
    const admin = await session('demo-admin');
    const county = await session('demo-county');
    const { rows } = await t.db.pool.query("SELECT id FROM users WHERE username = 'demo-town2'");
    const post = (s: { cookie: string; csrf: string }) =>
      t.app.inject({ method: 'POST', url: `/ui/admin/users/${rows[0].id}`, payload: form({ _csrf: s.csrf, op: 'change', role: 'township', unit: '430124003' }), headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await post(county)).headers.location).toBe('/ui/admin/users?error=YPQ_FORBIDDEN');
    expect((await post(admin)).headers.location).toBe('/ui/admin/users?done=user_change');
    expect((await t.db.pool.query('SELECT unit FROM users WHERE id = $1', [rows[0].id])).rows[0].unit).toBe('430124003');
    await t.db.pool.query("UPDATE users SET unit = '430124002' WHERE id = $1", [rows[0].id]);
  });
});
