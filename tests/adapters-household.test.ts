// The household feed (nested XML, JSON): every event type in English or Chinese, corrections
// with their previous identifiers, bad events rejected alone.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { adapterFor, type HouseholdRecord } from '../src/adapters/index.js';
import { codes, fixture, parseAll, run } from './adapters-support.js';

const household = adapterFor('household');

const expected = [
  ['E2024-0001', 'birth', '2024-03-01', '张小明', '430102202403010013', 1, '2024-03-01', '01', '430102001001', null, null],
  ['E2024-0002', 'move_in', '2024-03-02', '阿依古丽·买买提', '430102199508172647', 2, '1995-08-17', '05', null, '650102', '430102001'],
  ['E2024-0003', 'move_out', '2024-03-03', '刘洋', '430102197801011130', 1, '1978-01-01', null, '430102001001', null, '110105'],
  ['E2024-0004', 'death', '2024-03-04', '赵磊', '110105198001010016', 1, '1980-01-01', '01', '430102001', null, null],
  ['E2024-0005', 'correction', '2024-03-05', '李娜', '430102199202020528', 2, '1992-02-02', null, '430102001001', null, null],
];

const summary = (r: HouseholdRecord) => [
  r.recordId, r.type, r.date, r.subject.name, r.subject.idNumber, r.subject.sex, r.subject.birthDate, r.ethnicity, r.hukouDivision, r.fromDivision, r.toDivision,
];

describe('household adapter', () => {
  it('accepts XML and JSON only', async () => {
    expect(household.formats).toEqual(['xml', 'json']);
    expect((await run(household, 'id,type\n1,birth\n', 'csv')).error?.code).toBe('YPQ_UNSUPPORTED_MEDIA');
  });

  it('reads the nested XML form with every event type', async () => {
    const { ok, rejects } = await parseAll(household, fixture('household', 'events.xml'), 'xml', { chunk: 90 });
    expect(rejects).toEqual([]);
    expect(ok.map((o) => summary(o.record))).toEqual(expected);
    expect(ok.map((o) => o.position)).toEqual([1, 2, 3, 4, 5]);
    expect(ok[0].record).toMatchObject({ householdNo: '430102001001-0012', relationToHead: '子', previous: null });
    expect(ok[4].record.previous).toEqual({ idNumber: '430102199202020520', idSuspect: true, name: '李那' });
    // A suspect previous ID warns like any other.
    expect(ok[4].warnings.map((w) => `${w.field}:${w.code}`)).toEqual(['previous.idNumber:ID_SUSPECT']);
  });

  it('reads the same events in GBK XML and in JSON', async () => {
    const text = fixture('household', 'events.xml').toString('utf8').replace('encoding="UTF-8"', 'encoding="GB18030"');
    expect((await parseAll(household, iconv.encode(text, 'gb18030'), 'xml')).ok.map((o) => summary(o.record))).toEqual(expected);
    expect((await parseAll(household, fixture('household', 'events.json'), 'json')).ok.map((o) => summary(o.record))).toEqual(expected);
  });

  it('rejects unknown types, missing persons, corrections without previous values; warns on disagreements', async () => {
    const { ok, rejects } = await parseAll(household, fixture('household', 'mixed-good-and-bad.xml'), 'xml');
    expect(ok.map((o) => [o.position, o.recordId, o.warnings.map((w) => w.code).sort()])).toEqual([
      [1, 'K1', []],
      [5, 'K5', ['ID_BIRTH_DATE_MISMATCH', 'ID_SEX_MISMATCH']],
      [8, 'K8', []],
    ]);
    expect(rejects.map((r) => [r.position, r.recordId, codes(r)])).toEqual([
      [2, 'K2', ['UNKNOWN_TYPE']],
      [3, 'K3', ['REQUIRED']],
      [4, 'K4', ['REQUIRED']],
      [6, null, ['REQUIRED']],
      [7, 'K7', ['ETHNICITY_CODE', 'ID_FORMAT', 'REQUIRED']],
    ]);
    expect(rejects[1].errors[0]).toMatchObject({ field: 'person', message: '人员 (person): missing; this field is required' });
    expect(rejects[2].errors[0].field).toBe('previous');
    expect(rejects[3].errors[0].field).toBe('id');
    expect(ok[1].warnings.find((w) => w.code === 'ID_SEX_MISMATCH')!.message).toBe(
      "公民身份号码 (person.idNumber): the number's 17th digit says female, but 性别 (person.sex) says male",
    );
  });
});
