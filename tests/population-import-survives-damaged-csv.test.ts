// A file PostgreSQL's COPY refuses — rows with too few or too many fields, stray and unclosed
// quotes, bytes invalid in the file's encoding — still loads its good rows; the Node reader
// reports each damaged row by its line.
import fs from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { importPopulation } from '../src/population/population-import.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { copyFixture, readRejects, scratchDir } from './helpers/import-files.js';

let db: TestDb;
const scratch = scratchDir('damaged');
const log = createLogger('silent');
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.drop();
  scratch.remove();
});

const pids = async (prefix: string) =>
  (await db.pool.query('SELECT pid FROM persons WHERE pid LIKE $1 ORDER BY pid', [`${prefix}%`])).rows.map((r) => r.pid);

describe('population import of a damaged CSV file', () => {
  it('rejects rows with the wrong number of fields or broken quotes and loads the rest', async () => {
    const file = copyFixture('fixtures/population/broken-structure.csv', scratch.dir);
    const r = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(r.fallback).toBe(true);
    expect(r).toMatchObject({ read: 9, inserted: 5, rejected: 4 });
    const rejects = readRejects(r.rejectsFile!);
    expect(rejects.map((x) => [x.row, x.code])).toEqual([
      [3, 'CSV_COLUMNS'], [4, 'CSV_QUOTE'], [7, 'CSV_QUOTE'], [9, 'CSV_COLUMNS'],
    ]);
    expect(rejects[0].message).toMatch(/13 fields but the header has 14/);
    expect(rejects[0].key).toBe('Q002');
    expect(await pids('Q')).toEqual(['Q001', 'Q004', 'Q005', 'Q007', 'Q009']);
    const q4 = (await db.pool.query("SELECT name FROM persons WHERE pid = 'Q004'")).rows[0];
    expect(q4.name).toBe('欧阳,"娜"');
    const q7 = (await db.pool.query("SELECT mother_pid FROM person_view WHERE pid = 'Q007'")).rows[0];
    expect(q7.mother_pid).toBe('Q001');
  });

  it('rejects a row with bytes that are not UTF-8 and loads the others', async () => {
    const lines = fs.readFileSync('fixtures/population/bad-values.csv', 'utf8').split('\n').slice(0, 3);
    const good = Buffer.from(`${lines.join('\n')}\n`.replace(/P00/g, 'U00'));
    const bad = Buffer.concat([Buffer.from('U100,,王'), Buffer.from([0xff, 0xfe]), Buffer.from(',1,1990-01-01,01,430124001001,430124001001,10,,,,,1\n')]);
    const file = scratch.file('invalid-utf8.csv');
    fs.writeFileSync(file, Buffer.concat([good, bad]));
    const r = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ fallback: true, read: 3, inserted: 2, rejected: 1 });
    const [reject] = readRejects(r.rejectsFile!);
    expect(reject).toMatchObject({ row: 4, key: 'U100', field: 'name', code: 'ENCODING' });
    expect(await pids('U')).toEqual(['U001', 'U002']);
  });

  it('rejects a row with bytes that are not GB18030 in a GBK file, keeping every good name intact', async () => {
    const text = fs.readFileSync('fixtures/population/bad-values.csv', 'utf8').split('\n').slice(0, 3).join('\n').replace(/P00/g, 'G00');
    const bad = Buffer.concat([iconv.encode('G100,,王', 'gbk'), Buffer.from([0x81, 0x20]), iconv.encode(',1,1990-01-01,01,430124001001,430124001001,10,,,,,1\n', 'gbk')]);
    const file = scratch.file('invalid-gbk.csv');
    fs.writeFileSync(file, Buffer.concat([iconv.encode(`${text}\n`, 'gbk'), bad]));
    const r = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ encoding: 'gb18030', fallback: true, read: 3, inserted: 2, rejected: 1 });
    expect(readRejects(r.rejectsFile!)[0]).toMatchObject({ row: 4, code: 'ENCODING' });
    const names = (await db.pool.query("SELECT name FROM persons WHERE pid LIKE 'G%' ORDER BY pid")).rows.map((x) => x.name);
    expect(names).toEqual(['李娜', '王伟']);
  });

  it('refuses a file whose header is not the contract, and changes nothing', async () => {
    const file = scratch.file('no-header.csv');
    fs.writeFileSync(file, 'a,b,c\n1,2,3\n');
    await expect(importPopulation(db.pool, { file, actor: 'test', log })).rejects.toThrow(/required column\(s\) missing: pid \(人员编号\), name \(姓名\)/);
    const run = (await db.pool.query("SELECT error, finished_at FROM import_runs WHERE file_name = 'no-header.csv'")).rows[0];
    expect(run.error).toMatch(/HEADER_MISSING/);
    expect(run.finished_at).not.toBeNull();
  });
});
