// The same generated county, written as UTF-8 with Chinese headers, as GBK, and with English
// headers in another column order plus a column the contract does not know: each loads into the
// same persons and family links, equal to what the generator made.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  POPULATION_COLUMNS, demoCounty, generatePopulation, writeCsvFile, writePopulationCsv, type Column, type FixturePerson,
} from '../fixtures/generator/index.js';
import { createLogger } from '../src/logger.js';
import { namePinyin, normaliseName } from '../src/normalise/index.js';
import { importPopulation } from '../src/population/population-import.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { scratchDir } from './helpers/import-files.js';

const county = demoCounty({ seed: 'import-encodings' });
const truth: FixturePerson[] = [...generatePopulation({ seed: 'import-encodings', persons: 400, county })];
const scratch = scratchDir('encodings');
const log = createLogger('silent');
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.drop();
  scratch.remove();
});

async function loaded() {
  const { rows } = await db.pool.query('SELECT * FROM person_view ORDER BY pid');
  return rows;
}

function expectTruth(rows: Record<string, unknown>[]) {
  expect(rows).toHaveLength(truth.length);
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  for (const p of truth) {
    expect(byPid.get(p.pid)).toMatchObject({
      id_number: p.idNumber, id_suspect: false, name: p.name, name_norm: normaliseName(p.name), name_pinyin: namePinyin(normaliseName(p.name)),
      sex: p.sex, birth_date: p.birthDate, ethnicity: p.ethnicity, hukou_division: p.hukouDivision,
      residence_division: p.residenceDivision, marital_status: p.maritalStatus, phone: p.phone, status: p.status,
      spouse_pid: p.spousePid, mother_pid: p.motherPid, father_pid: p.fatherPid,
    });
  }
}

describe('population import reads every encoding and header form of the contract', () => {
  it('UTF-8 with Chinese headers (and a byte-order mark)', async () => {
    const file = scratch.file('utf8.csv');
    await writePopulationCsv(file, truth, { encoding: 'utf8', bom: true });
    const r = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ encoding: 'utf8', fallback: false, read: 400, inserted: 400, rejected: 0, warnings: 0, rejectsFile: null });
    expectTruth(await loaded());
  });

  it('GBK with Chinese headers and Windows line endings', async () => {
    await db.pool.query('TRUNCATE persons, person_relations, person_history');
    const file = scratch.file('gbk.csv');
    await writePopulationCsv(file, truth, { encoding: 'gbk', eol: '\r\n' });
    expect(fs.readFileSync(file).includes(Buffer.from('姓名'))).toBe(false); // really not UTF-8
    const r = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ encoding: 'gb18030', fallback: false, inserted: 400, rejected: 0 });
    expectTruth(await loaded());
  });

  it('English headers in another order, with an unknown column, unchanged on re-import of the same people', async () => {
    const reversed: Column<FixturePerson>[] = [...POPULATION_COLUMNS].reverse();
    reversed.splice(3, 0, { key: 'remark', zh: '备注', value: () => '备注, with a comma' });
    const file = scratch.file('english.csv');
    await writeCsvFile(file, truth, reversed, { headers: 'en' });
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe(
      'status,phone,father_pid,remark,mother_pid,spouse_pid,marital_status,residence_division,hukou_division,ethnicity,birth_date,sex,name,id_number,pid',
    );
    const r = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ read: 400, inserted: 0, updated: 0, unchanged: 400, rejected: 0 });
    await db.pool.query('TRUNCATE persons, person_relations, person_history');
    const again = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(again).toMatchObject({ inserted: 400, rejected: 0 });
    expectTruth(await loaded());
  });
});
