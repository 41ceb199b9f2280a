// The marriage feed (CSV, XML, JSON): Chinese kinds and headers, both parties cross-checked
// against their ID numbers (warnings), bad registrations rejected alone.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { adapterFor, type MarriageRecord } from '../src/adapters/index.js';
import { codes, fixture, parseAll } from './adapters-support.js';

const marriage = adapterFor('marriage');

const expected = [
  ['J430102-2024-0001', 'marriage', '2024-03-05', ['张伟', '430102198506123214', '1985-06-12'], ['王芳', '430102199003054426', '1990-03-05']],
  ['J430102-2024-0002', 'divorce', '2024-03-06', ['刘洋', '430102197801011130', '1978-01-01'], ['李娜', '430102199202020528', '1992-02-02']],
  ['J430102-2024-0003', 'annulment', '2024-03-07', ['艾力·买买提', '430102198808080854', '1988-08-08'], ['阿依古丽·买买提', '430102199508172647', '1995-08-17']],
  ['J430102-2024-0004', 'reissue', '2024-03-08', ['John Smith', 'E12345678', '1980-01-01'], ['陈静', '430102198707070761', null]],
];

const summary = (r: MarriageRecord) => [
  r.recordId,
  r.kind,
  r.registeredOn,
  [r.party1.name, r.party1.idNumber, r.party1.birthDate],
  [r.party2.name, r.party2.idNumber, r.party2.birthDate],
];

describe('marriage adapter', () => {
  it('names party1 (男方) and party2 (女方)', () => {
    expect(marriage.roles).toEqual(['party1', 'party2']);
  });

  it('reads a UTF-8 CSV with Chinese headers and Chinese kinds', async () => {
    const { ok, rejects } = await parseAll(marriage, fixture('marriage', 'marriages-zh.csv'), 'csv');
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
    expect(ok[0].record.party1).toMatchObject({ sex: 1, idType: '01' });
    expect(ok[0].record.party2).toMatchObject({ sex: 2 });
    expect(ok[3].record.party1).toMatchObject({ idType: '99', idSuspect: false });
    expect(ok.flatMap((o) => o.warnings)).toEqual([]);
  });

  it('reads it in GBK and with English headers in another order', async () => {
    const gbk = iconv.encode(fixture('marriage', 'marriages-zh.csv').toString('utf8'), 'gb18030');
    expect((await parseAll(marriage, gbk, 'csv', { chunk: 3 })).ok.map((o) => summary(o.record))).toEqual(expected);
    const en = await parseAll(marriage, fixture('marriage', 'marriages-en.csv'), 'csv');
    expect(en.ok.map((o) => summary(o.record))).toEqual(expected);
    expect(en.ok[3].raw.remark).toBe('补领结婚证');
  });

  it('reads XML with attributes, English or Chinese element names', async () => {
    const { ok, rejects } = await parseAll(marriage, fixture('marriage', 'marriages.xml'), 'xml', { chunk: 77 });
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('reads the JSON form', async () => {
    const { ok } = await parseAll(marriage, fixture('marriage', 'marriages.json'), 'json');
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('rejects unknown kinds, missing dates and names, and keeps the good ones with warnings', async () => {
    const { ok, rejects } = await parseAll(marriage, fixture('marriage', 'mixed-good-and-bad.csv'), 'csv');
    expect(ok.map((o) => [o.position, o.recordId, o.warnings.map((w) => `${w.field}:${w.code}`).sort()])).toEqual([
      [2, 'M1', []],
      [5, 'M4', ['party1_id_number:ID_BIRTH_DATE_MISMATCH', 'party2_id_number:ID_BIRTH_DATE_MISMATCH', 'party2_id_number:ID_SEX_MISMATCH']],
      [6, 'M5', ['party1_id_number:ID_SUSPECT']],
      [8, 'M7', []],
    ]);
    expect(rejects.map((r) => [r.position, r.recordId, codes(r)])).toEqual([
      [3, 'M2', ['UNKNOWN_TYPE']],
      [4, 'M3', ['REQUIRED', 'REQUIRED']],
      [7, 'M6', ['NAME_FORMAT']],
    ]);
    expect(rejects[0].errors[0].message).toBe('登记类型 (kind): "wedding" is not one of marriage 结婚登记, divorce 离婚登记, annulment 撤销婚姻, reissue 补领');
    expect(ok[2].record.party1.idSuspect).toBe(true);
  });
});
