import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../src/db/migrate.js';
import { describeSchema } from '../src/db/schema-snapshot.js';
import { createTestDb, type TestDb } from './helpers/db.js';

describe('migrations', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.drop());

  it('have unique, increasing numbers and are applied once each', async () => {
    const versions = listMigrations().map((m) => m.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    const { rows } = await db.pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(versions);
    expect(await migrate(db.pool)).toBe(0); // re-running applies nothing
  });

  it('produce exactly the committed schema snapshot (npm run db:snapshot after a new migration)', async () => {
    const snapshot = fs.readFileSync('src/db/schema.snapshot.txt', 'utf8');
    expect(await describeSchema(db.pool)).toBe(snapshot);
  });

  it('detect drift: a change made outside the migrations no longer matches the snapshot', async () => {
    await db.pool.query('ALTER TABLE persons ADD COLUMN drifted text');
    const snapshot = fs.readFileSync('src/db/schema.snapshot.txt', 'utf8');
    expect(await describeSchema(db.pool)).not.toBe(snapshot);
    await db.pool.query('ALTER TABLE persons DROP COLUMN drifted');
  });

  it('refuse to run when an applied migration was edited afterwards', async () => {
    await db.pool.query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    await expect(migrate(db.pool)).rejects.toThrow(/was changed after it was applied/);
  });
});
