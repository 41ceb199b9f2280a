import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseCase } from '../src/cases/raise-case.js';
import { deliverDue, type DeliverOptions } from '../src/notify/deliver.js';
import { sendersFor, startNotifyWorker } from '../src/notify/notify-worker.js';
import { startBoss } from '../src/jobs/boss.js';
import { createLogger } from '../src/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { T1, T2, call, newbornCase } from './cases-support.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that answers `failStatus` to the first `failFirst` requests, then 200. */
async function receiver(failFirst: number, failStatus = 503) {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      res.statusCode = requests.length <= failFirst ? failStatus : 200;
      res.end(res.statusCode === 200 ? 'ok' : 'try later');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SECOND = 1000;
const policy = { maxAttempts: 3, baseMs: 1 * SECOND, maxMs: 60 * SECOND };

describe('notifications through the outbox', () => {
  let t: TestApp;
  let sms: Awaited<ReturnType<typeof receiver>>;
  const admin = { role: 'admin', unit: '00' } as const;
  beforeAll(async () => {
    sms = await receiver(1, 502);
    t = await createTestApp([], { NOTIFY_SMS_URL: sms.url });
  });
  afterAll(async () => {
    await t.close();
    await sms.close();
  });

  const opts = (now: Date): DeliverOptions => ({ policy, leaseMs: 30 * SECOND, now });
  const outbox = async (caseId: number) =>
    (await t.db.pool.query('SELECT * FROM notification_outbox WHERE case_id = $1 ORDER BY id', [caseId])).rows;
  const subscribe = (body: object) => call(t, admin, 'POST', '/v1/notification-subscriptions', body);

  it('retries a failing webhook with exponential backoff, and the body verifies with the published key', async () => {
    const hook = await receiver(2);
    try {
      expect((await subscribe({ unit: T1, channel: 'webhook', target: hook.url, events: ['case.raised'] })).statusCode).toBe(200);
      const t0 = new Date('2030-01-01T00:00:00Z');
      const input = newbornCase({ subjects: ['PID-CHILD-0001', 'PID-MOTHER-0001'] });
      input.payload.motherPid = 'PID-MOTHER-0001';
      const { id } = await raiseCase(t.db.pool, input, { now: t0 });
      const senders = sendersFor(t.cfg, t.keys);
      const at = (ms: number) => new Date(t0.getTime() + ms);

      expect(await deliverDue(t.db.pool, senders, opts(at(0)))).toMatchObject({ claimed: 1, retrying: 1 });
      expect((await outbox(id))[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 503', next_attempt_at: at(1 * SECOND) });
      expect(await deliverDue(t.db.pool, senders, opts(at(999)))).toMatchObject({ claimed: 0 });
      expect(await deliverDue(t.db.pool, senders, opts(at(1 * SECOND)))).toMatchObject({ claimed: 1, retrying: 1 });
      // The second failure waits twice as long.
      expect((await outbox(id))[0].next_attempt_at).toEqual(at(3 * SECOND));
      expect(await deliverDue(t.db.pool, senders, opts(at(2999)))).toMatchObject({ claimed: 0 });
      expect(await deliverDue(t.db.pool, senders, opts(at(3 * SECOND)))).toMatchObject({ claimed: 1, delivered: 1 });
      const row = (await outbox(id))[0];
      expect(row).toMatchObject({ status: 'delivered', attempts: 3, last_error: null, delivered_at: at(3 * SECOND) });

      // Three attempts, one idempotency key: the receiver can tell a retry from a new event.
      expect(hook.requests).toHaveLength(3);
      expect(new Set(hook.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([row.idempotency_key]));
      expect(hook.requests.map((r) => r.headers['x-yipanqi-attempt'])).toEqual(['1', '2', '3']);
      expect(hook.requests[2].headers['content-type']).toBe('application/jose');

      // A receiver verifies the body with the key set from GET /v1/keys.
      const jwks = (await call(t, admin, 'GET', '/v1/keys')).json();
      const { payload, protectedHeader } = await jose.jwtVerify(hook.requests[2].body, jose.createLocalJWKSet(jwks), {
        issuer: 'yipanqi', audience: 'yipanqi',
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload.jti).toBe(row.idempotency_key);
      expect(payload.notification).toMatchObject({ event: 'case.raised', caseId: id, rule: 'newborn_unregistered', township: T1, title: '新生儿未落户' });
      // Nothing personal travels: not the subjects, not the payload.
      expect(JSON.stringify(payload)).not.toMatch(/PID-(CHILD|MOTHER)-0001/);
      // A tampered body fails verification; the webhook body is no bearer token.
      const [h, p, s] = hook.requests[2].body.split('.');
      await expect(jose.jwtVerify(`${h}.${p}x.${s}`, jose.createLocalJWKSet(jwks))).rejects.toThrow();
      const asToken = await t.app.inject({ url: '/v1/cases', headers: { authorization: `Bearer ${hook.requests[2].body}` } });
      expect(asToken.statusCode).toBe(401);
    } finally {
      await hook.close();
    }
  });

  it('gives up after the last attempt; admins see the dead notification and can send it again', async () => {
    const down = await receiver(Number.POSITIVE_INFINITY, 500);
    try {
      await subscribe({ unit: T2, channel: 'webhook', target: down.url });
      const t0 = new Date('2030-02-01T00:00:00Z');
      const { id } = await raiseCase(t.db.pool, newbornCase({ township: T2 }), { now: t0 });
      const senders = sendersFor(t.cfg, t.keys);
      for (const ms of [0, 1 * SECOND, 3 * SECOND]) await deliverDue(t.db.pool, senders, opts(new Date(t0.getTime() + ms)));
      expect((await outbox(id))[0]).toMatchObject({ status: 'dead', attempts: 3, last_error: 'HTTP 500' });
      expect(await deliverDue(t.db.pool, senders, opts(new Date(t0.getTime() + 3_600 * SECOND)))).toMatchObject({ claimed: 0 });
      expect(down.requests).toHaveLength(3);

      const dead = await call(t, admin, 'GET', '/v1/notifications?status=dead');
      expect(dead.statusCode).toBe(200);
      expect(dead.json().items).toEqual([expect.objectContaining({ caseId: id, status: 'dead', attempts: 3, lastError: 'HTTP 500', channel: 'webhook', unit: T2 })]);
      const again = await call(t, admin, 'POST', `/v1/notifications/${dead.json().items[0].id}/retry`);
      expect(again.json()).toMatchObject({ status: 'pending', attempts: 0 });
      expect((await call(t, admin, 'GET', '/v1/notifications?status=dead')).json().items).toEqual([]);
      expect((await call(t, admin, 'POST', `/v1/notifications/${dead.json().items[0].id}/retry`)).statusCode).toBe(404);
    } finally {
      await down.close();
      await t.db.pool.query("UPDATE notification_subscriptions SET active = false WHERE unit = $1", [T2]);
      await t.db.pool.query("UPDATE notification_outbox SET status = 'delivered' WHERE status = 'pending'");
    }
  });

  it('counts an unreachable receiver as a failed attempt', async () => {
    const gone = await receiver(0);
    await gone.close();
    const sub = (await subscribe({ unit: '430102005', channel: 'webhook', target: gone.url })).json();
    const { id } = await raiseCase(t.db.pool, newbornCase({ township: '430102005' }));
    await deliverDue(t.db.pool, sendersFor(t.cfg, t.keys), { policy, leaseMs: 30 * SECOND });
    expect((await outbox(id))[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'ECONNREFUSED' });
    await call(t, admin, 'DELETE', `/v1/notification-subscriptions/${sub.id}`);
    await t.db.pool.query("UPDATE notification_outbox SET status = 'delivered' WHERE case_id = $1", [id]);
  });

  it('sends SMS through the gateway adapter with a template and no personal data', async () => {
    await subscribe({ unit: '430102006', channel: 'sms', target: '13800000006' });
    const input = newbornCase({ township: '430102006', subjects: ['PID-CHILD-0006'] });
    const { id } = await raiseCase(t.db.pool, input);
    const senders = sendersFor(t.cfg, t.keys);
    const now = Date.now();
    await deliverDue(t.db.pool, senders, { policy, leaseMs: 30 * SECOND, now: new Date(now) });
    await deliverDue(t.db.pool, senders, { policy, leaseMs: 30 * SECOND, now: new Date(now + SECOND) });
    expect((await outbox(id))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(sms.requests).toHaveLength(2);
    const body = JSON.parse(sms.requests[1].body);
    expect(body.to).toBe('13800000006');
    expect(body.text).toMatch(new RegExp(`^【一盘棋】430102006 案件 ${id}（新生儿未落户）已派发，请于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d 前办理。$`));
    expect(sms.requests[1].headers['idempotency-key']).toBe(sms.requests[0].headers['idempotency-key']);
    expect(sms.requests[1].body).not.toContain(input.subjects[0]);
  });

  it('writes nothing to the outbox for a unit without subscribers', async () => {
    const { id } = await raiseCase(t.db.pool, newbornCase({ township: '430102099' }));
    expect(await outbox(id)).toEqual([]);
  });

  it('delivers through the pg-boss worker, retrying until the receiver answers', async () => {
    const hook = await receiver(2);
    let boss: PgBoss | undefined;
    let worker: Awaited<ReturnType<typeof startNotifyWorker>> | undefined;
    try {
      await subscribe({ unit: '430102007', channel: 'webhook', target: hook.url });
      const cfg = { ...t.cfg, notifyBackoffBaseMs: 200, notifyPollIntervalMs: 1000, jobPollIntervalMs: 500 };
      const log = createLogger('silent');
      boss = await startBoss({ url: t.db.url, log, pollingIntervalMs: 500, supervise: false });
      worker = await startNotifyWorker(boss, { pool: t.db.pool, cfg, keys: t.keys, log });
      const { id } = await raiseCase(t.db.pool, newbornCase({ township: '430102007' }));
      const deadline = Date.now() + 30_000;
      let row;
      while (Date.now() < deadline) {
        row = (await outbox(id))[0];
        if (row.status === 'delivered') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(row).toMatchObject({ status: 'delivered', attempts: 3 });
      expect(hook.requests).toHaveLength(3);
    } finally {
      worker?.stop();
      await boss?.stop({ graceful: false, wait: true });
      await hook.close();
    }
  });
});
