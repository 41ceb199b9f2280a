// A re-import does not look again at a row its person was set from (persons.import_hash), but
// anything that makes that shortcut wrong puts the row back on the normal path: someone else
// changed the person or their links, a link that could not be made before, the same row twice.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation, writePopulationCsv, type FixturePerson } from '../fixtures/generator/index.js';
import { createLogger } from '../src/logger.js';
import { importPopulation } from '../src/population/population-import.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { readRejects, scratchDir } from './helpers/import-files.js';

const scratch = scratchDir('reimport-skips');
const log = createLogger('silent');
const people: FixturePerson[] = [...generatePopulation({ seed: 'reimport-skips', persons: 200 })];
const child = people.find((p) => p.motherPid && p.fatherPid)!;
const mother = people.find((p) => p.pid === child.motherPid)!;
/** The rows whose links name the mother: without her, those links cannot be made. */
const linkedToMother = people.filter((p) => [p.spousePid, p.motherPid, p.fatherPid].includes(mother.pid));
const couple = people.find((p) => p.spousePid && p !== mother && !linkedToMother.includes(p))!;
let db: TestDb;
let file: string;

const run = (f: string, actor: string) => importPopulation(db.pool, { file: f, actor, log });
const hashOf = async (pid: string) => (await db.pool.query('SELECT import_hash FROM persons WHERE pid = $1', [pid])).rows[0]?.import_hash;
const historyOf = async (pid: string) =>
  (await db.pool.query('SELECT actor, changes FROM person_history WHERE pid = $1 ORDER BY id', [pid])).rows;

beforeAll(async () => {
  db = await createTestDb();
  // The first file lacks the child's mother: the child loads without that link.
  file = scratch.file('population.csv');
  await writePopulationCsv(file, people.filter((p) => p !== mother));
  const r = await run(file, 'test:first');
  expect(r).toMatchObject({ inserted: people.length - 1, rejected: 0 });
});
afterAll(async () => {
  await db.drop();
  scratch.remove();
});

describe('re-importing with persons that carry the hash of their row', () => {
  it('stores a hash for every loaded person, except one with a link that could not be made', async () => {
    const { rows } = await db.pool.query('SELECT count(*)::int AS n, count(import_hash)::int AS hashed FROM persons');
    expect(rows[0]).toEqual({ n: people.length - 1, hashed: people.length - 1 - linkedToMother.length });
    expect(await hashOf(child.pid)).toBeNull();
    expect(await hashOf(couple.pid)).not.toBeNull();
  });

  it('reads an update by someone else again and sets the person back to the file, with history', async () => {
    await db.pool.query("UPDATE persons SET phone = '13900000000' WHERE pid = $1", [couple.pid]);
    expect(await hashOf(couple.pid)).toBeNull(); // the trigger cleared it
    const r = await run(file, 'test:again');
    expect(r).toMatchObject({ inserted: 0, updated: 1, rejected: 0 });
    expect((await historyOf(couple.pid)).map((h) => h.changes)).toEqual([{ phone: ['13900000000', couple.phone] }]);
    expect(await hashOf(couple.pid)).not.toBeNull();
  });

  it('reads a person again whose link someone else removed, and makes the link again', async () => {
    await db.pool.query("DELETE FROM person_relations WHERE pid = $1 AND kind = 'spouse'", [couple.pid]);
    expect(await hashOf(couple.pid)).toBeNull();
    const r = await run(file, 'test:links');
    expect(r).toMatchObject({ updated: 1, rejected: 0 });
    const { rows } = await db.pool.query('SELECT spouse_pid FROM person_view WHERE pid = $1', [couple.pid]);
    expect(rows[0].spouse_pid).toBe(couple.spousePid);
  });

  it('makes a link once its person arrives, though the row that names it has not changed', async () => {
    const file2 = scratch.file('population-with-mother.csv');
    await writePopulationCsv(file2, people);
    const r = await run(file2, 'test:mother');
    expect(r).toMatchObject({ inserted: 1, updated: linkedToMother.length, rejected: 0 });
    expect((await historyOf(child.pid)).map((h) => h.changes)).toEqual([{ mother_pid: [null, mother.pid] }]);
    expect(await hashOf(child.pid)).not.toBeNull();
    const again = await run(file2, 'test:quiet');
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: people.length, rejected: 0, warnings: 0 });
  });

  it('rejects the second of two identical rows, although both are unchanged', async () => {
    const lines = fs.readFileSync(scratch.file('population-with-mother.csv'), 'utf8').split('\n');
    const file3 = scratch.file('population-twice.csv');
    fs.writeFileSync(file3, [...lines.slice(0, -1), lines[5], ''].join('\n'));
    const r = await run(file3, 'test:twice');
    expect(r).toMatchObject({ read: people.length + 1, inserted: 0, updated: 0, unchanged: people.length, rejected: 1 });
    const rejects = readRejects(r.rejectsFile!);
    expect(rejects.map((x) => [x.row, x.field, x.code])).toEqual([[people.length + 2, 'pid', 'PID_DUPLICATE']]);
    expect(rejects[0].message).toMatch(/already appears on row 6/);
  });
});
