// Benchmark of the population bulk load against PostgreSQL's own COPY of the same file.
//   npm run bench:population                 (1,000,000 persons)
//   BENCH_PERSONS=100000 npm run bench:population
//
// 1. Generates the demo county's persons as a contract CSV (bench/out, reused when present).
// 2. Starts a fresh embedded PostgreSQL (default, durable settings), migrates it.
// 3. COPYs the file into a bare table of text columns: the floor any import stands on.
// 4. Imports it with everything a real import does (validation, normalisation, names, keys,
//    indexes, foreign keys, family links, findings) into the empty population database.
// 5. Re-imports it (nothing changes), then a copy with every 100th person's phone changed.
// 6. Times `yipanqi serve` on a fresh data folder until /healthz answers 200 (initdb, migrations,
//    demo county).
// Prints rows/s, the ratio to COPY, the import's phases, the load average (the machine may be
// shared) and the peak RSS of this process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { demoCounty, generatePopulation, writePopulationCsv } from '../fixtures/generator/index.js';
import { freePort, startEmbedded } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { importPopulation } from '../src/population/population-import.js';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const OUT = path.resolve('bench/out');
const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} rows/s`;
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const phases = (t: Record<string, number>) => Object.entries(t).filter(([, v]) => v >= 5).map(([k, v]) => `${k} ${seconds(v)}`).join(', ');

fs.mkdirSync(OUT, { recursive: true, mode: 0o755 });
fs.chmodSync(OUT, 0o755);
const csv = path.join(OUT, `population-${PERSONS}.csv`);
if (!fs.existsSync(csv)) {
  const t = Date.now();
  const county = demoCounty({ seed: 'bench' });
  await writePopulationCsv(`${csv}.part`, generatePopulation({ seed: 'bench', persons: PERSONS, county }));
  fs.renameSync(`${csv}.part`, csv);
  console.log(`generated ${PERSONS.toLocaleString('en')} persons in ${seconds(Date.now() - t)}`);
}
const mb = fs.statSync(csv).size / 1e6;
console.log(`file: ${csv} (${mb.toFixed(1)} MB)`);

const pgDir = path.join(OUT, `pg-${process.pid}`);
const server = await startEmbedded({ dir: pgDir, database: 'bench', log });
const pool = new pg.Pool({ connectionString: server.url, max: 4 });
const results: Record<string, unknown> = { persons: PERSONS, mb: Number(mb.toFixed(1)) };
try {
  await migrate(pool);

  // The floor: PostgreSQL parsing the same bytes into a table of text columns.
  const bare = await pool.connect();
  let copyMs: number;
  try {
    await bare.query(`CREATE TABLE bench_bare (${Array.from({ length: 14 }, (_, i) => `c${i} text`).join(', ')})`);
    const t = Date.now();
    await pipeline(fs.createReadStream(csv, { highWaterMark: 1 << 20 }), bare.query(copyFrom('COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)')));
    copyMs = Date.now() - t;
    await bare.query('DROP TABLE bench_bare');
  } finally {
    bare.release();
  }
  console.log(`raw COPY into a bare table:  ${seconds(copyMs)}  ${rate(PERSONS, copyMs)}  (load ${load()})`);

  const first = await importPopulation(pool, { file: csv, actor: 'bench', log });
  console.log(`population import (first):   ${seconds(first.ms)}  ${rate(PERSONS, first.ms)}  = ${(first.ms / copyMs).toFixed(1)}× COPY  (load ${load()})`);
  console.log(`  read ${first.read}, inserted ${first.inserted}, rejected ${first.rejected}, warnings ${first.warnings}`);
  console.log(`  phases: ${phases(first.timings)}`);

  const again = await importPopulation(pool, { file: csv, actor: 'bench', log });
  console.log(`population re-import (same): ${seconds(again.ms)}  ${rate(PERSONS, again.ms)}  = ${(again.ms / copyMs).toFixed(1)}× COPY  (unchanged ${again.unchanged}; load ${load()})`);
  console.log(`  phases: ${phases(again.timings)}`);

  // A daily reload: every 100th person's phone changed (the generated file has no quoted fields),
  // written line by line so that the copy does not count in the peak RSS.
  const changedCsv = path.join(OUT, `population-${PERSONS}-changed.csv`);
  let lineNo = 0;
  await pipeline(
    readline.createInterface({ input: fs.createReadStream(csv), crlfDelay: Infinity }),
    async function* (lines: AsyncIterable<string>) {
      for await (const line of lines) {
        const f = line.split(',');
        if (lineNo++ % 100 === 0 && lineNo > 1 && f.length === 14) f[12] = `139${String(lineNo).padStart(8, '0').slice(-8)}`;
        yield `${f.join(',')}\n`;
      }
    },
    fs.createWriteStream(changedCsv),
  );
  const changed = await importPopulation(pool, { file: changedCsv, actor: 'bench', log });
  fs.rmSync(changedCsv, { force: true });
  console.log(`population re-import (1% changed): ${seconds(changed.ms)}  = ${(changed.ms / copyMs).toFixed(1)}× COPY  (updated ${changed.updated}, unchanged ${changed.unchanged}; load ${load()})`);
  console.log(`  phases: ${phases(changed.timings)}`);
  Object.assign(results, {
    copyMs, importMs: first.ms, ratio: Number((first.ms / copyMs).toFixed(2)), reimportMs: again.ms,
    reimportRatio: Number((again.ms / copyMs).toFixed(2)), changedMs: changed.ms, changedUpdated: changed.updated,
    phases: first.timings, reimportPhases: again.timings, load: os.loadavg(),
  });
} finally {
  // pool.end() resolves before its connections have closed; the server's shutdown can reach one,
  // and its termination error would surface as an unhandled pool 'error'.
  pool.on('error', () => undefined);
  await pool.end();
  await server.stop();
  fs.rmSync(pgDir, { recursive: true, force: true });
}

// The gateway from nothing: a fresh data folder means initdb, migrations and the demo county.
const dataDir = path.join(OUT, `serve-${process.pid}`);
fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
const port = await freePort();
const env: NodeJS.ProcessEnv = { ...process.env, YIPANQI_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', YIPANQI_DEMO_DATA: 'true' };
delete env.DATABASE_URL;
const started = Date.now();
const child = spawn(process.execPath, ['bin/yipanqi.mjs', 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));
let serveMs: number | undefined;
const exited = new Promise((r) => child.once('exit', r));
while (Date.now() - started < 120_000 && child.exitCode === null) {
  const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
  if (ok) {
    serveMs = Date.now() - started;
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
child.kill('SIGTERM');
await exited;
fs.rmSync(dataDir, { recursive: true, force: true });
if (serveMs === undefined) console.log(`yipanqi serve did not answer /healthz within 120 s:\n${stderr.slice(-2000)}`);
else console.log(`yipanqi serve, fresh data folder → /healthz 200: ${seconds(serveMs)} (demo county of ${process.env.YIPANQI_DEMO_PERSONS ?? 5000} persons)`);
results.serveMs = serveMs;

const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(`peak RSS of this process: ${peakMb.toFixed(0)} MB`);
results.peakRssMb = Math.round(peakMb);
console.log(JSON.stringify(results));
