// Clerical review through the HTTP API: the queue scoped to the caller's division, the record
// beside each candidate, a decision applied at once and kept as labelled pairs, the hard ID rule,
// a second decision refused, and every read audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICE, seedAgencies } from '../fixtures/intake/agencies.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { idNumber, ingestJson, insertPersons, link, person, results } from './matching-support.js';

describe('the review flow through the API', () => {
  let t: TestApp;
  let batch: number;
  const auth = async (role: string, unit: string) => ({ authorization: `Bearer ${await t.token({ role, unit })}` });
  const wangweiId = idNumber('430102', '1980-01-01', 13);

  beforeAll(async () => {
    t = await createTestApp();
    await seedAgencies(t.db.pool);
    await insertPersons(t.db.pool, [
      // Two women of the same name and birth date without ID numbers: a death notice naming only the county can't tell them apart.
      { pid: 'R1', name: '李秀英', sex: 2, birthDate: '1960-05-05', hukou: '430102001001' },
      { pid: 'R2', name: '李秀英', sex: 2, birthDate: '1960-05-05', hukou: '430102002001' },
      // 王伟 three times: one with a valid ID number different from the record's, two without.
      { pid: 'R3', idNumber: idNumber('430102', '1980-01-01', 31), name: '王伟', sex: 1, birthDate: '1980-01-01', hukou: '430102001001' },
      { pid: 'R4', name: '王伟', sex: 1, birthDate: '1980-01-01', hukou: '430102001002' },
      { pid: 'R5', name: '王伟', sex: 1, birthDate: '1980-01-01', hukou: '430102001003' },
      // 赵敏 twice, both registered here and living where the move-in comes from (either may be
      // coming back): a migrant of that name moving in is neither.
      { pid: 'R6', name: '赵敏', sex: 2, birthDate: '1990-01-01', hukou: '430102001001', residence: '430522001001' },
      { pid: 'R7', name: '赵敏', sex: 2, birthDate: '1990-01-01', hukou: '430102001002', residence: '430522002001' },
    ]);
    batch = await ingestJson(t.db.pool, POLICE, 'household', [
      { id: 'D1', type: 'death', date: '2024-03-04', person: { name: '李秀英', sex: 2, birthDate: '1960-05-05' }, hukouDivision: '430102' },
      { id: 'C1', type: 'correction', date: '2024-03-04', person: { idNumber: wangweiId, name: '王伟', sex: 1, birthDate: '1980-01-01' },
        hukouDivision: '430102001', previous: { name: '王伟' } },
      { id: 'M1', type: 'move_in', date: '2024-03-05', person: { name: '赵敏', sex: 2, birthDate: '1990-01-01' }, fromDivision: '430522', toDivision: '430102' },
    ]);
    await link(t.db.pool, batch);
  });
  afterAll(() => t.close());

  const item = async (recordId: string) => (await results(t.db.pool, batch)).get(`${recordId}/subject`)!;

  it('queues what the model could not decide, for the county and admins; not for another township or an agency', async () => {
    const r = await results(t.db.pool, batch);
    expect([...r.values()].map((x) => x.status)).toEqual(['review', 'review', 'review']);
    const county = await t.app.inject({ url: '/v1/review', headers: await auth('county', '430102') });
    expect(county.statusCode, county.body).toBe(200);
    expect(county.json().items.map((i: { recordId: string }) => i.recordId).sort()).toEqual(['C1', 'D1', 'M1']);
    expect(county.json().items[0]).toMatchObject({ status: 'review', candidateCount: expect.any(Number) });
    // The correction names township 430102001: its township sees it, the death notice (county only) it does not.
    const township = await t.app.inject({ url: '/v1/review', headers: await auth('township', '430102001') });
    expect(township.json().items.map((i: { recordId: string }) => i.recordId)).toEqual(['C1']);
    expect((await t.app.inject({ url: '/v1/review', headers: await auth('township', '430111001') })).json().items).toEqual([]);
    expect((await t.app.inject({ url: '/v1/review', headers: await auth('agency', POLICE) })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/v1/review/${(await item('D1')).id}`, headers: await auth('township', '430102001') })).statusCode).toBe(404);
  });

  it('shows the record beside each candidate with the differing fields marked, and audits the read', async () => {
    const id = (await item('D1')).id;
    const res = await t.app.inject({ url: `/v1/review/${id}`, headers: await auth('county', '430102') });
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    expect(v.record).toMatchObject({ name: '李秀英', birthDate: '1960-05-05', divisions: ['430102'] });
    expect(v.candidates.map((c: { pid: string }) => c.pid).sort()).toEqual(['R1', 'R2']);
    const fields = v.candidates[0].fields as { field: string; level: string; differs: boolean }[];
    expect(fields.find((f) => f.field === 'name')).toMatchObject({ level: 'exact', differs: false });
    expect(fields.find((f) => f.field === 'id_number')).toMatchObject({ level: 'missing', differs: false });
    expect(v.candidates[0].person).toMatchObject({ name: '李秀英', status: 1 });
    const last = (await t.db.pool.query('SELECT action, object_type, object_id, unit FROM audit_log ORDER BY id DESC LIMIT 1')).rows[0];
    expect(last).toEqual({ action: 'read', object_type: 'review_item', object_id: String(id), unit: '430102' });
  });

  it('links to the chosen person, applies the event at once, keeps labelled pairs, and refuses a second decision', async () => {
    const id = (await item('D1')).id;
    const headers = await auth('county', '430102');
    const res = await t.app.inject({ method: 'POST', url: `/v1/review/${id}/decide`, headers, payload: { pid: 'R2', note: '户籍地核实' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'linked', pid: 'R2', rule: 'clerk', decidedBy: 'county:430102', appliedAt: expect.any(String) });
    expect(await person(t.db.pool, 'R2')).toMatchObject({ status: 2 });
    expect(await person(t.db.pool, 'R1')).toMatchObject({ status: 1 });
    const history = (await t.db.pool.query(`SELECT actor, changes FROM person_history WHERE pid = 'R2'`)).rows;
    expect(history).toEqual([{ actor: 'review:county:430102', changes: { status: [1, 2] } }]);
    const decision = (await t.db.pool.query('SELECT decision, pid, unit, note, pairs FROM review_decisions WHERE result_id = $1', [id])).rows[0];
    expect(decision).toMatchObject({ decision: 'link', pid: 'R2', unit: '430102', note: '户籍地核实' });
    expect(decision.pairs.map((p: { pid: string; match: boolean }) => [p.pid, p.match]).sort()).toEqual([['R1', false], ['R2', true]]);
    expect(decision.pairs[0].levels).toHaveLength(6);

    const again = await t.app.inject({ method: 'POST', url: `/v1/review/${id}/decide`, headers, payload: { new: true } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('YPQ_REVIEW_STATE');

    // The explanation route shows the clerk's decision and, in the history, the model's.
    const detail = (await t.app.inject({ url: `/v1/links/${id}`, headers })).json();
    expect(detail).toMatchObject({ status: 'linked', pid: 'R2', decidedBy: 'county:430102' });
    expect(detail.history).toEqual([expect.objectContaining({ status: 'review', decidedBy: 'model', replacedBy: 'county:430102' })]);
    expect(detail.explanation.candidates.length).toBe(2);
    const page = (await t.app.inject({ url: `/v1/links?batch=${batch}`, headers })).json();
    expect(page.links).toHaveLength(3);
  });

  it('never links two valid, different ID numbers, even at a clerk\'s word', async () => {
    const id = (await item('C1')).id;
    const headers = await auth('township', '430102001');
    const refused = await t.app.inject({ method: 'POST', url: `/v1/review/${id}/decide`, headers, payload: { pid: 'R3' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('YPQ_LINK_REFUSED');
    const bad = await t.app.inject({ method: 'POST', url: `/v1/review/${id}/decide`, headers, payload: { pid: 'R4', new: true } });
    expect(bad.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'POST', url: `/v1/review/${id}/decide`, headers, payload: { pid: 'R4' } });
    expect(ok.statusCode, ok.body).toBe(200);
    // The correction gave his ID number: now on the person, with the change in the history.
    expect(await person(t.db.pool, 'R4')).toMatchObject({ id_number: wangweiId, id_suspect: false });
  });

  it('a new person: the migrant is registered with a pid of its own', async () => {
    const id = (await item('M1')).id;
    const res = await t.app.inject({ method: 'POST', url: `/v1/review/${id}/decide`, headers: await auth('admin', '00'), payload: { new: true } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'new', pid: null, createdPid: expect.stringMatching(/^N\d{11}$/) });
    expect(await person(t.db.pool, res.json().createdPid)).toMatchObject({ name: '赵敏', hukou_division: '430102', status: 1 });
    const audited = (await t.db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'decide' AND object_type = 'review_item'`)).rows[0].n;
    expect(audited).toBe(3);
  });
});
