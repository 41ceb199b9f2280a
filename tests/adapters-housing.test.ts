// The housing feed (CSV, JSON): Chinese or English headers in any order, UTF-8 or GBK, every
// date form, bad rows rejected with every field error while the good ones keep their lines.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { adapterFor, FEEDS, type HousingRecord } from '../src/adapters/index.js';
import { codes, fixture, parseAll, run } from './adapters-support.js';

const housing = adapterFor('housing');

const expectedResidents = [
  { recordId: 'H001', name: '张伟', idNumber: '430102198506123214', division: '430102001001', occupancy: 'owner', movedIn: '2024-03-05', movedOut: null, phone: '13800138000' },
  { recordId: 'H002', name: '阿依古丽·买买提', idNumber: '430102199003054426', division: '430102001001', occupancy: 'tenant', movedIn: '2024-03-05', movedOut: null, phone: '073184561234' },
  { recordId: 'H003', name: '王芳', idNumber: '430102197801011130', division: '430102001', occupancy: 'other', movedIn: '2024-03-05', movedOut: '2024-06-01', phone: null },
  { recordId: 'H004', name: '李娜', idNumber: '430102199508172647', division: '430102', occupancy: 'tenant', movedIn: '2024-03-05', movedOut: null, phone: '13912345678' },
  { recordId: 'H005', name: '赵磊', idNumber: null, division: '430102001001', occupancy: 'owner', movedIn: '2023-12-01', movedOut: null, phone: null },
];

const summary = (r: HousingRecord) => ({
  recordId: r.recordId,
  name: r.subject.name,
  idNumber: r.subject.idNumber,
  division: r.division,
  occupancy: r.occupancy,
  movedIn: r.movedIn,
  movedOut: r.movedOut,
  phone: r.phone,
});

describe('housing adapter', () => {
  it('is registered with its formats, roles and a schema with an $id', () => {
    expect(FEEDS.housing).toBe(housing);
    expect(housing.formats).toEqual(['csv', 'json']);
    expect(housing.roles).toEqual(['subject']);
    expect(housing.schema.$id).toBe('HousingFeedRecord');
  });

  it('reads a UTF-8 CSV with Chinese headers: every date form, 15-digit and full-width IDs, names with ·', async () => {
    const { ok, rejects } = await parseAll(housing, fixture('housing', 'residents-zh.csv'), 'csv');
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expectedResidents);
    // The quoted address spans lines 3–4, so H003 starts on line 5.
    expect(ok.map((o) => o.position)).toEqual([2, 3, 5, 6, 7]);
    expect(ok[1].record.address).toBe('长沙市芙蓉区五一大道1号\n2栋301室');
    expect(ok[1].raw['备注']).toBe('新租户');
    expect(ok.every((o) => o.warnings.length === 0)).toBe(true);
  });

  it('reads the same file in GBK, in small chunks that split characters', async () => {
    const gbk = iconv.encode(fixture('housing', 'residents-zh.csv').toString('utf8'), 'gbk');
    const { ok, rejects } = await parseAll(housing, gbk, 'csv', { chunk: 7 });
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expectedResidents);
  });

  it('reads a UTF-8 file with BOM', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('housing', 'residents-zh.csv')]);
    const { ok } = await parseAll(housing, bom, 'csv');
    expect(ok.map((o) => o.recordId)).toEqual(['H001', 'H002', 'H003', 'H004', 'H005']);
  });

  it('reads English headers in another column order to the same records', async () => {
    const { ok, rejects } = await parseAll(housing, fixture('housing', 'residents-en.csv'), 'csv', { chunk: 50 });
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expectedResidents);
    expect(ok[1].raw.note).toBe('新租户');
  });

  it('reads the JSON form, numbers for codes and dates included', async () => {
    const { ok, rejects } = await parseAll(housing, fixture('housing', 'residents.json'), 'json', { chunk: 33 });
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expectedResidents);
    expect(ok.map((o) => o.position)).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects bad rows with every field error and keeps the good ones with their lines', async () => {
    const { ok, rejects } = await parseAll(housing, fixture('housing', 'mixed-good-and-bad.csv'), 'csv');
    expect(ok.map((o) => [o.position, o.recordId])).toEqual([
      [2, 'H101'],
      [5, 'H104'],
      [10, 'H108'],
      [12, 'H109'],
    ]);
    expect(rejects.map((r) => [r.position, r.recordId, codes(r)])).toEqual([
      [3, 'H102', ['DATE_INVALID']],
      [4, 'H103', ['REQUIRED']],
      [6, 'H101', ['DUPLICATE_ID']],
      [7, null, ['REQUIRED']],
      [8, 'H107', ['DATE_ORDER', 'DIVISION_CODE', 'ID_FORMAT', 'OCCUPANCY_CODE']],
    ]);
    const bad = rejects.find((r) => r.recordId === 'H107')!;
    expect(bad.errors.find((e) => e.code === 'DIVISION_CODE')).toMatchObject({ field: 'division', message: expect.stringContaining('区划代码 (division)') });
    expect(rejects[1].errors[0]).toMatchObject({ field: 'name', message: '姓名 (name): empty; this field is required' });
    // Messages quote dates and codes, never ID numbers or names.
    for (const r of rejects) for (const e of r.errors) expect(e.message).not.toMatch(/4301021|张伟|刘洋/);
  });

  it('keeps a wrong check digit as a suspect ID with a warning', async () => {
    const { ok } = await parseAll(housing, fixture('housing', 'mixed-good-and-bad.csv'), 'csv');
    const h104 = ok.find((o) => o.recordId === 'H104')!;
    expect(h104.record.subject).toMatchObject({ idNumber: '430102199202020520', idType: '01', idSuspect: true });
    expect(h104.warnings).toEqual([{ field: 'id_number', code: 'ID_SUSPECT', message: expect.stringContaining('check digit should be 8') }]);
    expect(ok.find((o) => o.recordId === 'H101')!.record.subject.idSuspect).toBe(false);
  });

  it('takes a passport-like number for another document, not a broken resident ID', async () => {
    const csv = '记录编号,区划代码,姓名,证件号码\nH1,430102,John Smith,E12345678\n';
    const { ok } = await parseAll(housing, csv, 'csv');
    expect(ok[0].record.subject).toMatchObject({ name: 'John Smith', idType: '99', idNumber: 'E12345678', idSuspect: false });
  });

  it('refuses XML, which the housing contract does not allow', async () => {
    const { error } = await run(housing, '<x/>', 'xml');
    expect(error?.code).toBe('YPQ_UNSUPPORTED_MEDIA');
  });

  it('refuses a CSV whose header lacks a required column, naming it', async () => {
    const { error, items } = await run(housing, '记录编号,姓名\nH1,张三\n', 'csv');
    expect(items).toEqual([]);
    expect(error?.code).toBe('YPQ_UNPARSEABLE');
    expect(error?.message).toMatch(/division \(区划代码\)/);
  });
});
