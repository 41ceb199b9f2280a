// A file still being uploaded (its size changes between the two looks) is not taken; the next
// poll, once it has stopped growing, takes it whole.
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { birthCsv, createSftpTestbed, type SftpTestbed } from './helpers/sftp-server.js';

let t: SftpTestbed;
beforeEach(async () => {
  t = await createSftpTestbed({ settleMs: 200 });
});
afterEach(() => t.close());

it('leaves a file that grows between two looks, and takes it once complete', async () => {
  const full = birthCsv(40);
  const cut = full.lastIndexOf('\n', full.length / 2) + 1;
  t.drop('births_big.csv', full.slice(0, cut));
  // The uploader writes the rest right after the poller's first listing.
  t.server.afterReaddir = () => {
    t.server.afterReaddir = undefined;
    fs.appendFileSync(t.server.local('/outbox/births_big.csv'), full.slice(cut));
  };

  const first = await t.poll();
  expect(first.growing).toEqual(['births_big.csv']);
  expect(first.files).toEqual([]);
  expect(first.error).toBeUndefined();
  expect(await t.batches()).toEqual([]);
  expect(t.ls()).toEqual(['births_big.csv']);

  const second = await t.poll();
  expect(second.files).toEqual([expect.objectContaining({ outcome: 'processed' })]);
  expect((await t.batches())[0]).toMatchObject({ status: 'committed', accepted: 40 });
});
