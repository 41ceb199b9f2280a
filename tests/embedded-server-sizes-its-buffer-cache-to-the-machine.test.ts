import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBuffersMb } from '../src/db/embedded.js';
import { createTestDb, type TestDb } from './helpers/db.js';

const GiB = 2 ** 30;

describe('the embedded PostgreSQL buffer cache', () => {
  it('is a quarter of the machine memory, at least 512 MB and at most 8 GB', () => {
    expect(sharedBuffersMb(24 * GiB)).toBe(6144);
    expect(sharedBuffersMb(8 * GiB)).toBe(2048);
    expect(sharedBuffersMb(1 * GiB)).toBe(512);
    expect(sharedBuffersMb(256 * GiB)).toBe(8192);
  });

  describe.skipIf(Boolean(process.env.DATABASE_URL))('on the server the tests run on', () => {
    let db: TestDb;
    beforeAll(async () => {
      db = await createTestDb();
    });
    afterAll(() => db.drop());

    it('is what the server was started with', async () => {
      const { rows } = await db.pool.query<{ mb: number }>("SELECT pg_size_bytes(current_setting('shared_buffers')) / 1048576 AS mb");
      expect(Number(rows[0].mb)).toBe(sharedBuffersMb());
    });
  });
});
