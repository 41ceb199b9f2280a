import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { createTestApp, type TestApp } from './helpers/app.js';

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

