// The population import normalises ID and phone numbers inside PostgreSQL with the ypq_* functions
// of migration 003; the feeds normalise in Node with src/normalise. Both must say the same about
// every input, so each SQL function runs here on thousands of generated inputs and is compared
// with its JS original.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation, Rng } from '../fixtures/generator/index.js';
import { parseIdNumber, parsePhone } from '../src/normalise/index.js';
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
const weird = fc.sample(fc.string({ unit: 'grapheme', maxLength: 12 }), { seed: 42, numRuns: 400 });

describe('SQL normalisers agree with src/normalise', () => {
  it('ID numbers: value, 15→18 upgrade and suspect status', async () => {
    const inputs: string[] = [];
    for (const p of generatePopulation({ seed: 'ids', persons: 1500 })) {
      if (!p.idNumber) continue;
      const id = p.idNumber;
      inputs.push(id, pad(id.toLowerCase()), FULLWIDTH(id), `${id.slice(0, 6)} ${id.slice(6, 14)}-${id.slice(14)}`);
      inputs.push(id.slice(0, 17) + rng.pick('0123456789X')); // often a wrong check digit
      inputs.push(id.slice(0, 6) + id.slice(8, 17), pad(id.slice(0, 6) + id.slice(8, 17))); // the 15-digit form
      inputs.push(id.slice(0, 10) + rng.pick(['13', '00', '02']) + rng.pick(['30', '31', '00']) + id.slice(14)); // impossible dates
      inputs.push(id.slice(0, 6) + '1879' + id.slice(10), id.slice(0, 16), id + '1', id.replace(/\d$/, 'Y'));
    }
    inputs.push(...weird, '', '   ', '１２３', 'X'.repeat(18), '0'.repeat(18), '0'.repeat(15));
    const canonical = await sqlMap('ypq_id_canonical(v)', inputs);
    inputs.forEach((raw, i) => expect({ raw, canonical: canonical[i] }).toEqual({ raw, canonical: /^\d{17}[\dX]$/.test(raw) }));
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

  it('phone numbers with country codes, separators and full-width digits', async () => {
    const inputs: string[] = [];
    for (const p of generatePopulation({ seed: 'phones', persons: 800 })) {
      if (!p.phone) continue;
      const ph = p.phone;
      inputs.push(ph, `+86${ph}`, `0086 ${ph}`, `86-${ph}`, `${ph.slice(0, 3)}-${ph.slice(3, 7)} ${ph.slice(7)}`, FULLWIDTH(ph), `(0731)${ph.slice(3)}`);
      inputs.push(pad(ph), ph.slice(1), ph + '9', `${ph.slice(0, 4)}\u2013${ph.slice(4)}`, `+86 0731 ${ph.slice(4)}`);
    }
    inputs.push(...weird, '12345678', '23456789', '1234567', '02012345678', '010123456789', '0101234567890', '');
    const canonical = await sqlMap('ypq_phone_canonical(v)', inputs);
    inputs.forEach((raw, i) => expect({ raw, canonical: canonical[i] }).toEqual({ raw, canonical: /^1[3-9]\d{9}$/.test(raw) }));
    const value = await sqlMap('ypq_phone(v)', inputs);
    inputs.forEach((raw, i) => {
      const js = parsePhone(raw);
      expect({ raw, value: value[i] }).toEqual({ raw, value: js.ok ? js.value : null });
    });
  });
});
