// The first load into an empty database drops secondary indexes and defers foreign-key checks
// for speed; afterwards the schema must be exactly what the migrations made, and triggers
// someone else puts on persons must still fire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePopulation, writePopulationCsv } from '../fixtures/generator/index.js';
import { describeSchema } from '../src/db/schema-snapshot.js';
import { createLogger } from '../src/logger.js';
import { importPopulation } from '../src/population/population-import.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { scratchDir } from './helpers/import-files.js';

const scratch = scratchDir('first-load');
const log = createLogger('silent');
let db: TestDb;
let file: string;

beforeAll(async () => {
  db = await createTestDb();
  file = scratch.file('population.csv');
  await writePopulationCsv(file, generatePopulation({ seed: 'first-load', persons: 200 }));
});
afterAll(async () => {
  await db.drop();
  scratch.remove();
});

describe('first load into an empty population database', () => {
  it('leaves indexes and foreign keys exactly as the migrations made them', async () => {
    const before = await describeSchema(db.pool);
    const r = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(r.inserted).toBe(200);
    expect(await describeSchema(db.pool)).toBe(before);
    // The foreign keys hold and are enforced again.
    await expect(db.pool.query("INSERT INTO person_relations (pid, kind, related_pid, source) VALUES ('nobody', 'spouse', 'nobody2', 'x')"))
      .rejects.toThrow(/foreign key/);
  });

  it('still fires a trigger someone else put on persons (and checks foreign keys with a join instead)', async () => {
    await db.pool.query('TRUNCATE persons, person_relations, person_history');
    await db.pool.query(`CREATE TABLE seen (pid text);
      CREATE FUNCTION note_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO seen VALUES (NEW.pid); RETURN NEW; END $$;
      CREATE TRIGGER note_person AFTER INSERT ON persons FOR EACH ROW EXECUTE FUNCTION note_person();`);
    const before = await describeSchema(db.pool);
    const r = await importPopulation(db.pool, { file, actor: 'test', log });
    expect(r.inserted).toBe(200);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM seen')).rows[0].n).toBe(200);
    expect(await describeSchema(db.pool)).toBe(before);
  });
});
