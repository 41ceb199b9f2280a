// The batch committed but the file could not be moved (a crash, a refused rename): the next poll
// recognises the committed file by agency + name + sha256 and only moves it.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { birthCsv, createSftpTestbed, type SftpTestbed } from './helpers/sftp-server.js';

let t: SftpTestbed;
beforeEach(async () => {
  t = await createSftpTestbed();
});
afterEach(() => t.close());

it('moves an already committed file on the next poll without a second batch', async () => {
  t.drop('births_0305.csv', birthCsv(5));
  t.server.failRenames(1);

  const first = await t.poll();

  expect(first.files[0]).toMatchObject({ outcome: 'error', reason: expect.stringMatching(/committed as batch \d+, but the move to \/outbox\/processed failed/) });
  const [batch] = await t.batches();
  expect(batch).toMatchObject({ status: 'committed', accepted: 5 });
  expect(t.ls()).toContain('births_0305.csv');

  const second = await t.poll();

  expect(second.files).toEqual([{ file: 'births_0305.csv', outcome: 'already-committed', batchId: batch.id, movedTo: '/outbox/processed/births_0305.csv' }]);
  expect(await t.batches()).toHaveLength(1);
  expect(t.ls('processed')).toEqual(['births_0305.csv']);
  expect(second.error).toBeUndefined();
});

it('still ingests a file of the same name whose content differs from the committed one', async () => {
  t.drop('births_0305.csv', birthCsv(5));
  t.server.failRenames(1);
  await t.poll();
  // The agency replaced the file before the next poll.
  t.drop('births_0305.csv', birthCsv(6));

  const second = await t.poll();

  expect(second.files[0]).toMatchObject({ outcome: 'processed' });
  expect((await t.batches()).map((b) => b.status)).toEqual(['committed', 'committed']);
});
