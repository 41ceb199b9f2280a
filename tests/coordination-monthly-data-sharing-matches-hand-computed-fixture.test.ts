import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSharing } from '../src/coordination/data-sharing/sharing-service.js';
import { parseMonth } from '../src/coordination/shared/month.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call, type Who } from './coordination-support.js';

// March 2024, China Standard Time: [2024-02-29T16:00Z, 2024-03-31T16:00Z), 31 days.
// H1 (births, 2 a month): periods end 2024-03-16 12:00 and 2024-04-01 00:00 (CST).
//   b1 2024-03-17 late for period 1 (4 read: 2 accepted, 1 rejected with two problems, 1 duplicate)
//   b2 2024-03-20 on time for period 2 (2 accepted); b3 2024-03-25 a third one (1 accepted: a
//   correction of R1, whose first version moves to history); b4 failed; b0 in February.
// P1 (household, 1 a month): one batch on 2024-03-31 23:00 CST, on time. C1 (marriage, 4 a
// month): nothing. X1 is another county's.
const OFFICE: Who = { role: 'county', unit: '370725' };

async function fixture(t: TestApp) {
  const q = (text: string, values: unknown[] = []) => t.db.pool.query(text, values);
  await q(`INSERT INTO agencies (code, name, kind, division, feeds, expected_per_month) VALUES
    ('H1', '县人民医院', 'hospital', '370725001', '{birth}', 2),
    ('P1', '县公安局', 'police', '370725', '{household}', 1),
    ('C1', '县民政局', 'civil_affairs', '370725', '{marriage}', 4),
    ('X1', '邻县住建局', 'housing', '370724', '{housing}', 1)`);
  const batch = async (agency: string, feed: string, at: string, status: string, received: number, accepted: number, rejected: number, duplicate: number) => {
    const { rows } = await q(
      `INSERT INTO batches (agency, feed, channel, actor, status, received_at, finished_at, received, accepted, rejected, duplicate, error_code)
       VALUES ($1, $2, 'http', 'test', $3, $4, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [agency, feed, status, at, received, accepted, rejected, duplicate, status === 'failed' ? 'YPQ_UNPARSEABLE' : null],
    );
    return rows[0].id as number;
  };
  const b0 = await batch('H1', 'birth', '2024-02-28T10:00:00+08:00', 'committed', 1, 1, 0, 0);
  const b1 = await batch('H1', 'birth', '2024-03-17T09:00:00+08:00', 'committed', 4, 2, 1, 1);
  const b2 = await batch('H1', 'birth', '2024-03-20T09:00:00+08:00', 'committed', 2, 2, 0, 0);
  const b3 = await batch('H1', 'birth', '2024-03-25T09:00:00+08:00', 'committed', 1, 1, 0, 0);
  await batch('H1', 'birth', '2024-03-26T09:00:00+08:00', 'failed', 0, 0, 0, 0);
  const p1 = await batch('P1', 'household', '2024-03-31T23:00:00+08:00', 'committed', 3, 3, 0, 0);
  await batch('X1', 'housing', '2024-03-10T09:00:00+08:00', 'committed', 1, 1, 0, 0);
  await q(`INSERT INTO batch_rejects (agency, batch_id, position, seq, record_id, field, code, message) VALUES
    ('H1', $1, 3, 0, 'R9', 'mother_id_number', 'ID_CHECKSUM', 'x'), ('H1', $1, 3, 1, 'R9', 'birth_time', 'DATE_FORMAT', 'x')`, [b1]);
  const person = (idNumber: string | null, birthDate: string | null, name: string | null = '某某') => ({ name, idType: idNumber ? '01' : null, idNumber, idSuspect: false, sex: 2, birthDate });
  const birth = (id: string, facility: string | null, division: string | null, sex: number, mother: object, father: object | null) =>
    ({ recordId: id, facilityCode: facility, birthTime: '2024-03-01T08:00:00', birthDivision: division, child: { ...person(null, '2024-03-01', null), sex }, mother, father });
  const rec = async (table: string, agency: string, feed: string, id: string, version: number, batchId: number, record: object, extra = '') => {
    await q(
      `INSERT INTO ${table} (agency, feed, record_id, version, content_hash, record, raw, batch_id, position${extra ? ', superseded_by, stored_at' : ''})
       VALUES ($1, $2, $3, $4, '\\x00', $5, '{}', $6, 1${extra ? ', $7, now()' : ''})`,
      [agency, feed, id, version, JSON.stringify(record), batchId, ...(extra ? [Number(extra)] : [])],
    );
  };
  await rec('feed_records', 'H1', 'birth', 'R0', 1, b0, birth('R0', null, null, 1, person(null, null), null));
  await rec('feed_record_history', 'H1', 'birth', 'R1', 1, b1, birth('R1', 'F1', '370725001', 1, person('X', '1990-01-01'), null), String(b3));
  await rec('feed_records', 'H1', 'birth', 'R2', 1, b1, birth('R2', null, '370725001', 2, person('Y', null), person(null, null, '张三')));
  await rec('feed_records', 'H1', 'birth', 'R3', 1, b2, birth('R3', 'F1', null, 1, person('', '1991-02-02'), person('Z', null, '李四')));
  await rec('feed_records', 'H1', 'birth', 'R4', 1, b2, birth('R4', 'F1', '370725001', 9, person('W', '1992-03-03'), null));
  await rec('feed_records', 'H1', 'birth', 'R1', 2, b3, birth('R1', 'F1', '370725001', 1, person('X', '1990-01-01'), person('V', null, '王五')));
  for (const [id, ethnicity] of [['K1', '01'], ['K2', '01'], ['K3', null]] as const) {
    await rec('feed_records', 'P1', 'household', id, 1, p1, {
      recordId: id, type: 'birth', date: '2024-03-01', subject: { ...person('ID', '2000-01-01'), sex: 1 }, ethnicity,
      hukouDivision: '370725001', fromDivision: null, toDivision: null, householdNo: 'H', relationToHead: '02', previous: null,
    });
  }
}

describe('monthly data-sharing summary', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await fixture(t);
  });
  afterAll(() => t.close());

  it('computes supplied, accepted, rejected by reason, duplicates, reporting and on-time rate, completeness and score as by hand', async () => {
    const computed = await call(t, OFFICE, 'POST', '/v1/coordination/data-sharing/compute', { from: '2024-03', to: '2024-03' });
    expect(computed.statusCode).toBe(200);
    const res = await call(t, OFFICE, 'GET', '/v1/coordination/data-sharing/monthly?month=2024-03');
    expect(res.statusCode).toBe(200);
    const rows = res.json() as Record<string, unknown>[];
    expect(rows.map((r) => `${r.agency}/${r.feed}`)).toEqual(['C1/marriage', 'H1/birth', 'P1/household']); // X1 is another county's
    const [c1, h1, p1] = rows;
    expect(h1).toMatchObject({
      month: '2024-03', agencyName: '县人民医院', county: '370725', expected: 2, submissions: 3, onTimeSubmissions: 1, failedBatches: 1,
      supplied: 7, accepted: 5, rejected: 1, duplicates: 1, rejectedByReason: { ID_CHECKSUM: 1, DATE_FORMAT: 1 },
      reportingRate: 1, onTimeRate: 0.5, storedRecords: 5,
      completeness: {
        facilityCode: 0.8, birthDivision: 0.8, 'child.sex': 1, 'mother.idNumber': 0.8, 'mother.birthDate': 0.8,
        'father.name': 0.6, 'father.idNumber': 0.4,
      },
      completenessRate: 0.7429, // 5.2 / 7
      linkedShare: null,
      score: 77.3, // 100 × (0.4·1 + 0.3·0.5 + 0.3·0.7429)
    });
    expect(p1).toMatchObject({
      expected: 1, submissions: 1, onTimeSubmissions: 1, supplied: 3, accepted: 3, rejected: 0, duplicates: 0, rejectedByReason: {},
      reportingRate: 1, onTimeRate: 1, storedRecords: 3, completenessRate: 0.9524, score: 98.6,
    });
    expect((p1.completeness as Record<string, number>).ethnicity).toBe(0.6667);
    expect(c1).toMatchObject({ expected: 4, submissions: 0, supplied: 0, reportingRate: 0, onTimeRate: 0, storedRecords: 0, completenessRate: null, score: 0 });

    const ranking = (await call(t, OFFICE, 'GET', '/v1/coordination/data-sharing/ranking?month=2024-03')).json();
    expect(ranking.map((r: { rank: number; agency: string; score: number }) => [r.rank, r.agency, r.score])).toEqual([[1, 'P1', 98.6], [2, 'H1', 77.3], [3, 'C1', 0]]);

    // Recomputing changes nothing (the nightly job runs the same function).
    await computeSharing(t.db.pool, { from: parseMonth('2024-03'), to: parseMonth('2024-03'), onTimeDays: 0 });
    expect((await call(t, OFFICE, 'GET', '/v1/coordination/data-sharing/monthly?month=2024-03')).json().map((r: { score: number }) => r.score)).toEqual([0, 77.3, 98.6]);
  });

  it('shows each agency its own figures only, and townships none', async () => {
    const own = await call(t, { role: 'agency', unit: 'H1' }, 'GET', '/v1/coordination/data-sharing/monthly?month=2024-03');
    expect(own.json().map((r: { agency: string }) => r.agency)).toEqual(['H1']);
    expect((await call(t, { role: 'agency', unit: 'H1' }, 'GET', '/v1/coordination/data-sharing/monthly?month=2024-03&agency=P1')).statusCode).toBe(403);
    expect((await call(t, { role: 'township', unit: '370725001' }, 'GET', '/v1/coordination/data-sharing/monthly?month=2024-03')).statusCode).toBe(403);
    const neighbour = await call(t, { role: 'county', unit: '370724' }, 'GET', '/v1/coordination/data-sharing/monthly?month=2024-03');
    expect(neighbour.json().map((r: { agency: string }) => r.agency)).toEqual(['X1']);
    expect((await call(t, { role: 'agency', unit: 'H1' }, 'POST', '/v1/coordination/data-sharing/compute', { from: '2024-03', to: '2024-03' })).statusCode).toBe(403);
  });

  it('exports CSV and XLSX that read back with the same figures', async () => {
    const csv = await call(t, OFFICE, 'GET', '/v1/coordination/data-sharing/export?month=2024-03&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toMatch(/^月份 month,单位代码 agency,单位名称 agency_name,数据类别 feed,/);
    expect(lines[2]).toBe('2024-03,H1,县人民医院,birth,2,3,1,1,0.5,7,5,1,1,DATE_FORMAT:1; ID_CHECKSUM:1,0.7429,,77.3');

    const xlsx = await call(t, OFFICE, 'GET', '/v1/coordination/data-sharing/export?month=2024-03&format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['数据共享', '字段完整率']);
    const sheet = wb.getWorksheet('数据共享')!;
    expect(sheet.rowCount).toBe(4);
    const h1 = sheet.getRow(3).values as unknown[];
    expect(h1.slice(1, 10)).toEqual(['2024-03', 'H1', '县人民医院', 'birth', 2, 3, 1, 1, 0.5]);
    expect(h1[17]).toBe(77.3);
    const fields = wb.getWorksheet('字段完整率')!;
    const father = fields.getSheetValues().find((r) => Array.isArray(r) && r[2] === 'H1' && r[4] === 'father.idNumber') as unknown[];
    expect(father[5]).toBe(0.4);
    const { rows } = await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'export' AND object_type = 'coord_sharing'");
    expect(rows[0].n).toBe(2);
  });

  it('reminds late and incomplete agencies once', async () => {
    const first = await call(t, OFFICE, 'POST', '/v1/coordination/data-sharing/remind', { month: '2024-03' });
    expect(first.json()).toEqual({ reminders: 3 }); // H1 late and incomplete, C1 late
    expect((await call(t, OFFICE, 'POST', '/v1/coordination/data-sharing/remind', { month: '2024-03' })).json()).toEqual({ reminders: 0 });
    const h1 = (await call(t, { role: 'agency', unit: 'H1' }, 'GET', '/v1/coordination/reminders')).json().items;
    expect(h1.map((r: { kind: string }) => r.kind).sort()).toEqual(['sharing_incomplete', 'sharing_late']);
    expect(h1[0].message).toMatchObject({ agency: 'H1', feed: 'birth', month: '2024-03' });
    expect((await call(t, { role: 'agency', unit: 'P1' }, 'GET', '/v1/coordination/reminders')).json().items).toEqual([]);
  });

  it('reports the share of records that linked once the matching stage writes link results', async () => {
    // The matching stage's table (008_matching.sql); its shape as far as this module reads it, should it be absent.
    await t.db.pool.query(`CREATE TABLE IF NOT EXISTS link_results (agency text, feed text, record_id text, version int, role text,
      batch_id bigint, run_id bigint, status text, pid text, score float8, rule text, explanation json, model_id text)`);
    const decide = (record: string, version: number, role: string, status: string) =>
      t.db.pool.query(
        `INSERT INTO link_results (agency, feed, record_id, version, role, batch_id, run_id, status, pid, score, rule, explanation, model_id)
         SELECT 'H1', 'birth', $1, $2, $3, batch_id, 0, $4, $5, 0.99, 'test', '{}', 'test'
         FROM (SELECT batch_id FROM feed_records WHERE record_id = $1 AND version = $2
               UNION ALL SELECT batch_id FROM feed_record_history WHERE record_id = $1 AND version = $2) v`,
        [record, version, role, status, status === 'linked' ? `P-${record}-${role}` : null],
      );
    await decide('R1', 1, 'mother', 'new');
    await decide('R1', 2, 'mother', 'linked');
    await decide('R1', 2, 'child', 'linked');
    await decide('R2', 1, 'mother', 'linked');
    await decide('R2', 1, 'child', 'new');
    await decide('R3', 1, 'mother', 'linked');
    await computeSharing(t.db.pool, { from: parseMonth('2024-03'), to: parseMonth('2024-03'), onTimeDays: 0 });
    const rows = (await call(t, OFFICE, 'GET', '/v1/coordination/data-sharing/monthly?month=2024-03')).json();
    // Record versions of March batches with decisions: R1 v1, R1 v2, R2, R3 (R4 not linked yet) → R1 v2 and R3 fully linked.
    expect(rows.map((r: { agency: string; linkedShare: number | null }) => [r.agency, r.linkedShare])).toEqual([['C1', null], ['H1', 0.5], ['P1', null]]);
  });
});
