import { describe, expect, it } from 'vitest';
import {
  compareDates, compareDivisionCodes, compareDivisions, comparePhones, compareSex, DATE_DIFFERS, DATE_EXACT, DATE_ONE_PART,
  DATE_SWAPPED, DIVISION_COUNTY, DIVISION_DIFFERS, DIVISION_TOWNSHIP, divisionNumbers, DIVISION_VILLAGE, MISSING, packDate, prepareDivisions,
  preparePhone, prepareSex,
} from '../src/matching/index.js';

const d = (a: string, b: string) => compareDates(packDate(a), packDate(b));

describe('birth dates', () => {
  it('pack every form the feeds send, and node-postgres dates', () => {
    for (const s of ['1985-03-05', '1985/3/5', '19850305', '1985年3月5日', '１９８５-03-05']) expect(packDate(s), s).toBe(19850305);
    expect(packDate(new Date(1985, 2, 5))).toBe(19850305);
  });
  it('are missing when absent or not a calendar date', () => {
    for (const s of [null, undefined, '', '1985-02-30', 'unknown']) expect(packDate(s as string)).toBe(0);
    expect(packDate(new Date(NaN))).toBe(0);
    expect(d('', '1985-03-05')).toBe(MISSING);
    expect(d('1985-03-05', '1985-02-30')).toBe(MISSING);
  });
  it('exact', () => expect(d('1985-03-05', '1985/3/5')).toBe(DATE_EXACT));
  it('day and month swapped', () => {
    expect(d('1985-03-05', '1985-05-03')).toBe(DATE_SWAPPED);
    expect(d('1985-03-12', '1985-12-03')).toBe(DATE_SWAPPED);
  });
  it('one part off: the year, the month or the day alone differs', () => {
    expect(d('1985-03-05', '1986-03-05')).toBe(DATE_ONE_PART);
    expect(d('1985-03-05', '1995-03-05')).toBe(DATE_ONE_PART);
    expect(d('1985-03-05', '1985-08-05')).toBe(DATE_ONE_PART);
    expect(d('1985-03-05', '1985-03-15')).toBe(DATE_ONE_PART);
  });
  it('differs when two parts differ, or swapped in another year', () => {
    expect(d('1985-03-05', '1985-04-06')).toBe(DATE_DIFFERS);
    expect(d('1985-03-05', '1986-05-03')).toBe(DATE_DIFFERS);
    expect(d('1985-03-05', '1990-11-21')).toBe(DATE_DIFFERS);
  });
});

describe('sex', () => {
  it('exact, differs, and unknown codes as missing', () => {
    expect(compareSex(1, 1)).toBe(0);
    expect(compareSex(2, 1)).toBe(1);
    expect(compareSex(prepareSex(9), 1)).toBe(MISSING);
    expect(compareSex(prepareSex(0), 2)).toBe(MISSING);
    expect(prepareSex('2')).toBe(2);
    expect(prepareSex(null)).toBe(0);
  });
});

describe('divisions', () => {
  it('prepare to shortest form, dropping blanks, malformed codes and duplicates', () => {
    expect(prepareDivisions(['430102001000', '430102001', null, '', 'x', '430102000000'])).toEqual(['430102001', '430102']);
  });
  it('same village, township, county, or differs', () => {
    expect(compareDivisionCodes('430102001001', '430102001001')).toBe(DIVISION_VILLAGE);
    expect(compareDivisionCodes('430102001001', '430102001002')).toBe(DIVISION_TOWNSHIP);
    expect(compareDivisionCodes('430102001', '430102001002')).toBe(DIVISION_TOWNSHIP);
    expect(compareDivisionCodes('430102001001', '430102002001')).toBe(DIVISION_COUNTY);
    expect(compareDivisionCodes('430102', '430102002001')).toBe(DIVISION_COUNTY);
    expect(compareDivisionCodes('430102001001', '430103001001')).toBe(DIVISION_DIFFERS);
    expect(compareDivisionCodes('430102', '440305')).toBe(DIVISION_DIFFERS);
  });
  it('a city or province code inside the other code says nothing; outside it, it differs', () => {
    expect(compareDivisionCodes('4301', '430102001001')).toBe(MISSING);
    expect(compareDivisionCodes('43', '430102')).toBe(MISSING);
    expect(compareDivisionCodes('4401', '430102001001')).toBe(DIVISION_DIFFERS);
  });
  it('take the best of hukou and residence against the record', () => {
    const person = prepareDivisions(['440305001001', '430102001001']); // a migrant: lives in Shenzhen, registered in Changsha
    expect(compareDivisions(prepareDivisions(['430102001001']), person)).toBe(DIVISION_VILLAGE);
    expect(compareDivisions(prepareDivisions(['440305001']), person)).toBe(DIVISION_TOWNSHIP);
    expect(compareDivisions(prepareDivisions(['4301']), person)).toBe(MISSING);
    expect(compareDivisions([], person)).toBe(MISSING);
    expect(compareDivisions(prepareDivisions(['110105']), person)).toBe(DIVISION_DIFFERS);
  });
  it('give the same level from the precomputed numbers as from the strings', () => {
    const codes = ['43', '4301', '430102', '430103', '430102001', '430102002', '430102001001', '430102001002', '430103001001', '4401', '440305001001'];
    for (const x of codes) {
      for (const y of codes) {
        const [a, b] = [prepareDivisions([x]), prepareDivisions([y, '110105001001'])];
        expect(compareDivisions(a, b, divisionNumbers(a), divisionNumbers(b)), `${x} ${y}`).toBe(compareDivisions(a, b));
      }
    }
  });
});

describe('phones', () => {
  it('prepare with parsePhone: +86, spaces and dashes dropped, junk missing', () => {
    expect(preparePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(preparePhone('n/a')).toBe('');
    expect(preparePhone(null)).toBe('');
  });
  it('exact, last 8 digits, differs, missing', () => {
    expect(comparePhones('13800138000', '13800138000')).toBe(0);
    expect(comparePhones('13800138000', '13900138000')).toBe(1); // mistyped prefix
    expect(comparePhones('073188881234', '88881234')).toBe(1); // landline with and without area code
    expect(comparePhones('07318881234', '8881234')).toBe(1); // 7-digit local number
    expect(comparePhones('13800138000', '13800138001')).toBe(2);
    expect(comparePhones('', '13800138000')).toBe(MISSING);
  });
});
