// A population file is read by Node's plain-CSV reader when it can be (a large one in blocks, on
// worker threads), and otherwise staged by COPY (or the record-by-record reader) first; either
// way the rows go through the same rules. The same content must load the same persons, links and
// findings every way — here the second copy of each file ends with a blank line, which sends it
// the staged way, and a third load goes through the workers. The plain reader's own
// parsing is checked against the careful reader on generated CSV, cut at every place.
import fs from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation, writePopulationCsv } from '../fixtures/generator/index.js';
import { createLogger } from '../src/logger.js';
import { NotPlainCsv, PlainCsv, RecordBlocks } from '../src/population/plain-csv.js';
import { importPopulation } from '../src/population/population-import.js';
import { readTuning } from '../src/population/population-read.js';
import { csvRecords } from '../src/reference/csv-records.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { copyFixture, readRejects, scratchDir } from './helpers/import-files.js';

const scratch = scratchDir('plain-staged');
const log = createLogger('silent');
let plainDb: TestDb;
let stagedDb: TestDb;
let workersDb: TestDb;

beforeAll(async () => {
  [plainDb, stagedDb, workersDb] = await Promise.all([createTestDb(), createTestDb(), createTestDb()]);
});
afterAll(async () => {
  await Promise.all([plainDb.drop(), stagedDb.drop(), workersDb.drop()]);
  scratch.remove();
});

async function loadBothWays(file: string) {
  const staged = file.replace(/\.csv$/, '-staged.csv');
  fs.writeFileSync(staged, `${fs.readFileSync(file, 'utf8')}\n`);
  const a = await importPopulation(plainDb.pool, { file, actor: 'test', log });
  const b = await importPopulation(stagedDb.pool, { file: staged, actor: 'test', log });
  expect(a.fallback).toBe(false);
  const persons = async (db: TestDb) =>
    (await db.pool.query(`SELECT v.*, p.import_hash FROM person_view v JOIN persons p USING (pid) ORDER BY pid`)).rows
      .map(({ created_at, updated_at, created_run, ...rest }) => rest);
  expect(await persons(stagedDb)).toEqual(await persons(plainDb));
  const rejects = (r: typeof a) => (r.rejectsFile ? readRejects(r.rejectsFile) : []);
  expect(rejects(b)).toEqual(rejects(a));
  const counts = ({ read, inserted, updated, unchanged, rejected, warnings }: typeof a) => ({ read, inserted, updated, unchanged, rejected, warnings });
  expect(counts(b)).toEqual(counts(a));
  // Large files are normalised by worker threads, in blocks: here a small one, in small blocks.
  const tuning = { ...readTuning };
  Object.assign(readTuning, { workersFromBytes: 0, blockBytes: 2048 });
  try {
    const c = await importPopulation(workersDb.pool, { file, actor: 'test', log });
    expect(await persons(workersDb)).toEqual(await persons(plainDb));
    expect(rejects(c)).toEqual(rejects(a));
    expect(counts(c)).toEqual(counts(a));
  } finally {
    Object.assign(readTuning, tuning);
  }
  return a;
}

describe('plain and staged reading', () => {
  it('load a file with every kind of bad value alike', async () => {
    const r = await loadBothWays(copyFixture('fixtures/population/bad-values.csv', scratch.dir));
    expect(r).toMatchObject({ read: 13, inserted: 6, rejected: 7 });
  });

  it('load a generated county alike, and skip the same unchanged rows on re-import', async () => {
    const file = scratch.file('county.csv');
    await writePopulationCsv(file, generatePopulation({ seed: 'plain-staged', persons: 300 }));
    await loadBothWays(file);
    const again = await loadBothWays(file);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 300 });
  });
});

/** Records of CSV text by the plain reader, the text given in pieces cut at `cuts`. */
function plainRecords(text: string, width: number, cuts: number[]): (string | null)[][] {
  const out: (string | null)[][] = [];
  const csv = new PlainCsv(width, (f) => out.push(f));
  let at = 0;
  for (const c of [...cuts, text.length]) {
    csv.push(text.slice(at, c));
    at = c;
  }
  csv.end();
  return out;
}

describe('the plain CSV reader', () => {
  const field = fc.oneof(
    fc.constant(''),
    fc.string({ unit: fc.constantFrom('a', '王', ' ', ',', '"', '\n', '\r\n', '1'), maxLength: 6 }),
  );
  // Quoted when it must be, and every other value that may be anyway.
  let n = 0;
  const quote = (v: string) => (v === '' ? '' : /[",\r\n]/.test(v) || n++ % 2 === 0 ? `"${v.replace(/"/g, '""')}"` : v);

  it('reads what the careful reader reads, wherever the text is cut', async () => {
    const rows = fc.sample(fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), { seed: 7, numRuns: 150 });
    for (const records of rows) {
      const text = records.map((r) => r.map(quote).join(',')).join('\n') + '\n';
      const careful: string[][] = [];
      async function* lines() {
        yield* text.replace(/\r\n/g, '\n').split('\n').slice(0, -1);
      }
      for await (const r of csvRecords(lines(), { firstRow: 2 })) if (r.ok) careful.push(r.fields);
      // The careful reader skips all-empty records; the plain one reads them as NULLs.
      const plain = plainRecords(text, 3, []).filter((r) => r.some((v) => v !== null && v !== ''));
      const asText = (rs: (string | null)[][]) => rs.map((r) => r.map((v) => (v ?? '').replace(/\r\n/g, '\n')));
      expect(asText(plain)).toEqual(asText(careful.filter((r) => r.some((v) => v !== ''))));
      for (let cut = 1; cut < text.length; cut += 3) expect(plainRecords(text, 3, [cut])).toEqual(plainRecords(text, 3, []));
    }
  });

  it('tells an empty field (NULL) from a quoted empty one', () => {
    expect(plainRecords('a,,""\r\n"x""y",b,\n', 3, [])).toEqual([['a', null, ''], ['x"y', 'b', null]]);
  });

  it('refuses what COPY would refuse, or might read otherwise', () => {
    for (const bad of ['a,b\n', 'a,b,c,d\n', 'a,b"c,d\n', '"a"b,c,d\n', 'a,b,c\n\n', 'a,b,c\rd,e,f\n', '"a,b,c\n', 'a,\0,c\n']) {
      expect(() => plainRecords(bad, 3, []), JSON.stringify(bad)).toThrow(NotPlainCsv);
    }
  });

  it('cuts blocks only between records', () => {
    const text = Buffer.from('a,"b\nc",d\ne,f,g\n"h\n\ni",j,k\n');
    for (let size = 1; size < text.length; size++) {
      const blocks = new RecordBlocks(4);
      const out: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) out.push(...blocks.push(text.subarray(i, i + size)));
      const last = blocks.end();
      if (last) out.push(last);
      expect(Buffer.concat(out).equals(text)).toBe(true);
      for (const b of out) expect(plainRecords(b.toString(), 3, []).length).toBeGreaterThan(0);
    }
  });
});
