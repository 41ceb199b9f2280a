// Intake benchmark (npm run bench:intake):
//   1. CLI intake of an N-record GBK housing CSV (default 500,000) against a raw
//      `COPY … (FORMAT csv, ENCODING 'GBK')` of the same file into a bare table, same cluster, same run;
//   2. HTTP push throughput: 1,000-record JSON batches from this process (autocannon) to a
//      `yipanqi serve` child process.
// Environment: INTAKE_BENCH_RECORDS (500000), INTAKE_BENCH_HTTP_SECONDS (10),
// INTAKE_BENCH_HTTP_CONNECTIONS (4), INTAKE_BENCH_BATCH (1000), INTAKE_BENCH_SKIP_HTTP=1.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { freePort, startEmbedded } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { housingRow, writeHousingCsv } from '../fixtures/intake/housing-generator.js';

const env = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const RECORDS = env('INTAKE_BENCH_RECORDS', 500_000);
const HTTP_SECONDS = env('INTAKE_BENCH_HTTP_SECONDS', 10);
const HTTP_CONNECTIONS = env('INTAKE_BENCH_HTTP_CONNECTIONS', 4);
const BATCH = env('INTAKE_BENCH_BATCH', 1000);
const AGENCY = 'BENCH-HOUSING';

const root = path.resolve('bench/out/intake');
fs.mkdirSync(root, { recursive: true, mode: 0o755 });
const log = createLogger('warn');
const bin = path.resolve('bin/yipanqi.mjs');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} records/s`;

/** Peak resident set of a child (VmHWM), sampled until it exits. */
function watchPeakRss(pid: number): () => number {
  let peak = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      /* gone */
    }
  };
  const t = setInterval(read, 25);
  return () => {
    clearInterval(t);
    return peak;
  };
}

async function main() {
  const server = await startEmbedded({ dir: path.join(root, 'pg'), database: 'postgres', log });
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS intake_bench WITH (FORCE)');
  await admin.query('CREATE DATABASE intake_bench');
  await admin.end();
  const url = server.adminUrl.replace(/\/postgres$/, '/intake_bench');
  const pool = new pg.Pool({ connectionString: url });
  try {
    await migrate(pool);
    await pool.query(`INSERT INTO agencies (code, name, kind, division, feeds) VALUES ($1, 'bench', 'housing', '430102', '{housing}')`, [AGENCY]);

    const file = path.join(root, `housing-${RECORDS}-gbk.csv`);
    if (!fs.existsSync(file)) {
      process.stderr.write(`generating ${file} …\n`);
      await writeHousingCsv(file, { records: RECORDS, encoding: 'gbk', eol: '\r\n' });
    }
    const bytes = fs.statSync(file).size;
    fs.readFileSync(file); // into the page cache, for both contenders alike
    console.log(`file: ${RECORDS.toLocaleString('en')} records, ${(bytes / 1048576).toFixed(1)} MB, GBK, CRLF`);

    // 1a. Raw COPY of the same file into a bare table.
    await pool.query(`CREATE TABLE bench_raw_copy (record_id text, property_id text, division text, address text, name text,
      id_number text, phone text, occupancy text, moved_in text, moved_out text)`);
    const c = await pool.connect();
    let t = performance.now();
    await pipeline(fs.createReadStream(file), c.query(copyFrom(`COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'GBK')`)));
    const copyMs = performance.now() - t;
    c.release();
    console.log(`raw COPY (ENCODING 'GBK'):   ${secs(copyMs)}  ${rate(RECORDS, copyMs)}`);

    // 1b. The CLI, as an operator runs it.
    t = performance.now();
    // --no-link: intake only; linking is the matching stage's figure.
    const child = spawn(process.execPath, [bin, 'feed', 'import', '--no-link', '--feed', 'housing', '--agency', AGENCY, file], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const peakRss = watchPeakRss(child.pid!);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
    const cliMs = performance.now() - t;
    const rss = peakRss();
    if (code !== 0) throw new Error(`CLI failed (${code}): ${err}`);
    const finished = err.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((l) => l.msg === 'batch finished');
    const stored = (await pool.query('SELECT count(*)::int AS n FROM feed_records WHERE agency = $1', [AGENCY])).rows[0].n;
    console.log(`CLI feed import (process):   ${secs(cliMs)}  ${rate(RECORDS, cliMs)}  ratio ${(cliMs / copyMs).toFixed(2)}x raw COPY  (target ≤ 5x)`);
    if (finished?.ms) {
      console.log(`  of which the pipeline:      ${secs(finished.ms)}  ${rate(RECORDS, finished.ms)}  ratio ${(finished.ms / copyMs).toFixed(2)}x`);
      console.log(`  waiting for: parse ${secs(finished.parseWaitMs)}, COPY ${secs(finished.writeMs)}, feed lock ${secs(finished.lockWaitMs)}, corrections ${secs(finished.finishMs)}`);
    }
    console.log(`  peak RSS of the CLI:        ${(rss / 1048576).toFixed(0)} MB; stored ${stored.toLocaleString('en')} records`);
    console.log(`  ${out.trim().split('\n')[0]}`);

    if (process.env.INTAKE_BENCH_SKIP_HTTP !== '1') await httpBench(url);
  } finally {
    await pool.end();
    await server.stop();
  }
}

async function httpBench(url: string) {
  const port = await freePort();
  const dataDir = path.join(root, 'serve-data');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const childEnv = { ...process.env, DATABASE_URL: url, YIPANQI_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', YIPANQI_DEMO_DATA: 'false' };
  const tok = spawnSync(process.execPath, [bin, 'token', '--role', 'agency', '--unit', AGENCY, '--feeds', 'housing'], { env: childEnv, encoding: 'utf8' });
  if (tok.status !== 0) throw new Error(`token: ${tok.stderr}`);
  const token = tok.stdout.trim();
  const serve = spawn(process.execPath, [bin, 'serve'], { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let serveErr = '';
  serve.stderr.on('data', (d) => (serveErr += d));
  try {
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        /* not yet */
      }
      if (i > 300) throw new Error(`serve did not start: ${serveErr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Every request a batch of new records: ids carry the request number.
    const template = JSON.stringify(Array.from({ length: BATCH }, (_, n) => ({ ...housingRow(n, 5), record_id: `H@@${String(n).padStart(5, '0')}` })));
    let k = 0;
    const result = await autocannon({
      url: `${base}/v1/feeds/housing`,
      method: 'POST',
      connections: HTTP_CONNECTIONS,
      duration: HTTP_SECONDS,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      requests: [{ setupRequest: (req) => ({ ...req, body: template.replaceAll('H@@', `H${k++}-`) }) }],
    });
    const ok = result['2xx'];
    const records = ok * BATCH;
    const seconds = result.duration;
    const stored = await (async () => {
      const p = new pg.Pool({ connectionString: url });
      const n = (await p.query(`SELECT count(*)::int AS n FROM feed_records WHERE agency = $1 AND record_id LIKE 'H%-%'`, [AGENCY])).rows[0].n;
      await p.end();
      return n;
    })();
    console.log(`HTTP push, ${BATCH}-record JSON batches, ${HTTP_CONNECTIONS} connections, ${seconds.toFixed(0)} s:`);
    console.log(`  ${Math.round(records / seconds).toLocaleString('en')} records/s (target ≥ 20,000); ${ok} batches, ${result.non2xx} non-2xx, ${result.errors} errors`);
    console.log(`  latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (target ≤ 250 ms), max ${result.latency.max} ms; stored ${stored.toLocaleString('en')}`);
  } finally {
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
  }
}

await main();
