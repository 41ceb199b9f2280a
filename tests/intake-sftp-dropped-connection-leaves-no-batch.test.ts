// The connection dies in the middle of a download: no batch, the file stays, the error is
// recorded; the next poll ingests the whole file.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { birthCsv, createSftpTestbed, type SftpTestbed } from './helpers/sftp-server.js';

let t: SftpTestbed;
beforeEach(async () => {
  t = await createSftpTestbed();
});
afterEach(() => t.close());

it('takes nothing from a download cut short, and the whole file on the next poll', async () => {
  const csv = birthCsv(2000);
  expect(csv.length).toBeGreaterThan(150_000);
  t.drop('births_large.csv', csv);
  t.server.cutAfterBytes(20_000);

  const first = await t.poll();

  expect(first.files).toEqual([expect.objectContaining({ file: 'births_large.csv', outcome: 'error', reason: expect.stringMatching(/download of \/outbox\/births_large\.csv broke off/) })]);
  expect(await t.batches()).toEqual([]);
  expect(t.ls()).toContain('births_large.csv');
  const { rows } = await t.db.pool.query('SELECT last_error FROM sftp_sources WHERE id = $1', [t.source.id]);
  expect(rows[0].last_error).toMatch(/births_large\.csv: download .* broke off/);

  const second = await t.poll();

  expect(second.files).toEqual([expect.objectContaining({ outcome: 'processed' })]);
  const batches = await t.batches();
  expect(batches).toHaveLength(1);
  expect(batches[0]).toMatchObject({ status: 'committed', accepted: 2000 });
  const after = await t.db.pool.query('SELECT last_error FROM sftp_sources WHERE id = $1', [t.source.id]);
  expect(after.rows[0].last_error).toBeNull();
});
