// A file that cannot be read as the feed at all goes to rejected/, with NAME.error.txt beside it
// saying why; the failed batch is kept for the record.
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSftpTestbed, type SftpTestbed } from './helpers/sftp-server.js';

let t: SftpTestbed;
beforeEach(async () => {
  t = await createSftpTestbed({
    routes: [
      { pattern: 'births_*', feed: 'birth' },
      { pattern: 'exams_*', feed: 'prenatal' },
    ],
  });
});
afterEach(() => t.close());

it('moves an unparseable CSV to rejected/ with a .error.txt giving the reason', async () => {
  t.drop('births_broken.csv', '这不是一个出生医学证明文件\n完全没有表头\n');

  const r = await t.poll();

  expect(r.files).toEqual([expect.objectContaining({ file: 'births_broken.csv', outcome: 'rejected', movedTo: '/outbox/rejected/births_broken.csv' })]);
  expect(r.error).toBeUndefined(); // the channel worked; the file was the problem
  const [b] = await t.batches();
  expect(b).toMatchObject({ status: 'failed', error_code: 'YPQ_UNPARSEABLE', file_name: 'births_broken.csv' });
  expect(t.ls()).toEqual(['processed', 'rejected']);
  expect(t.ls('rejected')).toEqual(['births_broken.csv', 'births_broken.csv.error.txt']);
  const why = fs.readFileSync(t.server.local('/outbox/rejected/births_broken.csv.error.txt'), 'utf8');
  expect(why).toContain(`batch:   ${b.id}`);
  expect(why).toMatch(/reason: {2}YPQ_UNPARSEABLE: The file cannot be read: .+/);
});

it('rejects a file in a format its feed does not take, before any batch begins', async () => {
  // prenatal comes as CSV or JSON only.
  t.drop('exams_20240305.xml', '<?xml version="1.0"?><exams><exam><record_id>1</record_id></exam></exams>\n');

  const r = await t.poll();

  expect(r.files).toEqual([expect.objectContaining({ outcome: 'rejected', batchId: null })]);
  expect(await t.batches()).toEqual([]);
  expect(t.ls('rejected')).toEqual(['exams_20240305.xml', 'exams_20240305.xml.error.txt']);
  const why = fs.readFileSync(t.server.local('/outbox/rejected/exams_20240305.xml.error.txt'), 'utf8');
  expect(why).toContain('batch:   none');
  expect(why).toMatch(/reason: {2}YPQ_UNSUPPORTED_MEDIA: .*XML for the prenatal feed/);
});
