// The birth feed (CSV, XML, JSON): the same four certificates in every form and encoding give the
// same canonical records; bad certificates are rejected alone with every field error.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { adapterFor, type BirthRecord } from '../src/adapters/index.js';
import { codes, fixture, parseAll } from './adapters-support.js';

const birth = adapterFor('birth');

const expected = [
  {
    recordId: 'O430000001', birthTime: '2024-03-05T08:30:00', birthDivision: '430102001001',
    child: { name: null, sex: 1, birthDate: '2024-03-05' },
    mother: { name: '王芳', idNumber: '430102199003054426', sex: 2 },
    father: { name: '张伟', idNumber: '430102198506123214', sex: 1 },
  },
  {
    recordId: 'O430000002', birthTime: '2024-03-05T23:05:09', birthDivision: '430102001',
    child: { name: '张小美', sex: 2, birthDate: '2024-03-05' },
    mother: { name: '阿依古丽·买买提', idNumber: '430102199508172647', sex: 2 },
    father: null,
  },
  {
    recordId: 'O430000003', birthTime: '2024-03-06T00:00:00', birthDivision: '430102',
    child: { name: null, sex: 2, birthDate: '2024-03-06' },
    mother: { name: '李娜', idNumber: '430102199202020528', sex: 2 },
    father: { name: '刘洋', idNumber: '430102197801011130', sex: 1 },
  },
  {
    recordId: 'O430000004', birthTime: '2024-03-07T06:00:00', birthDivision: '430102001001',
    child: { name: '刘·安', sex: 1, birthDate: '2024-03-07' },
    mother: { name: '陈静', idNumber: '430102198707070761', sex: 2 },
    father: { name: '刘洋', idNumber: '430102198808080854', sex: 1 },
  },
];

const pick = (p: { name: string | null; idNumber?: string | null; sex: number | null; birthDate?: string | null } | null, keys: string[]) =>
  p && Object.fromEntries(keys.map((k) => [k, (p as Record<string, unknown>)[k]]));

const summary = (r: BirthRecord) => ({
  recordId: r.recordId,
  birthTime: r.birthTime,
  birthDivision: r.birthDivision,
  child: pick(r.child, ['name', 'sex', 'birthDate']),
  mother: pick(r.mother, ['name', 'idNumber', 'sex']),
  father: pick(r.father, ['name', 'idNumber', 'sex']),
});

describe('birth adapter', () => {
  it('names child, mother and father as its persons', () => {
    expect(birth.formats).toEqual(['csv', 'xml', 'json']);
    expect(birth.roles).toEqual(['child', 'mother', 'father']);
  });

  it('reads a UTF-8 CSV with Chinese headers', async () => {
    const { ok, rejects } = await parseAll(birth, fixture('birth', 'births-zh.csv'), 'csv');
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
    expect(ok.map((o) => o.position)).toEqual([2, 3, 4, 5]);
    expect(ok[1].raw['备注']).toBe('顺产');
    expect(ok[0].record.mother).toMatchObject({ idType: '01', idSuspect: false });
  });

  it('reads the same CSV written in GBK', async () => {
    const gbk = iconv.encode(fixture('birth', 'births-zh.csv').toString('utf8'), 'gbk');
    const { ok } = await parseAll(birth, gbk, 'csv', { chunk: 5 });
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('reads English headers in another order', async () => {
    const { ok } = await parseAll(birth, fixture('birth', 'births-en.csv'), 'csv');
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('reads the XML form, comments, CDATA and entities included, positions counting <birth> elements', async () => {
    const { ok, rejects } = await parseAll(birth, fixture('birth', 'births.xml'), 'xml', { chunk: 64 });
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
    expect(ok.map((o) => o.position)).toEqual([1, 2, 3, 4]);
    expect(ok[1].raw.remark).toBe('顺产 & 健康');
  });

  it('reads XML declared and written as GBK', async () => {
    const text = fixture('birth', 'births.xml').toString('utf8').replace('encoding="UTF-8"', 'encoding="GBK"');
    const { ok } = await parseAll(birth, iconv.encode(text, 'gbk'), 'xml', { chunk: 100 });
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('reads the JSON form', async () => {
    const { ok } = await parseAll(birth, fixture('birth', 'births.json'), 'json');
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('rejects bad certificates with every field error, keeps the rest, warns on a mother with a male ID', async () => {
    const { ok, rejects } = await parseAll(birth, fixture('birth', 'mixed-good-and-bad.xml'), 'xml');
    expect(ok.map((o) => [o.position, o.recordId])).toEqual([
      [1, 'B1'],
      [4, 'B4'],
      [8, 'B8'],
      [9, 'B9'],
    ]);
    expect(rejects.map((r) => [r.position, r.recordId, codes(r)])).toEqual([
      [2, 'B2', ['DATE_INVALID', 'ID_FORMAT', 'SEX_CODE']],
      [3, 'B3', ['REQUIRED']],
      [5, 'B5', ['TYPE']],
      [6, 'B6', ['DIVISION_CODE']],
      [7, 'B1', ['DUPLICATE_ID']],
    ]);
    expect(rejects[1].errors[0]).toMatchObject({ field: 'mother_name', message: '母亲姓名 (mother_name): missing; this field is required' });
    expect(rejects[2].errors[0].message).toMatch(/母亲姓名 \(mother_name\): expected text, found a list/);
    expect(ok[1].warnings).toEqual([{ field: 'mother_id_number', code: 'ID_SEX_MISMATCH', message: expect.stringContaining('says male') }]);
    // A wrong check digit: kept, marked, warned.
    expect(ok[3].record.mother).toMatchObject({ idNumber: '430102199202020521', idSuspect: true });
    expect(ok[3].warnings.map((w) => w.code)).toEqual(['ID_SUSPECT']);
  });
});
