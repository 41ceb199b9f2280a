// A complete file in an agency's drop folder becomes one committed batch (channel sftp, actor
// sftp:<agency>) and is then moved to processed/, never overwriting a file of the same name.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { birthCsv, createSftpTestbed, TEST_AGENCY, type SftpTestbed } from './helpers/sftp-server.js';

let t: SftpTestbed;
beforeEach(async () => {
  t = await createSftpTestbed();
});
afterEach(() => t.close());

it('ingests a dropped CSV and moves it to processed/', async () => {
  t.drop('births_20240305.csv', birthCsv(3));
  t.drop('notes.txt', 'not for us');

  const r = await t.poll();

  expect(r.error).toBeUndefined();
  expect(r.files).toEqual([expect.objectContaining({ file: 'births_20240305.csv', outcome: 'processed', movedTo: '/outbox/processed/births_20240305.csv' })]);
  const [b] = await t.batches();
  expect(b).toMatchObject({ status: 'committed', file_name: 'births_20240305.csv', channel: 'sftp', actor: `sftp:${TEST_AGENCY}`, accepted: 3 });
  expect(t.ls()).toEqual(['notes.txt', 'processed', 'rejected']);
  expect(t.ls('processed')).toEqual(['births_20240305.csv']);

  const { rows } = await t.db.pool.query('SELECT last_polled_at, last_ok_at, last_error FROM sftp_sources WHERE id = $1', [t.source.id]);
  expect(rows[0]).toMatchObject({ last_error: null, last_polled_at: expect.any(Date), last_ok_at: expect.any(Date) });
});

it('gives a file dropped again under the same name a timestamp in processed/ instead of overwriting', async () => {
  t.drop('births_daily.csv', birthCsv(2, 'DAY1-'));
  await t.poll();
  t.drop('births_daily.csv', birthCsv(2, 'DAY2-'));
  const r = await t.poll();

  expect(r.files[0]).toMatchObject({ outcome: 'processed', movedTo: expect.stringMatching(/^\/outbox\/processed\/births_daily\.\d{8}T\d{6}Z\.csv$/) });
  const kept = t.ls('processed');
  expect(kept).toHaveLength(2);
  expect(fs.readFileSync(t.server.local('/outbox/processed/births_daily.csv'), 'utf8')).toContain('DAY1-');
  expect((await t.batches()).map((b) => b.status)).toEqual(['committed', 'committed']);
});

it('checks a companion .sha256 file and moves it along', async () => {
  const csv = birthCsv(2);
  t.drop('births_x.csv', csv);
  t.drop('births_x.csv.sha256', `${crypto.createHash('sha256').update(csv).digest('hex')}  births_x.csv\n`);
  const r = await t.poll();
  expect(r.files[0]).toMatchObject({ outcome: 'processed' });
  expect(t.ls('processed')).toEqual(['births_x.csv', 'births_x.csv.sha256']);
});

it('leaves a file whose companion checksum does not match, and says so', async () => {
  t.drop('births_y.csv', birthCsv(2));
  t.drop('births_y.csv.md5', 'd41d8cd98f00b204e9800998ecf8427e\n');
  const r = await t.poll();
  expect(r.files[0]).toMatchObject({ outcome: 'error', reason: expect.stringMatching(/births_y\.csv\.md5 announces d41d8cd98f00b204e9800998ecf8427e/) });
  expect(await t.batches()).toEqual([]);
  expect(t.ls()).toContain('births_y.csv');
  expect(r.error).toMatch(/births_y\.csv/);
});
