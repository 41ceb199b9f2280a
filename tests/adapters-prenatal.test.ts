// The prenatal feed (CSV, JSON): document types, gestational weeks in the forms hospitals write,
// birth dates cross-checked with the ID number. The canonical record holds the contract's
// fields and nothing more (purpose limitation, design.md).
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { adapterFor, type PrenatalRecord } from '../src/adapters/index.js';
import { codes, fixture, parseAll } from './adapters-support.js';

const prenatal = adapterFor('prenatal');

const expected = [
  ['C2024030501', '2024-03-05', '王芳', '01', '430102199003054426', '1990-03-05', 12, '2024-09-10', '430102001001'],
  ['C2024030502', '2024-03-05', '阿依古丽·买买提', '01', '430102199508172647', '1995-08-17', 20, '2024-07-20', null],
  ['C2024030503', '2024-03-06', 'Maria Garcia', '03', 'PA1234567', '1988-01-01', 32, '2024-05-01', '430102'],
  ['C2024030504', '2024-03-07', '李娜', '01', '430102199202020528', '1992-02-02', 8, null, '430102001'],
];

const summary = (r: PrenatalRecord) => [
  r.recordId, r.examDate, r.subject.name, r.subject.idType, r.subject.idNumber, r.subject.birthDate, r.gestationalWeeks, r.expectedDate, r.residenceDivision,
];

describe('prenatal adapter', () => {
  it('carries exactly the contract fields', async () => {
    const { ok } = await parseAll(prenatal, fixture('prenatal', 'exams-zh.csv'), 'csv');
    expect(Object.keys(ok[0].record).sort()).toEqual(
      ['address', 'examDate', 'expectedDate', 'facilityCode', 'gestationalWeeks', 'phone', 'recordId', 'residenceDivision', 'subject'].sort(),
    );
    expect(prenatal.roles).toEqual(['subject']);
    expect(prenatal.formats).toEqual(['csv', 'json']);
  });

  it('reads a UTF-8 CSV with Chinese headers', async () => {
    const { ok, rejects } = await parseAll(prenatal, fixture('prenatal', 'exams-zh.csv'), 'csv');
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
    expect(ok.map((o) => o.position)).toEqual([2, 4, 5, 6]);
    expect(ok.flatMap((o) => o.warnings)).toEqual([]);
  });

  it('reads the GBK form and English headers in another order', async () => {
    const gbk = iconv.encode(fixture('prenatal', 'exams-zh.csv').toString('utf8'), 'gbk');
    expect((await parseAll(prenatal, gbk, 'csv', { chunk: 11 })).ok.map((o) => summary(o.record))).toEqual(expected);
    expect((await parseAll(prenatal, fixture('prenatal', 'exams-en.csv'), 'csv')).ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('reads the JSON form', async () => {
    const { ok } = await parseAll(prenatal, fixture('prenatal', 'exams.json'), 'json');
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('rejects bad records with every field error and warns on a birth date the ID disagrees with', async () => {
    const { ok, rejects } = await parseAll(prenatal, fixture('prenatal', 'mixed-good-and-bad.json'), 'json');
    expect(ok.map((o) => [o.position, o.recordId, o.warnings.map((w) => w.code)])).toEqual([
      [1, 'P1', []],
      [4, 'P4', ['ID_BIRTH_DATE_MISMATCH']],
      [7, 'P7', []],
      [8, 'P8', ['ID_SUSPECT']],
    ]);
    expect(rejects.map((r) => [r.position, r.recordId, codes(r)])).toEqual([
      [2, 'P2', ['GESTATION_RANGE', 'TYPE']],
      [3, 'P3', ['GESTATION_FORMAT', 'ID_TYPE_CODE']],
      [5, 'P5', ['DIVISION_CODE']],
      [6, 'P6', ['PHONE_FORMAT']],
    ]);
    expect(rejects[0].errors.find((e) => e.code === 'TYPE')!.message).toBe('证件号码 (id_number): expected text, found a number');
    expect(ok[1].warnings[0].message).toBe('证件号码 (id_number): the birth date in the number differs from 出生日期 (birth_date)');
    expect(ok[3].record.subject).toMatchObject({ idType: '01', idNumber: '430102199508172640', idSuspect: true });
    expect(ok[3].warnings[0].message).toBe('证件号码 (id_number): check digit should be 7; the number is kept but marked suspect');
  });
});
