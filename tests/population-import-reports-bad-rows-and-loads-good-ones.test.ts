// One file with every kind of bad value: each bad row is reported with its row, field and code
// (in the rejects CSV and in import_rejects) and the good rows load, normalised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { parseIdNumber } from '../src/normalise/index.js';
import { importPopulation } from '../src/population/population-import.js';
import type { ImportResult } from '../src/reference/import-run.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { copyFixture, readRejects, scratchDir, type RejectLine } from './helpers/import-files.js';

let db: TestDb;
const scratch = scratchDir('bad-values');
let result: ImportResult;
let rejects: RejectLine[];

beforeAll(async () => {
  db = await createTestDb();
  const file = copyFixture('fixtures/population/bad-values.csv', scratch.dir);
  result = await importPopulation(db.pool, { file, actor: 'test:bad-values', log: createLogger('silent') });
  rejects = readRejects(result.rejectsFile!);
});
afterAll(async () => {
  await db.drop();
  scratch.remove();
});

const person = async (pid: string) => (await db.pool.query('SELECT * FROM person_view WHERE pid = $1', [pid])).rows[0];
const errorsOf = (row: number) => rejects.filter((r) => r.row === row && r.severity === 'error').map((r) => [r.field, r.code]);

describe('population import of a file with bad rows', () => {
  it('counts what it read, loaded and rejected', () => {
    expect(result).toMatchObject({ read: 13, inserted: 6, updated: 0, unchanged: 0, rejected: 7 });
    expect(result.fallback).toBe(false); // well-formed CSV: PostgreSQL's COPY read it
  });

  it('reports each bad row with its line, field and code', () => {
    expect(errorsOf(4)).toEqual([['id_number', 'ID_FORMAT']]);
    expect(errorsOf(5)).toEqual([['birth_date', 'DATE_INVALID']]);
    expect(errorsOf(6)).toEqual([['sex', 'SEX_CODE']]);
    expect(errorsOf(7)).toEqual([['name', 'NAME_MISSING']]);
    expect(errorsOf(8)).toEqual([['pid', 'PID_DUPLICATE']]);
    expect(errorsOf(13)).toEqual([['phone', 'PHONE_FORMAT']]);
    expect(errorsOf(14)).toEqual([['hukou_division', 'DIVISION_CODE']]);
    expect(rejects.find((r) => r.row === 8)!.message).toMatch(/P001 already appears on row 2/);
    expect(rejects.find((r) => r.row === 6)!.message).toMatch(/"x" is not a sex code/);
    expect(rejects.find((r) => r.row === 4)!).toMatchObject({ key: 'P003' });
  });

  it('stores the same findings in import_rejects', async () => {
    const { rows } = await db.pool.query(
      'SELECT row_no, field, code, severity FROM import_rejects WHERE run_id = $1 ORDER BY row_no, field',
      [result.runId],
    );
    expect(rows.map((r) => [r.row_no, r.field, r.code, r.severity])).toEqual(
      [...rejects].sort((a, b) => a.row - b.row || a.field.localeCompare(b.field)).map((r) => [r.row, r.field, r.code, r.severity]),
    );
    const run = (await db.pool.query('SELECT * FROM import_runs WHERE id = $1', [result.runId])).rows[0];
    expect(run).toMatchObject({ kind: 'population', rows_read: 13, inserted: 6, rejected: 7, actor: 'test:bad-values' });
    expect(run.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('loads the good rows normalised, with their family links', async () => {
    expect(await person('P001')).toMatchObject({
      id_number: '430124198503051225', id_suspect: false, name: '李娜', name_norm: '李娜', name_pinyin: 'lina',
      sex: 2, ethnicity: '01', hukou_division: '430124001001', marital_status: '20', phone: '13800138000', status: 1, spouse_pid: 'P002',
    });
    expect(await person('P002')).toMatchObject({ ethnicity: '01', marital_status: '20', status: 1, spouse_pid: 'P001' });
    expect((await person('P002')).birth_date).toBe('1983-07-09');
  });

  it('keeps an ID number with a wrong check digit, marked suspect, with a warning', async () => {
    expect(await person('P007')).toMatchObject({ id_number: '430124197004122131', id_suspect: true });
    expect(rejects.filter((r) => r.row === 9).map((r) => [r.field, r.code, r.severity])).toEqual([['id_number', 'ID_SUSPECT', 'warning']]);
  });

  it('upgrades a 15-digit ID number to 18 digits', async () => {
    const p = await person('P008');
    const js = parseIdNumber('430124650817123');
    expect(js.ok && js.id.upgradedFrom15).toBe(true);
    expect(p.id_number).toBe(js.ok && js.id.value);
    expect(p.id_suspect).toBe(false);
    expect(p.birth_date).toBe('1965-08-17');
  });

  it('loads a person whose mother is unknown, without that link, and says so', async () => {
    expect(await person('P009')).toMatchObject({ mother_pid: null, father_pid: 'P002' });
    expect(rejects.filter((r) => r.row === 11).map((r) => [r.field, r.code, r.severity])).toEqual([['mother_pid', 'RELATION_UNKNOWN', 'warning']]);
  });

  it('reads full-width digits, Chinese dates, words for codes and +86 phones', async () => {
    expect(await person('P010')).toMatchObject({
      id_number: '430124198808081513', name: '买买提·艾力', name_norm: '买买提艾力', sex: 1, ethnicity: '05',
      hukou_division: '650102', marital_status: '10', phone: '13900138002',
    });
    expect((await person('P010')).birth_date).toBe('1988-08-08');
  });

  it('loads nothing of a rejected row', async () => {
    const { rows } = await db.pool.query("SELECT pid FROM persons WHERE pid IN ('P003','P004','P005','P006','P011','P012')");
    expect(rows).toEqual([]);
  });
});
