// An operator's round: `yipanqi sftp add` (validated), `list`, `poll --id` (exit status and a
// line per file), `disable`, `remove`, through the real command line.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSftpTestbed, TEST_AGENCY, TEST_PASSWORD_ENV, type SftpTestbed } from './helpers/sftp-server.js';

let t: SftpTestbed;
let dataDir: string;
beforeAll(async () => {
  t = await createSftpTestbed();
  // The test bed's own source stays out of the way.
  await t.db.pool.query('DELETE FROM sftp_sources');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-cli-'));
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function yipanqi(...args: string[]) {
  return yipanqiWith({}, ...args);
}

function yipanqiWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/yipanqi.mjs', 'sftp', ...args],
      { env: { ...process.env, DATABASE_URL: t.db.url, YIPANQI_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...t.deps.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const base = () => ['--agency', TEST_AGENCY, '--host', t.server.host, '--port', String(t.server.port), '--user', 'hospital', '--folder', '/outbox'];

it('refuses a source the agency may not feed, or with a secret instead of a variable name', async () => {
  const feed = await yipanqi('add', ...base(), '--pattern', '*.xml=household', '--password-env', TEST_PASSWORD_ENV);
  expect(feed.code).toBe(1);
  expect(feed.stderr).toContain(`agency ${TEST_AGENCY} may not send household (its feeds: birth, prenatal)`);

  const secret = await yipanqi('add', ...base(), '--pattern', '*.csv=birth', '--password-env', 'hunter2!');
  expect(secret.code).toBe(1);
  expect(secret.stderr).toContain('is not an environment variable name');

  const both = await yipanqi('add', ...base(), '--pattern', '*.csv=birth', '--password-env', TEST_PASSWORD_ENV, '--key-file', 'k');
  expect(both.stderr).toContain('give exactly one of --password-env VAR or --key-file PATH');
  expect((await t.db.pool.query('SELECT count(*)::int AS n FROM sftp_sources')).rows[0].n).toBe(0);
});

it('adds, lists, polls, disables and removes a drop', async () => {
  const add = await yipanqi('add', ...base(), '--pattern', 'births_*.csv=birth', '--password-env', TEST_PASSWORD_ENV,
    '--host-key', t.server.hostKeyFingerprint, '--settle-ms', '100');
  expect(add.stderr).toBe('');
  expect(add.code).toBe(0);
  const id = Number(/^#(\d+) /.exec(add.stdout)?.[1]);
  expect(add.stdout).toContain('births_*.csv → birth');

  const [listed] = JSON.parse((await yipanqi('list', '--json')).stdout);
  expect(listed).toMatchObject({ id, agency: TEST_AGENCY, passwordEnv: TEST_PASSWORD_ENV, hostKey: t.server.hostKeyFingerprint, lastPolledAt: null });
  expect(JSON.stringify(listed)).not.toContain('correct horse');

  // (Files are ingested through the CLI as through a job: see the other intake-sftp tests.)
  const poll = await yipanqi('poll', '--id', String(id));
  expect(poll.stderr).toBe('');
  expect(poll.code).toBe(0);
  expect(poll.stdout).toBe(`#${id} ${TEST_AGENCY}: 0 file(s) taken\n`);
  const [polled] = JSON.parse((await yipanqi('list', '--json')).stdout);
  expect(polled).toMatchObject({ lastPolledAt: expect.any(String), lastError: null });

  const refused = await yipanqiWith({ [TEST_PASSWORD_ENV]: 'not the password' }, 'poll', '--agency', TEST_AGENCY);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain(`#${id} ${TEST_AGENCY}: 0 file(s) taken\n  ERROR login refused by ${t.server.host}:${t.server.port} for user hospital`);
  expect(refused.stderr).toBe('yipanqi: 1 of 1 source(s) had errors (also in "yipanqi sftp list")\n');

  expect((await yipanqi('disable', String(id))).code).toBe(0);
  const none = await yipanqi('poll', '--agency', TEST_AGENCY);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('no enabled SFTP source matches');

  expect((await yipanqi('remove', String(id))).stdout).toContain(`removed SFTP source #${id}`);
  expect((await yipanqi('list')).stdout).toContain('no SFTP sources');
});
