// A drop that cannot be logged into says so: a clear log line (without the secret), and
// last_error / last_polled_at on the source, as `yipanqi sftp list` shows them.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { birthCsv, createSftpTestbed, TEST_PASSWORD_ENV, type SftpTestbed } from './helpers/sftp-server.js';

let t: SftpTestbed;
beforeEach(async () => {
  t = await createSftpTestbed();
  t.drop('births_1.csv', birthCsv(1));
});
afterEach(() => t.close());

async function sourceRow() {
  return (await t.db.pool.query('SELECT last_polled_at, last_ok_at, last_error FROM sftp_sources WHERE id = $1', [t.source.id])).rows[0];
}

it('records a wrong password on the source and logs it clearly, without the password', async () => {
  const wrong = 'Tr0ub4dor&3-wrong';
  t.deps.env = { [TEST_PASSWORD_ENV]: wrong };

  const r = await t.poll();

  expect(r.files).toEqual([]);
  expect(r.error).toBe(`login refused by ${t.server.host}:${t.server.port} for user hospital: wrong password or key (password from $${TEST_PASSWORD_ENV})`);
  expect(await sourceRow()).toMatchObject({ last_polled_at: expect.any(Date), last_ok_at: null, last_error: r.error });
  const logged = t.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'SFTP connection failed');
  expect(logged).toMatchObject({ level: 50, sourceId: t.source.id, err: { message: expect.stringContaining(r.error!), kind: 'auth' } });
  expect(t.logLines.join('\n')).not.toContain(wrong);
  expect(t.ls()).toEqual(['births_1.csv']);

  // What an operator sees.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-cli-'));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/yipanqi.mjs', 'sftp', 'list'], {
      env: { ...process.env, DATABASE_URL: t.db.url, YIPANQI_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toContain(`#${t.source.id} H370725001 sftp://hospital@${t.server.host}:${t.server.port}/outbox enabled`);
    expect(stdout).toMatch(/status: +last poll \d{4}-\d\d-\d\dT[\d:.]+Z: ERROR login refused by .* wrong password or key/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  // Once the password is right, the error clears.
  t.deps.env = { [TEST_PASSWORD_ENV]: 'correct horse battery staple' };
  expect((await t.poll()).files[0]).toMatchObject({ outcome: 'processed' });
  expect(await sourceRow()).toMatchObject({ last_ok_at: expect.any(Date), last_error: null });
});

it('names the missing environment variable when the password is not configured', async () => {
  t.deps.env = {};
  const r = await t.poll();
  expect(r.error).toBe(`environment variable ${TEST_PASSWORD_ENV} (the SFTP password of hospital@${t.server.host}) is not set in the gateway's environment`);
  expect((await sourceRow()).last_error).toBe(r.error);
});

it('refuses a server whose host key is not the pinned one', async () => {
  t.source.hostKey = 'SHA256:' + 'x'.repeat(43);
  const r = await t.poll();
  expect(r.error).toBe(`the host key of ${t.server.host}:${t.server.port} is ${t.server.hostKeyFingerprint}, not the pinned ${t.source.hostKey}: refusing to connect (server replaced, or someone in between)`);
  expect(t.server.logins).toBe(0);
});
