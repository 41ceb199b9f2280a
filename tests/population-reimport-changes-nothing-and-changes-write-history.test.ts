// Re-importing the same file changes nothing: no updates, no history. A changed file updates the
// changed persons and their links, each with one person_history entry { field: [old, new] },
// and adds the new persons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation, writePopulationCsv, type FixturePerson } from '../fixtures/generator/index.js';
import { createLogger } from '../src/logger.js';
import { importPopulation } from '../src/population/population-import.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { scratchDir } from './helpers/import-files.js';

const scratch = scratchDir('reimport');
const log = createLogger('silent');
const people: FixturePerson[] = [...generatePopulation({ seed: 'reimport', persons: 300 })];
let db: TestDb;
let file: string;

beforeAll(async () => {
  db = await createTestDb();
  file = scratch.file('population.csv');
  await writePopulationCsv(file, people);
  await importPopulation(db.pool, { file, actor: 'test:first', log });
});
afterAll(async () => {
  await db.drop();
  scratch.remove();
});

const snapshot = async () => (await db.pool.query('SELECT v.*, p.xmin::text AS version FROM person_view v JOIN persons p USING (pid) ORDER BY pid')).rows;
const history = async () => (await db.pool.query('SELECT pid, actor, source, changes FROM person_history ORDER BY pid')).rows;

describe('re-importing the population file', () => {
  it('changes nothing when the file is the same: no updates, no history, not a row rewritten', async () => {
    const before = await snapshot();
    const r = await importPopulation(db.pool, { file, actor: 'test:again', log });
    expect(r).toMatchObject({ read: 300, inserted: 0, updated: 0, unchanged: 300, rejected: 0 });
    expect(await snapshot()).toEqual(before);
    expect(await history()).toEqual([]);
  });

  it('updates changed persons and links with one history entry each, and adds new persons', async () => {
    const couple = people.find((p) => p.spousePid && p.sex === 1)!;
    const wife = people.find((p) => p.pid === couple.spousePid)!;
    const child = people.find((p) => p.motherPid && p.fatherPid)!;
    const other = people.find((p) => p.status === 1 && !p.spousePid && p !== child && p.maritalStatus === '10' && p.phone)!;
    const changed = people.map((p) => {
      if (p === couple) return { ...p, spousePid: null, maritalStatus: '40' as const }; // divorced
      if (p === wife) return { ...p, spousePid: null, maritalStatus: '40' as const, name: `${p.name}` };
      if (p === child) return { ...p, residenceDivision: '440304', phone: '13912345678' };
      if (p === other) return { ...p, name: '欧阳娜娜', status: 2 as const, spousePid: child.pid };
      return p;
    });
    const newcomer: FixturePerson = { ...other, pid: 'PNEW0001', idNumber: null, name: '新来者', spousePid: null, motherPid: wife.pid, fatherPid: 'PNOBODY' };
    const file2 = scratch.file('population-changed.csv');
    await writePopulationCsv(file2, [...changed, newcomer]);
    const before = new Map((await snapshot()).map((r) => [r.pid, r]));

    const r = await importPopulation(db.pool, { file: file2, actor: 'test:second', log });
    expect(r).toMatchObject({ read: 301, inserted: 1, updated: 4, unchanged: 296, rejected: 0, warnings: 1 }); // the unknown father

    const h = new Map((await history()).map((x) => [x.pid, x]));
    expect([...h.keys()].sort()).toEqual([couple.pid, wife.pid, child.pid, other.pid].sort());
    expect(h.get(couple.pid)).toMatchObject({
      actor: 'test:second',
      changes: { marital_status: ['20', '40'], spouse_pid: [wife.pid, null] },
    });
    expect(h.get(couple.pid)!.source).toMatch(/^population import population-changed\.csv \(run \d+\)$/);
    expect(h.get(child.pid)!.changes).toEqual({
      residence_division: [child.residenceDivision, '440304'],
      phone: [child.phone, '13912345678'],
    });
    expect(h.get(other.pid)!.changes).toEqual({ name: [other.name, '欧阳娜娜'], status: [1, 2], spouse_pid: [null, child.pid] });

    const after = new Map((await snapshot()).map((r) => [r.pid, r]));
    expect(after.get(other.pid)).toMatchObject({ name: '欧阳娜娜', name_norm: '欧阳娜娜', name_pinyin: 'ouyangnana', status: 2, spouse_pid: child.pid });
    expect(after.get(couple.pid)).toMatchObject({ spouse_pid: null, marital_status: '40' });
    expect(after.get('PNEW0001')).toMatchObject({ name: '新来者', mother_pid: wife.pid, father_pid: null });
    expect(after.get(couple.pid).updated_at.getTime()).toBeGreaterThan(before.get(couple.pid).updated_at.getTime());
    // Everyone else: untouched, down to the row version.
    for (const [pid, row] of before) if (![couple.pid, wife.pid, child.pid, other.pid].includes(pid)) expect(after.get(pid)).toEqual(row);
  });

  it('keeps stored values for columns the file does not have', async () => {
    const file3 = scratch.file('names-only.csv');
    const { writeCsvFile, POPULATION_COLUMNS } = await import('../fixtures/generator/index.js');
    const cols = POPULATION_COLUMNS.filter((c) => c.key === 'pid' || c.key === 'name');
    const before = await snapshot();
    await writeCsvFile(file3, people.slice(0, 50), cols);
    const r = await importPopulation(db.pool, { file: file3, actor: 'test:third', log });
    // Names are as stored except the one renamed above, which this file names back.
    expect(r.rejected).toBe(0);
    expect(r.inserted).toBe(0);
    const after = new Map((await snapshot()).map((x) => [x.pid, x]));
    for (const row of before) {
      const now = after.get(row.pid);
      expect({ ...now, name: null, name_norm: null, name_pinyin: null, updated_at: null, version: null }).toEqual({
        ...row, name: null, name_norm: null, name_pinyin: null, updated_at: null, version: null,
      });
    }
  });
});
