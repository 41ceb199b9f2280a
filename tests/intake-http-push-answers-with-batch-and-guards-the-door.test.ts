// POST /v1/feeds/{feed} end to end on real PostgreSQL: status codes, counts, batch reads and
// rejects (JSON and CSV), and every way a push is turned away.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { HOSPITAL, HOUSING_AGENCY, POLICE, linkJobs, seedAgencies, storedRecords } from '../fixtures/intake/agencies.js';
import { housingCsv, housingJson } from '../fixtures/intake/housing-generator.js';

describe('HTTP push of a feed batch', () => {
  let t: TestApp;
  let housing: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp([], { MAX_BODY_BYTES: String(4 * 1024 * 1024) });
    await seedAgencies(t.db.pool);
    housing = await t.token({ role: 'agency', unit: HOUSING_AGENCY, feeds: ['housing'] });
  });
  afterAll(() => t.close());

  it('stores a GBK CSV push (201), answers a re-send of it with 200 and all duplicates', async () => {
    const body = housingCsv({ records: 300, encoding: 'gbk', badEvery: 50 });
    const first = await t.app.inject({
      method: 'POST', url: '/v1/feeds/housing?fileName=housing-2024-03.csv', headers: { ...auth(housing), 'content-type': 'text/csv' }, payload: body,
    });
    expect(first.statusCode, first.body).toBe(201);
    const b = first.json();
    expect(b).toMatchObject({ agency: HOUSING_AGENCY, feed: 'housing', channel: 'http', format: 'csv', status: 'committed', fileName: 'housing-2024-03.csv' });
    expect(b.counts).toEqual({ received: 300, accepted: 294, rejected: 6, duplicate: 0, superseded: 0 });
    expect(first.headers.location).toBe(`/v1/batches/${b.id}`);
    expect(await linkJobs(t.db.pool, b.id)).toBe(1);

    const again = await t.app.inject({ method: 'POST', url: '/v1/feeds/housing', headers: { ...auth(housing), 'content-type': 'text/csv; charset=gbk' }, payload: body });
    expect(again.statusCode).toBe(200);
    expect(again.json().counts).toEqual({ received: 300, accepted: 0, rejected: 6, duplicate: 294, superseded: 0 });
    expect(again.json().sha256).toBe(b.sha256);
    expect(await storedRecords(t.db.pool, HOUSING_AGENCY, 'housing')).toHaveLength(294);
  });

  it('takes a JSON array, and names its records as the adapter reads them', async () => {
    const body = housingJson({ records: 20, seed: 7 });
    const res = await t.app.inject({ method: 'POST', url: '/v1/feeds/housing', headers: { ...auth(housing), 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ format: 'json', counts: { received: 20, accepted: 20 } });
  });

  it('lists rejects as JSON pages and as CSV, in file order', async () => {
    const body = housingCsv({ records: 100, encoding: 'utf8', badEvery: 10, seed: 3 });
    const res = await t.app.inject({ method: 'POST', url: '/v1/feeds/housing', headers: { ...auth(housing), 'content-type': 'text/csv' }, payload: body });
    const id = res.json().id;
    const page1 = await t.app.inject({ url: `/v1/batches/${id}/rejects?limit=4`, headers: auth(housing) });
    expect(page1.statusCode).toBe(200);
    const p1 = page1.json();
    expect(p1.rejects.map((r: { position: number }) => r.position)).toEqual([11, 21, 31, 41]);
    expect(p1.rejects[0]).toMatchObject({ recordId: 'HS00000009', field: 'division', code: expect.any(String) });
    expect(p1.nextAfter).toBe(41);
    const page3 = (await t.app.inject({ url: `/v1/batches/${id}/rejects?limit=4&after=81`, headers: auth(housing) })).json();
    expect(page3.rejects.map((r: { position: number }) => r.position)).toEqual([91, 101]);
    expect(page3.nextAfter).toBeNull();

    for (const req of [
      { url: `/v1/batches/${id}/rejects?format=csv`, headers: auth(housing) },
      { url: `/v1/batches/${id}/rejects`, headers: { ...auth(housing), accept: 'text/csv' } },
    ]) {
      const csv = await t.app.inject(req);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.body.trim().split('\n');
      expect(lines[0]).toBe('position,record_id,field,code,message');
      expect(lines).toHaveLength(11);
      expect(lines[1]).toMatch(/^11,HS00000009,division,/);
    }
  });

  it('shows a batch to its agency, to county staff over the agency, to admins — and to nobody else', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/feeds/housing', headers: { ...auth(housing), 'content-type': 'text/csv' }, payload: housingCsv({ records: 5, seed: 9 }) });
    const id = res.json().id;
    const see = async (claims: { role: string; unit: string; feeds?: string[] }) =>
      (await t.app.inject({ url: `/v1/batches/${id}`, headers: auth(await t.token(claims)) })).statusCode;
    expect(await see({ role: 'agency', unit: HOUSING_AGENCY, feeds: ['housing'] })).toBe(200);
    expect(await see({ role: 'admin', unit: '43' })).toBe(200);
    expect(await see({ role: 'county', unit: '430102' })).toBe(200);
    expect(await see({ role: 'agency', unit: HOSPITAL, feeds: ['birth'] })).toBe(404);
    expect(await see({ role: 'county', unit: '430103' })).toBe(404);
    // The housing agency serves the whole county: one township is not over it.
    expect(await see({ role: 'township', unit: '430102001' })).toBe(404);
    expect((await t.app.inject({ url: `/v1/batches/${id}/rejects`, headers: auth(await t.token({ role: 'agency', unit: HOSPITAL })) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/v1/batches/999999', headers: auth(housing) })).statusCode).toBe(404);
  });

  it('lists the batches a caller may see, newest first, filtered and paged', async () => {
    const hospital = await t.token({ role: 'agency', unit: HOSPITAL, feeds: ['birth'] });
    const list = async (token: string, query = '') => {
      const res = await t.app.inject({ url: `/v1/batches${query}`, headers: auth(token) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { batches: { id: number; agency: string; feed: string; links: { rejects: string } }[]; nextBefore: number | null };
    };
    const mine = await list(housing);
    expect(mine.batches.length).toBeGreaterThanOrEqual(4);
    expect(mine.batches.every((b) => b.agency === HOUSING_AGENCY && b.feed === 'housing')).toBe(true);
    const ids = mine.batches.map((b) => b.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(mine.batches[0].links.rejects).toBe(`/v1/batches/${ids[0]}/rejects`);
    // Pages of two, then the next from where the first ended.
    const p1 = await list(housing, '?limit=2');
    expect(p1.batches.map((b) => b.id)).toEqual(ids.slice(0, 2));
    expect(p1.nextBefore).toBe(ids[1]);
    expect((await list(housing, `?limit=2&before=${p1.nextBefore}`)).batches.map((b) => b.id)).toEqual(ids.slice(2, 4));
    expect((await list(housing, `?before=${ids[ids.length - 1]}`)).batches).toEqual([]);
    // Another agency sees none of them; county staff over the agency and admins do; a township not over it does not.
    expect((await list(hospital)).batches.some((b) => b.agency === HOUSING_AGENCY)).toBe(false);
    expect((await list(await t.token({ role: 'county', unit: '430102' }), '?feed=housing')).batches.map((b) => b.id)).toEqual(ids);
    expect((await list(await t.token({ role: 'county', unit: '430103' }))).batches).toEqual([]);
    expect((await list(await t.token({ role: 'township', unit: '430102001' }), `?agency=${HOUSING_AGENCY}`)).batches).toEqual([]);
    expect((await list(await t.token({ role: 'admin', unit: '43' }), `?agency=${HOUSING_AGENCY}&feed=birth`)).batches).toEqual([]);
    const bad = await t.app.inject({ url: '/v1/batches?feed=unknown&limit=0', headers: auth(housing) });
    expect(bad.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/v1/batches' })).statusCode).toBe(401);
  });

  it('answers 422 with the batch id for a file that cannot be read, and records the failed batch', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/v1/feeds/housing', headers: { ...auth(housing), 'content-type': 'text/csv' }, payload: 'foo,bar,baz\n1,2,3\n',
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: 422, code: 'YPQ_UNPARSEABLE', error: 'Unprocessable Entity', batchId: expect.any(Number) });
    expect(body.message).toMatch(/required column/);
    const batch = await t.app.inject({ url: `/v1/batches/${body.batchId}`, headers: auth(housing) });
    expect(batch.json()).toMatchObject({ status: 'failed', error: { code: 'YPQ_UNPARSEABLE' } });
    expect(await linkJobs(t.db.pool, body.batchId)).toBe(0);
  });

  it('turns pushes away: 401 without a token, 403 for other roles, feeds and agencies, 404 unknown feed, 413, 415', async () => {
    const csv = housingCsv({ records: 3 });
    const post = async (url: string, headers: Record<string, string>, payload: string | Buffer = csv) =>
      t.app.inject({ method: 'POST', url, headers: { 'content-type': 'text/csv', ...headers }, payload });

    expect((await post('/v1/feeds/housing', {})).statusCode).toBe(401);
    const county = await t.token({ role: 'county', unit: '430102' });
    expect((await post('/v1/feeds/housing', auth(county))).json()).toMatchObject({ statusCode: 403, code: 'YPQ_FORBIDDEN' });
    // The token does not grant the feed.
    const narrow = await t.token({ role: 'agency', unit: HOUSING_AGENCY, feeds: ['birth'] });
    expect((await post('/v1/feeds/housing', auth(narrow))).json()).toMatchObject({ statusCode: 403, code: 'YPQ_FEED_NOT_ALLOWED' });
    // The token grants it, but the agency is not registered for it.
    const police = await t.token({ role: 'agency', unit: POLICE, feeds: ['housing'] });
    const r1 = await post('/v1/feeds/housing', auth(police));
    expect(r1.json()).toMatchObject({ statusCode: 403, code: 'YPQ_FEED_NOT_ALLOWED' });
    expect(r1.json().message).toContain('household');
    const ghost = await t.token({ role: 'agency', unit: 'NO-SUCH-AGENCY', feeds: ['housing'] });
    expect((await post('/v1/feeds/housing', auth(ghost))).json()).toMatchObject({ statusCode: 403, code: 'YPQ_UNKNOWN_AGENCY' });

    expect((await post('/v1/feeds/parking', auth(housing))).json()).toMatchObject({ statusCode: 404, code: 'YPQ_UNKNOWN_FEED' });

    const big = Buffer.concat([csv, Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    expect((await post('/v1/feeds/housing', auth(housing), big)).json()).toMatchObject({ statusCode: 413, code: 'YPQ_PAYLOAD_TOO_LARGE' });

    // Without a Content-Length the limit holds on the stream itself; the batch is marked failed.
    const chunks = (function* () {
      yield csv;
      for (let i = 0; i < 80; i++) yield Buffer.alloc(64 * 1024, 0x20);
    })();
    const streamed = await t.app.inject({
      method: 'POST', url: '/v1/feeds/housing', headers: { ...auth(housing), 'content-type': 'text/csv', 'transfer-encoding': 'chunked' }, payload: Readable.from(chunks),
    });
    expect(streamed.json()).toMatchObject({ statusCode: 413, code: 'YPQ_PAYLOAD_TOO_LARGE' });
    const last = (await t.db.pool.query(`SELECT status, error_code FROM batches ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(last).toEqual({ status: 'failed', error_code: 'YPQ_PAYLOAD_TOO_LARGE' });

    const plain = await post('/v1/feeds/housing', { ...auth(housing), 'content-type': 'text/plain' });
    expect(plain.statusCode).toBe(415);
    expect(plain.json().code).toBe('YPQ_UNSUPPORTED_MEDIA');
    // housing has no XML form.
    const xml = await post('/v1/feeds/housing', { ...auth(housing), 'content-type': 'application/xml' }, '<x/>');
    expect(xml.json()).toMatchObject({ statusCode: 415, code: 'YPQ_UNSUPPORTED_MEDIA' });
  });

  it('publishes the routes and the feed record schemas in the OpenAPI description', async () => {
    const doc = (await t.app.inject({ url: '/docs/json', headers: auth(await t.token({ role: 'admin', unit: '00' })) })).json();
    expect(doc.paths['/v1/feeds/{feed}'].post.requestBody.content['text/csv']).toBeDefined();
    expect(doc.paths['/v1/batches/{id}'].get).toBeDefined();
    expect(doc.paths['/v1/batches'].get).toBeDefined();
    expect(doc.paths['/v1/batches/{id}/rejects'].get).toBeDefined();
    const schemas = Object.values(doc.components.schemas as Record<string, { $id?: string; title?: string }>);
    expect(schemas.map((s) => s.title)).toEqual(expect.arrayContaining(['Batch', 'BatchCounts', 'BatchReject', 'BatchFailure', 'BatchRejects']));
    // The feed record schemas keep their Chinese titles (their $id is the swagger component key).
    expect(schemas.map((s) => s.title)).toEqual(expect.arrayContaining(['housing record (物业小区住户和租户)', 'birth record (出生医学证明)']));
  });
});
