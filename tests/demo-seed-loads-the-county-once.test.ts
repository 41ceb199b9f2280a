// On an empty database the demo county loads through the import code path; on any later start
// (or a database with real persons) nothing happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCounty } from '../src/demo/seed.js';
import { createLogger } from '../src/logger.js';
import { createTestDb, type TestDb } from './helpers/db.js';

let db: TestDb;
const log = createLogger('silent');
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.drop());

const count = async (table: string) => Number((await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe('demo seed', () => {
  it('loads divisions, agencies and persons with families into an empty database', async () => {
    const started = Date.now();
    await seedDemoCounty(db.pool, log, 1000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await count('persons')).toBe(1000);
    expect(await count('person_relations')).toBeGreaterThan(500);
    expect(await count('divisions')).toBeGreaterThan(100);
    expect(await count('agencies')).toBeGreaterThanOrEqual(6);
    const runs = (await db.pool.query('SELECT kind, actor, rejected, warnings FROM import_runs ORDER BY id')).rows;
    expect(runs).toEqual([
      { kind: 'divisions', actor: 'demo-seed', rejected: 0, warnings: 0 },
      { kind: 'agencies', actor: 'demo-seed', rejected: 0, warnings: 0 },
      { kind: 'population', actor: 'demo-seed', rejected: 0, warnings: 0 },
    ]);
  });

  it('does nothing the second time', async () => {
    await seedDemoCounty(db.pool, log, 1000);
    expect(await count('import_runs')).toBe(3);
    expect(await count('persons')).toBe(1000);
  });
});
