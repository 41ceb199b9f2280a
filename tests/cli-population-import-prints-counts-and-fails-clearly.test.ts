// The command line as the counties' scripts use it: `yipanqi population import FILE` prints the
// counts and where the rejects went, exits 0; a missing file or an unreadable header exits
// non-zero with a clear message.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies, demoCounty, writeAgenciesCsv, writeDivisionsCsv } from '../fixtures/generator/index.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { copyFixture, scratchDir } from './helpers/import-files.js';

let db: TestDb;
const scratch = scratchDir('cli-import');

function yipanqi(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/yipanqi.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', YIPANQI_DATA_DIR: scratch.file('data') },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db.drop();
  scratch.remove();
});

describe('yipanqi … import', () => {
  it('loads the reference data and the population, printing the counts', async () => {
    const county = demoCounty({ seed: 'cli' });
    await writeDivisionsCsv(scratch.file('divisions.csv'), county.divisions);
    await writeAgenciesCsv(scratch.file('agencies.csv'), demoAgencies(county));
    const d = yipanqi('divisions', 'import', scratch.file('divisions.csv'));
    expect(d.err).toBe('');
    expect(d.code).toBe(0);
    expect(d.out).toContain(`read ${county.divisions.length}, inserted ${county.divisions.length}, updated 0, unchanged 0, rejected 0, warnings 0`);
    expect(yipanqi('agencies', 'import', scratch.file('agencies.csv')).code).toBe(0);

    const file = copyFixture('fixtures/population/bad-values.csv', scratch.dir);
    const p = yipanqi('population', 'import', file, '--rejects', scratch.file('my-rejects.csv'), '--actor', 'clerk:li');
    expect(p.code).toBe(0);
    expect(p.out).toContain('read 13, inserted 6, updated 0, unchanged 0, rejected 7, warnings 2');
    expect(p.out).toContain(`rejected rows and warnings: ${scratch.file('my-rejects.csv')}`);
    expect(fs.readFileSync(scratch.file('my-rejects.csv'), 'utf8')).toContain('PID_DUPLICATE');
    const run = (await db.pool.query("SELECT actor FROM import_runs WHERE kind = 'population'")).rows[0];
    expect(run.actor).toBe('clerk:li');
    // Nothing about the persons themselves reaches the terminal.
    for (const name of ['李娜', '王伟', '430124198503051225']) expect(p.out + p.err).not.toContain(name);
  });

  it('exits non-zero with a clear message when the file is missing', () => {
    const r = yipanqi('population', 'import', scratch.file('nope.csv'));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/cannot read .*nope\.csv: no such file/);
  });

  it('exits non-zero with a clear message when the header is not the contract', () => {
    fs.writeFileSync(scratch.file('wrong.csv'), '编号,名字\n1,张三\n');
    const r = yipanqi('population', 'import', scratch.file('wrong.csv'));
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/population import of .*wrong\.csv failed, nothing was changed: required column\(s\) missing: pid \(人员编号\), name \(姓名\)/);
  });

  it('explains itself with --help', () => {
    const r = yipanqi('population', 'import', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: yipanqi population import \[options\] <file>/);
    expect(r.out).toContain('--rejects <path>');
  });
});

