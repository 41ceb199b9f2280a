import { describe, expect, it } from 'vitest';
import { checkDigit } from '../src/normalise/id-number.js';
import {
  blockingKeys, comparePair, comparePairs, FLAG_VERIFIED_ID_EQUAL, FLAG_VERIFIED_IDS_DIFFER, MISSING, PERSON_COMPARISON_COUNT,
  preparePerson, prepareRecord, type BlockingRule, type PreparedRecord,
} from '../src/matching/index.js';

const id = (first17: string) => first17 + checkDigit(first17);
const ID1 = id('43010219850305122');
const ID2 = id('43010219850305144');

describe('comparing pairs', () => {
  const rec = prepareRecord({ idNumber: ID1, name: '李秀英', sex: 2, birthDate: '1985-03-05', divisions: ['430102001001'], phone: '13800138000' });
  it('writes six levels per pair and the hard-rule flags', () => {
    const v = new Int8Array(PERSON_COMPARISON_COUNT);
    expect(comparePair(rec, rec, v, 0)).toBe(FLAG_VERIFIED_ID_EQUAL);
    expect(Array.from(v)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(comparePair(rec, prepareRecord({ idNumber: ID2 }), v, 0)).toBe(FLAG_VERIFIED_IDS_DIFFER);
    expect(Array.from(v)).toEqual([2, MISSING, MISSING, MISSING, MISSING, MISSING]);
    expect(comparePair(rec, prepareRecord({ name: '李秀英' }), v, 0)).toBe(0);
  });
  it('prepares a persons row from its columns, using the stored name forms', () => {
    const p = preparePerson({
      id_number: ID1, name: '李秀英', name_norm: '李秀英', name_pinyin: 'lixiuying', sex: 2, birth_date: new Date(1985, 2, 5),
      hukou_division: '430102001001', residence_division: '440305001', phone: '13800138000',
    });
    expect(p.birth).toBe(19850305);
    expect(p.divisions).toEqual(['440305001', '430102001001']);
    const v = new Int8Array(PERSON_COMPARISON_COUNT);
    comparePair(rec, p, v, 0);
    expect(Array.from(v)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('in bulk gives the same rows as one at a time, and looks up a name frequency once per record', () => {
    const records = [rec, prepareRecord({ name: '王伟', birthDate: '1990-01-01' })];
    const persons: PreparedRecord[] = [
      rec,
      prepareRecord({ idNumber: ID2, name: '李秀英' }),
      prepareRecord({ name: '王伟', birthDate: '1990-01-10' }),
      prepareRecord({ name: '王偉', birthDate: '1990-01-01' }),
    ];
    const left = Uint32Array.from([0, 0, 1, 1]);
    const right = Uint32Array.from([0, 1, 2, 3]);
    const looked: string[] = [];
    const c = comparePairs(records, persons, left, right, { name: (n) => (looked.push(n), n === '王伟' ? 1e-3 : 1e-6) });
    for (let i = 0; i < 4; i++) {
      const v = new Int8Array(PERSON_COMPARISON_COUNT);
      const f = comparePair(records[left[i]], persons[right[i]], v, 0);
      expect(Array.from(c.vectors.subarray(i * 6, i * 6 + 6))).toEqual(Array.from(v));
      expect(c.flags[i]).toBe(f);
    }
    expect(Array.from(c.tf)).toEqual([1e-6, 1e-6, 1e-3, 1e-3]);
    expect(looked).toEqual(['李秀英', '王伟']);
  });
});

describe('blocking keys', () => {
  const keysOf = (r: PreparedRecord) => new Set(blockingKeys(r).map((k) => `${k.rule}:${k.key}`));
  const meet = (a: PreparedRecord, b: PreparedRecord): BlockingRule[] => {
    const ka = keysOf(a);
    return [...new Set(blockingKeys(b).filter((k) => ka.has(`${k.rule}:${k.key}`)).map((k) => k.rule))];
  };
  const person = prepareRecord({ idNumber: ID1, name: '张伟', sex: 1, birthDate: '1985-03-05', divisions: ['430102001001', '440305001'], phone: '13800138000' });
  it('meet a record with a mistyped ID digit', () => {
    const typo = ID1.slice(0, 8) + '9' + ID1.slice(9);
    expect(meet(prepareRecord({ idNumber: typo }), person)).toContain('id');
  });
  it('meet a homophone or traditional-character name on the birth date', () => {
    expect(meet(prepareRecord({ name: '章伟', birthDate: '1985-03-05' }), person)).toContain('pinyin_birth');
    expect(meet(prepareRecord({ name: '張偉', birthDate: '19850305' }), person)).toContain('pinyin_birth');
  });
  it('meet a birth date with day and month swapped, or one part off', () => {
    expect(meet(prepareRecord({ name: '张伟', birthDate: '1985-05-03' }), person)).toContain('pinyin_birth_swapped');
    expect(meet(prepareRecord({ name: '张伟', birthDate: '1985-03-25' }), person)).toContain('pinyin_year_month');
    expect(meet(prepareRecord({ name: '张伟', birthDate: '1985-08-05' }), person)).toContain('pinyin_year_day');
    expect(meet(prepareRecord({ name: '张伟', birthDate: '1958-03-05' }), person)).toContain('pinyin_month_day');
  });
  it('meet a look-alike name through birth date, county and sex', () => {
    expect(meet(prepareRecord({ name: '张伞', sex: 1, birthDate: '1985-03-05', divisions: ['440305002001'] }), person)).toEqual(['birth_county_sex']);
  });
  it('meet a mother without a birth date by name and county, and anyone by phone', () => {
    expect(meet(prepareRecord({ name: '张伟', divisions: ['430102'] }), person)).toEqual(['pinyin_county']);
    expect(meet(prepareRecord({ phone: '+86 139 0013 8000' }), person)).toEqual(['phone']);
  });
  it('keep strangers apart', () => {
    expect(meet(prepareRecord({ idNumber: id('11010519900701234'), name: '王芳', sex: 2, birthDate: '1990-07-01', divisions: ['110105'] }), person)).toEqual([]);
  });
  it('give nothing for an empty record', () => expect(blockingKeys(prepareRecord({}))).toEqual([]));
});
