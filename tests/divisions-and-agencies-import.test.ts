// The division directory and the member agencies load from their contract CSVs, re-import
// unchanged, update on change, and report bad rows while loading the good ones.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies, demoCounty, writeAgenciesCsv, writeDivisionsCsv } from '../fixtures/generator/index.js';
import { createLogger } from '../src/logger.js';
import { importAgencies } from '../src/reference/agencies-import.js';
import { importDivisions } from '../src/reference/divisions-import.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { readRejects, scratchDir } from './helpers/import-files.js';

const county = demoCounty({ seed: 'reference' });
const agencies = demoAgencies(county);
const scratch = scratchDir('reference');
const log = createLogger('silent');
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.drop();
  scratch.remove();
});

describe('divisions import', () => {
  it('loads the directory in GBK, with levels and parents from the 12-digit codes', async () => {
    const file = scratch.file('divisions.csv');
    await writeDivisionsCsv(file, county.divisions, { encoding: 'gbk' });
    const r = await importDivisions(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ read: county.divisions.length, inserted: county.divisions.length, rejected: 0, warnings: 0 });
    const { rows } = await db.pool.query('SELECT code, name, level, parent_code FROM divisions ORDER BY code');
    expect(rows).toEqual(
      [...county.divisions].sort((a, b) => a.code.localeCompare(b.code)).map((d) => ({ code: d.code, name: d.name, level: d.level, parent_code: d.parentCode })),
    );
  });

  it('changes nothing on re-import, and updates a renamed division', async () => {
    const file = scratch.file('divisions.csv');
    expect(await importDivisions(db.pool, { file, actor: 'test', log })).toMatchObject({ inserted: 0, updated: 0, unchanged: county.divisions.length });
    const renamed = county.divisions.map((d) => (d.code === county.townships[0].code ? { ...d, name: '新城街道' } : d));
    const file2 = scratch.file('divisions-renamed.csv');
    await writeDivisionsCsv(file2, renamed);
    expect(await importDivisions(db.pool, { file: file2, actor: 'test', log })).toMatchObject({ inserted: 0, updated: 1 });
    const { rows } = await db.pool.query('SELECT name FROM divisions WHERE code = $1', [county.townships[0].code]);
    expect(rows[0].name).toBe('新城街道');
  });

  it('reports bad codes, levels that do not fit, parents that are not above, and repeated codes', async () => {
    const file = scratch.file('divisions-bad.csv');
    fs.writeFileSync(file, [
      'code,name,level,parent_code',
      '430124999000,新设乡,township,430124', // good, shortened to 430124999
      '43012499,坏代码,乡,', // 8 digits
      '430124998000,错级别,村,', // a township code called a village
      '430124997000,错上级,乡,431000', // parent not above it
      '430124999000,重复,乡,', // repeated code
      '430124999201,孤儿村,村,', // good; its parent 430124999 is in this file
      '520000000000,,省,', // no name
      '6543210010,,,', // 10 digits
      '610000000000,陕西省,省,', // good
      '610101000000,某区,县,', // good, but its parent 6101 is unknown: a warning
    ].join('\n'));
    const r = await importDivisions(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ read: 10, inserted: 4, rejected: 6, warnings: 1 });
    expect(readRejects(r.rejectsFile!).map((x) => [x.row, x.field, x.code, x.severity])).toEqual([
      [3, 'code', 'DIVISION_CODE', 'error'],
      [4, 'level', 'LEVEL_MISMATCH', 'error'],
      [5, 'parent_code', 'PARENT_MISMATCH', 'error'],
      [6, 'code', 'CODE_DUPLICATE', 'error'],
      [8, 'name', 'NAME_MISSING', 'error'],
      [9, 'code', 'DIVISION_CODE', 'error'],
      [9, 'name', 'NAME_MISSING', 'error'],
      [11, 'parent_code', 'PARENT_UNKNOWN', 'warning'],
    ]);
    const { rows } = await db.pool.query("SELECT code, level, parent_code FROM divisions WHERE code IN ('430124999', '430124999201') ORDER BY code");
    expect(rows).toEqual([
      { code: '430124999', level: 'township', parent_code: '430124' },
      { code: '430124999201', level: 'village', parent_code: '430124999' },
    ]);
  });
});

describe('agencies import', () => {
  it('loads the member agencies with their feeds, unchanged on re-import', async () => {
    const file = scratch.file('agencies.csv');
    await writeAgenciesCsv(file, agencies);
    const r = await importAgencies(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ read: agencies.length, inserted: agencies.length, rejected: 0, warnings: 0 });
    const { rows } = await db.pool.query('SELECT code, name, kind, division, feeds, expected_per_month FROM agencies ORDER BY code');
    expect(rows).toEqual(
      [...agencies].sort((a, b) => a.code.localeCompare(b.code)).map((a) => ({
        code: a.code, name: a.name, kind: a.kind, division: a.division, feeds: [...a.feeds].sort(), expected_per_month: a.expectedPerMonth,
      })),
    );
    expect(await importAgencies(db.pool, { file, actor: 'test', log })).toMatchObject({ updated: 0, unchanged: agencies.length });
  });

  it('reads Chinese kinds and feed names, keeps columns the file lacks, and reports bad rows', async () => {
    const file = scratch.file('agencies-bad.csv');
    fs.writeFileSync(file, [
      '单位代码,单位名称,单位类型,所在区划代码',
      `${agencies[0].code},改名医院,医疗机构,430124000000`, // renamed; feeds and expected_per_month kept
      'X1,无类型单位,学校,430124', // unknown kind
      'X2,某派出所,公安,4301249', // bad division code
      ',无代码,公安,430124', // no code
      'X3,外县单位,民政,439999', // division not in the directory: a warning
    ].join('\n'));
    const r = await importAgencies(db.pool, { file, actor: 'test', log });
    expect(r).toMatchObject({ read: 5, inserted: 1, updated: 1, rejected: 3, warnings: 1 });
    expect(readRejects(r.rejectsFile!).map((x) => [x.row, x.field, x.code])).toEqual([
      [3, 'kind', 'KIND_CODE'], [4, 'division', 'DIVISION_CODE'], [5, 'code', 'CODE_MISSING'], [6, 'division', 'DIVISION_UNKNOWN'],
    ]);
    const { rows } = await db.pool.query('SELECT name, feeds, expected_per_month FROM agencies WHERE code = $1', [agencies[0].code]);
    expect(rows[0]).toEqual({ name: '改名医院', feeds: [...agencies[0].feeds].sort(), expected_per_month: agencies[0].expectedPerMonth });

    const feedsFile = scratch.file('agencies-feeds.csv');
    fs.writeFileSync(feedsFile, '单位代码,单位名称,单位类型,所在区划代码,报送数据,每月应报次数\nX4,新医院,hospital,430124,"产前检查、出生",3\nX5,错报送,hospital,430124,产前检查、体检,x\n');
    const r2 = await importAgencies(db.pool, { file: feedsFile, actor: 'test', log });
    expect(readRejects(r2.rejectsFile!).map((x) => [x.row, x.field, x.code])).toEqual([[3, 'expected_per_month', 'COUNT_FORMAT'], [3, 'feeds', 'FEED_KIND']]);
    const x4 = (await db.pool.query("SELECT feeds, expected_per_month FROM agencies WHERE code = 'X4'")).rows[0];
    expect(x4).toEqual({ feeds: ['birth', 'prenatal'], expected_per_month: 3 });
  });
});
