import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { createTestApp, type TestApp } from './helpers/app.js';

/** Web routes that answer without a session: the login form, the language switch, assets, redirects to them. */
const PUBLIC_PAGES = new Set(['/', '/ui', '/ui/login', '/ui/lang', '/ui/assets/:name']);

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('refuses a missing, malformed, forged or expired token on every route but /healthz and the login', async () => {
    const table = t.app.routeList.filter((r) => r.method !== 'HEAD');
    expect(table.length).toBeGreaterThan(5);
    const forged = await new jose.SignJWT({ role: 'admin', unit: '00', sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('yipanqi').setAudience('yipanqi').setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-key-not-the-key-not-the-key'));
    const expired = await t.keys.sign!({ role: 'admin', unit: '00', sub: 'x' }, '-1m');
    for (const { method, url } of table) {
      const path = url.replace(/:(\w+)/g, 'x').replace(/\*/g, 'index.html');
      for (const auth of [undefined, 'Basic abc', 'Bearer not-a-jwt', `Bearer ${forged}`, `Bearer ${expired}`]) {
        const res = await t.app.inject({ method: method as 'GET', url: path, headers: auth ? { authorization: auth } : {} });
        if (url === '/healthz') {
          expect(res.statusCode, `${method} ${url}`).toBe(200);
        } else if (url === '/' || url.startsWith('/ui')) {
          // Web pages take the session cookie, never the header: without one they answer the
          // login page, a redirect to it, or a static asset — never data (tests/web-*.test.ts).
          expect([200, 302, 303, 401, 403, 404], `${method} ${url}`).toContain(res.statusCode);
          if (res.statusCode === 303) expect(res.headers.location, `${method} ${url}`).toMatch(/^\/ui\/(login|cases|$)/);
          if (!PUBLIC_PAGES.has(url)) expect(res.statusCode, `${method} ${url} with ${auth ?? 'no token'}`).toBe(303);
        } else if (url === '/v1/auth/login') {
          // Public: it needs no token and answers bad credentials (here: none) with 400/401, never 5xx.
          expect([400, 401], `${method} ${url}`).toContain(res.statusCode);
        } else {
          expect(res.statusCode, `${method} ${url} with ${auth ?? 'no token'}`).toBe(401);
          expect(res.json()).toMatchObject({ statusCode: 401, code: 'YPQ_UNAUTHORIZED', error: 'Unauthorized' });
        }
      }
    }
  });

  it('takes a web session cookie on no /v1 route, and a bearer token on no page', async () => {
    const token = await t.token({ role: 'admin', unit: '00' });
    for (const { method, url } of t.app.routeList.filter((r) => r.method !== 'HEAD')) {
      const path = url.replace(/:(\w+)/g, '1').replace(/\*/g, 'index.html');
      if (url === '/healthz' || url === '/v1/auth/login' || url.startsWith('/docs') || PUBLIC_PAGES.has(url)) continue;
      const asPage = url.startsWith('/ui');
      const res = await t.app.inject({
        method: method as 'GET', url: path,
        headers: asPage ? { authorization: `Bearer ${token}` } : { cookie: `ypq_session=${token}` },
      });
      if (asPage) expect(res.statusCode, `${method} ${url} with a bearer token`).toBe(303);
      else expect(res.statusCode, `${method} ${url} with a session cookie`).toBe(401);
    }
  });

  it('accepts a valid token, and /docs describes the API', async () => {
    const token = await t.token({ role: 'admin', unit: '00' });
    const res = await t.app.inject({ url: '/docs/json', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json().paths['/v1/persons/{pid}']).toBeDefined();
    const metrics = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('yipanqi_http_request_duration_seconds');
  });

  it('rejects a token whose role or unit does not fit', async () => {
    for (const claims of [{ role: 'superuser', unit: '43' }, { role: 'township', unit: '430102' }, { role: 'county', unit: '430102001' }]) {
      const token = await t.token(claims);
      const res = await t.app.inject({ url: '/v1/agencies', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
    }
  });
});

