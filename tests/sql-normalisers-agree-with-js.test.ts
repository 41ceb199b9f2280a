// The bulk imports normalise inside PostgreSQL with the ypq_* functions of migration 003; the
// feeds normalise in Node with src/normalise. Both must say the same about every input, so each
// SQL function is run here on thousands of generated inputs and compared with its JS original.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation, Rng } from '../fixtures/generator/index.js';
import {
  ETHNICITIES, parseDate, parseDivision, parseEthnicity, parseIdNumber, parseMarital, parsePhone, parseSex,
} from '../src/normalise/index.js';
import { createTestDb, type TestDb } from './helpers/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.drop());

/** Runs a one-argument SQL expression ($v) over all inputs in one query. */
async function sqlMap(expr: string, inputs: string[]): Promise<unknown[]> {
  const { rows } = await db.pool.query(
    `SELECT ${expr} AS r FROM unnest($1::text[]) WITH ORDINALITY AS t(v, i) ORDER BY i`,
    [inputs],
  );
  return rows.map((r) => r.r);
}

const rng = new Rng('sql-js-agreement');
const FULLWIDTH = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const SPACES = [' ', '\u3000', '\t', '\u00a0', '\ufeff', ''];
const pad = (s: string) => rng.pick(SPACES) + s + rng.pick(SPACES);
/** Variants agencies produce: full-width, padded, upper/lower case, the odd stray character. */
function variants(base: string): string[] {
  return [base, pad(base), FULLWIDTH(base), base.toUpperCase(), base.toLowerCase(), base + rng.pick(['x', '0', '.', '-', '号']), base.slice(1)];
}
const weird = fc.sample(fc.string({ unit: 'grapheme', maxLength: 12 }), { seed: 42, numRuns: 400 });

describe('SQL normalisers agree with src/normalise', () => {
  it('ID numbers: value, 15→18 upgrade and suspect status', async () => {
    const inputs: string[] = [];
    for (const p of generatePopulation({ seed: 'ids', persons: 1500 })) {
      if (!p.idNumber) continue;
      const id = p.idNumber;
      inputs.push(id, id.toLowerCase(), FULLWIDTH(id), `${id.slice(0, 6)} ${id.slice(6, 14)}-${id.slice(14)}`);
      inputs.push(id.slice(0, 17) + rng.pick('0123456789X')); // often a wrong check digit
      inputs.push(id.slice(0, 6) + id.slice(8, 17)); // the 15-digit form
      inputs.push(id.slice(0, 10) + rng.pick(['13', '00', '02']) + rng.pick(['30', '31', '00']) + id.slice(14)); // impossible dates
      inputs.push(id.slice(0, 6) + '1879' + id.slice(10), id.slice(0, 16), id + '1', id.replace(/\d$/, 'Y'));
    }
    inputs.push(...weird, '', '   ', '１２３', 'X'.repeat(18), '0'.repeat(18), '0'.repeat(15));
    const sqlValue = await sqlMap('ypq_id_number(v)', inputs);
    const sqlSuspect = await sqlMap('CASE WHEN ypq_id_number(v) IS NOT NULL THEN ypq_id_suspect(ypq_id_number(v)) END', inputs);
    inputs.forEach((raw, i) => {
      const js = parseIdNumber(raw);
      expect({ raw, value: sqlValue[i], suspect: sqlSuspect[i] }).toEqual({
        raw,
        value: js.ok ? js.id.value : null,
        suspect: js.ok ? js.id.status === 'suspect' : null,
      });
    });
  });

  it('dates in every contract form, real or not', async () => {
    const inputs: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const y = String(rng.pick([rng.int(1870, 2030), rng.int(0, 9999)])).padStart(4, '0');
      const m = rng.int(0, 13), d = rng.int(0, 32);
      const mm = String(m).padStart(2, '0'), dd = String(d).padStart(2, '0');
      inputs.push(`${y}-${mm}-${dd}`, `${y}/${m}/${d}`, `${y}${mm}${dd}`, `${y}年${m}月${d}日`, `${y}.${m}.${d}`, `${y}-${m}/${d}`);
      if (i < 200) inputs.push(...variants(`${y}-${mm}-${dd}`), `${y}年${m}月${d}`, `${y}-${mm}-${dd} 08:00`, `${y}${m}${d}`);
    }
    inputs.push(...weird, '2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '0000-01-01', '');
    const value = await sqlMap('ypq_date(v)', inputs);
    const error = await sqlMap('ypq_date_error(v)', inputs);
    inputs.forEach((raw, i) => {
      const js = parseDate(raw);
      expect({ raw, value: value[i], error: error[i] }).toEqual({ raw, value: js.ok ? js.value : null, error: js.ok ? null : js.code });
    });
  });

  it('sex, marital status and ethnicity codes and words', async () => {
    const words = [
      '0', '1', '2', '9', '男', '女', '男性', '女性', 'm', 'f', 'male', 'female', 'unknown', '未知', '未说明', '未知的性别', '未说明的性别',
      '10', '20', '21', '22', '23', '30', '40', '90', '未婚', '已婚', '初婚', '再婚', '复婚', '丧偶', '离婚', 'single', 'married',
      'widowed', 'divorced', '未说明的婚姻状况', '3', '11', '19', '其他', '外国血统', '外国血统中国籍人士', '97', '98', '99', '00', '57',
      ...ETHNICITIES, ...ETHNICITIES.map((e) => `${e}族`), '1.0', '001', '汉 族', '土族', '土家族',
    ];
    for (let n = 0; n <= 100; n++) words.push(String(n), String(n).padStart(2, '0'));
    const inputs = [...words.flatMap(variants), ...weird];
    const [sex, marital, ethnicity] = await Promise.all([
      sqlMap('ypq_sex(v)', inputs), sqlMap('ypq_marital(v)', inputs), sqlMap('ypq_ethnicity(v)', inputs),
    ]);
    inputs.forEach((raw, i) => {
      const s = parseSex(raw), m = parseMarital(raw), e = parseEthnicity(raw);
      expect({ raw, sex: sex[i], marital: marital[i], ethnicity: ethnicity[i] }).toEqual({
        raw,
        sex: s.ok ? s.value : null,
        marital: m.ok ? m.value : null,
        ethnicity: e.ok ? e.value : null,
      });
    });
  });

  it('division codes to their shortest form', async () => {
    const inputs: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const groups = [rng.pick(['43', '00', '65']), rng.pick(['01', '00']), rng.pick(['24', '00']), rng.pick(['001', '000', '100']), rng.pick(['201', '000', '010'])];
      const full = groups.join('');
      inputs.push(full, full.slice(0, rng.pick([2, 4, 6, 9, 12, 1, 3, 5, 7, 8, 10, 11, 13])), ...(i < 100 ? variants(full) : []));
    }
    inputs.push(...weird, '00', '0000', '000000000000', '430124000000 ', '43012400000O');
    const value = await sqlMap('ypq_division(v)', inputs);
    inputs.forEach((raw, i) => {
      const js = parseDivision(raw);
      expect({ raw, value: value[i] }).toEqual({ raw, value: js.ok ? js.value : null });
    });
  });

  it('phone numbers with country codes, separators and full-width digits', async () => {
    const inputs: string[] = [];
    for (const p of generatePopulation({ seed: 'phones', persons: 800 })) {
      if (!p.phone) continue;
      const ph = p.phone;
      inputs.push(ph, `+86${ph}`, `0086 ${ph}`, `86-${ph}`, `${ph.slice(0, 3)}-${ph.slice(3, 7)} ${ph.slice(7)}`, FULLWIDTH(ph), `(0731)${ph.slice(3)}`);
      inputs.push(ph.slice(1), ph + '9', `${ph.slice(0, 4)}\u2013${ph.slice(4)}`, `+86 0731 ${ph.slice(4)}`);
    }
    inputs.push(...weird, '12345678', '23456789', '1234567', '02012345678', '010123456789', '0101234567890', '');
    const value = await sqlMap('ypq_phone(v)', inputs);
    inputs.forEach((raw, i) => {
      const js = parsePhone(raw);
      expect({ raw, value: value[i] }).toEqual({ raw, value: js.ok ? js.value : null });
    });
  });

  it('person status words', async () => {
    const got = await sqlMap('ypq_person_status(v)', ['1', ' 2 ', '３', '正常', '死亡', '迁出', 'Dead', '4', '', '0']);
    expect(got).toEqual([1, 2, 3, 1, 2, 3, 2, null, null, null]);
  });
});
