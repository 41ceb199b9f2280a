// The pure pieces of the SQL stage: ID repairs (one typing error back to the valid numbers it
// could have been), legacy 15-digit numbers recognised under their upgrade, the persons each feed
// names, the staging rows' date ranges and prefixes — and the SQL twins agreeing with the JS.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idBlockingKeys, prepareId } from '../src/matching/index.js';
import { idRepairs } from '../src/matching/id-repair.js';
import { personsOfRecord, recordDivision } from '../src/matching/feed-persons.js';
import { legacyId, prefixEnd, stageLine, stagePersons, STAGE_COLUMNS } from '../src/matching/stage-records.js';
import { oneToManyPrior } from '../src/matching/model-store.js';
import { checkDigit } from '../src/normalise/id-number.js';
import { createTestDb, type TestDb } from './helpers/db.js';

const valid = (first17: string) => first17 + checkDigit(first17);
const id = valid('43012419850305123');
const digits17 = fc.tuple(fc.constantFrom('430124', '110105', '650102'), fc.integer({ min: 1930, max: 2020 }), fc.integer({ min: 1, max: 12 }),
  fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 999 }))
  .map(([a, y, m, d, s]) => `${a}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(s).padStart(3, '0')}`);

describe('ID repairs', () => {
  it('a verified number has none; nor has no number', () => {
    expect(idRepairs(prepareId(id))).toEqual([]);
    expect(idRepairs(null)).toEqual([]);
  });

  it('any one wrong digit of a valid number is repaired back to it, among few valid candidates', () => {
    fc.assert(fc.property(digits17, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (first17, at, delta) => {
      const good = valid(first17);
      const typed = good.slice(0, at) + ((Number(good[at]) + delta) % 10) + good.slice(at + 1);
      const repairs = idRepairs(prepareId(typed));
      expect(repairs).toContain(good);
      expect(repairs.length).toBeLessThanOrEqual(35);
      for (const r of repairs) expect(checkDigit(r.slice(0, 17))).toBe(r[17]);
    }), { numRuns: 300 });
  });

  it('two neighbouring digits exchanged, and a wrong check character, are repaired too', () => {
    fc.assert(fc.property(digits17, fc.integer({ min: 0, max: 15 }), (first17, at) => {
      const good = valid(first17);
      if (good[at] === good[at + 1]) return;
      const swapped = good.slice(0, at) + good[at + 1] + good[at] + good.slice(at + 2);
      expect(idRepairs(prepareId(swapped))).toContain(good);
    }), { numRuns: 300 });
    const wrongCheck = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(idRepairs(prepareId(wrongCheck))).toContain(id);
  });

  it('a legacy 15-digit number gets none: its one-edit variants are mostly its neighbours\' numbers', () => {
    expect(idRepairs(prepareId('430124850305123'))).toEqual([]);
  });
});

describe('legacy numbers under their upgrade', () => {
  it('recognises the 15 digits as received when the canonical number is their upgrade', () => {
    const upgraded = valid('43012419780101113');
    expect(legacyId('430124780101113', upgraded)).toBe('430124780101113');
    expect(legacyId('４３０１２４７８０１０１１１３', upgraded)).toBe('430124780101113');
    expect(legacyId(upgraded, upgraded)).toBeNull();
    expect(legacyId('430124780101114', upgraded)).toBeNull();
    expect(legacyId(null, upgraded)).toBeNull();
  });

  it('so a typo in a legacy number is one edit, not a second verified number', () => {
    const record = { recordId: 'X', examDate: '2024-03-05', subject: { name: '王芳', idType: '01', idNumber: valid('43012419780101114'), idSuspect: false, sex: null, birthDate: null },
      phone: null, address: null, residenceDivision: null, gestationalWeeks: null, expectedDate: null };
    const [p] = stagePersons([{ agency: 'A', feed: 'prenatal', recordId: 'X', version: 1, batchId: 1, record, agencyDivision: null, rawIds: { subject: '430124780101114' } }]);
    expect(p.prepared.id).toMatchObject({ verified: false, upgraded: true });
  });
});

describe('the persons each feed names', () => {
  const ref = (name: string | null, idNumber: string | null = null, sex: number | null = null, birthDate: string | null = null) =>
    ({ name, idType: idNumber ? '01' : null, idNumber, idSuspect: false, sex, birthDate });

  it('a birth certificate: child, mother, father (when named), looked for in the county of the birth place', () => {
    const rec = { birthDivision: '430124001002', birthTime: '2024-03-05T08:00:00', child: ref(null, null, 1, '2024-03-05'), mother: ref('王芳', id, 2), father: null };
    expect(personsOfRecord('birth', rec).map((p) => [p.role, p.lookIn])).toEqual([['child', '430124001002'], ['mother', '430124']]);
    expect(personsOfRecord('birth', { ...rec, father: ref('张伟', null, 1) }).map((p) => p.role)).toEqual(['child', 'mother', 'father']);
    expect(recordDivision('birth', rec)).toBe('430124001002');
  });

  it('a correction is matched by the previous identifiers; a passport number is not a resident ID', () => {
    const corr = { type: 'correction', subject: ref('李娜娜', id, 2), previous: { idNumber: null, name: '李娜' }, hukouDivision: '430124001', fromDivision: null, toDivision: null };
    expect(personsOfRecord('household', corr)[0].input).toMatchObject({ name: '李娜', idNumber: id });
    const passport = { subject: { ...ref('Anna'), idType: '03', idNumber: 'E1234567' }, residenceDivision: null, phone: null };
    expect(personsOfRecord('prenatal', passport)[0].input.idNumber).toBeNull();
  });

  it('the division a record is about: the move\'s destination, the housing division, none for a marriage', () => {
    expect(recordDivision('household', { type: 'move_in', hukouDivision: null, fromDivision: '430522', toDivision: '430124001' })).toBe('430124001');
    expect(recordDivision('household', { type: 'move_out', hukouDivision: '430124001001', fromDivision: '430124001002', toDivision: '110105' })).toBe('430124001002');
    expect(recordDivision('housing', { division: '430124001001' })).toBe('430124001001');
    expect(recordDivision('marriage', {})).toBeNull();
  });
});

describe('staging rows', () => {
  it('prefix ranges end at the next code of the same length', () => {
    expect(prefixEnd('430124001')).toBe('430124002');
    expect(prefixEnd('430129')).toBe('430130');
    expect(prefixEnd('999')).toBe('999:');
  });

  it('carry the date ranges the blocking rules probe, and a swapped date only when it is one', () => {
    const stage = (birthDate: string) => {
      const rec = { type: 'death', subject: { name: '王伟', idType: null, idNumber: null, idSuspect: false, sex: 1, birthDate }, hukouDivision: '430124001001', fromDivision: null, toDivision: null, previous: null };
      const [p] = stagePersons([{ agency: 'A', feed: 'household', recordId: 'X', version: 1, batchId: 1, record: rec, agencyDivision: null }]);
      return Object.fromEntries(stageLine(0, p).trimEnd().split('\t').map((v, k) => [STAGE_COLUMNS[k], v]));
    };
    expect(stage('1985-03-05')).toMatchObject({
      birth: '1985-03-05', birth_swapped: '1985-05-03', month_lo: '1985-03-01', month_hi: '1985-03-31', year_lo: '1985-01-01',
      year_hi: '1985-12-31', mmdd: '305', county1: '430124', surname: '王', sex: '1', look_lo: '430124001001', look_hi: '430124001002',
      lookc_lo: '430124', lookc_hi: '430125',
    });
    expect(stage('1985-02-20').birth_swapped).toBe('\\N'); // a 20th month does not exist
    expect(stage('1985-04-31'.replace('31', '30')).month_hi).toBe('1985-04-30');
    expect(stage('1984-12-02').birth_swapped).toBe('1984-02-12');
  });
});

describe('the 1:N prior', () => {
  it('puts "no one in the population" against this person, not "anyone else"', () => {
    const l = oneToManyPrior(1_000_000, 0.8);
    expect(l / (1 - l)).toBeCloseTo(0.8 / (1_000_000 * 0.2), 12);
    expect(oneToManyPrior(0)).toBeGreaterThan(0);
  });
});

describe('the SQL twins of the blocking keys', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.drop());

  it('ypq_id_window_keys gives idBlockingKeys, and ypq_mmdd month·100 + day', async () => {
    const samples = fc.sample(digits17, 50).map(valid);
    const { rows } = await db.pool.query<{ keys: string[] }>('SELECT ypq_id_window_keys(x) AS keys FROM unnest($1::text[]) WITH ORDINALITY AS t (x, n) ORDER BY n', [samples]);
    rows.forEach((r, k) => expect(r.keys).toEqual(idBlockingKeys(prepareId(samples[k]))));
    expect((await db.pool.query(`SELECT ypq_mmdd('1985-03-05') AS m, ypq_mmdd('2000-12-31') AS n`)).rows[0]).toEqual({ m: 305, n: 1231 });
  });
});
