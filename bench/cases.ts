// npm run bench:cases [-- --persons 200000 --records 100000 --pushes 1000 --seed 1]
//
// Two figures for the rules stage on the embedded PostgreSQL, against a generated county:
// 1. a nightly batch: the generator's feed records (one batch per feed, --records in all) are
//    ingested and linked as the link job does, then the rules run over each batch; the time to
//    raise (and close) the cases of each batch is measured on its own;
// 2. push to case: --pushes single-record HTTP pushes (a prenatal exam whose ID number has a
//    wrong check digit, so that each raises one suspect_identifier case) through a listening
//    gateway with the link worker running (JOB_POLL_INTERVAL_MS=500, pg-boss's minimum); the
//    time from sending the push to the case being readable through GET /v1/cases/{id}.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { demoAgencies, demoCounty, generatePopulation } from '../fixtures/generator/index.js';
import { FeedRecordGenerator, type FeedCounts } from '../fixtures/generator/feed-records.js';
import { personLine, PERSON_COPY_COLUMNS, relationLines, RELATION_COPY_COLUMNS } from '../fixtures/generator/population-rows.js';
import type { FeedKind } from '../src/adapters/index.js';
import { loadKeyRing } from '../src/auth/keys.js';
import { loadConfig } from '../src/config.js';
import '../src/db/database.js';
import { startEmbedded } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { buildApp } from '../src/gateway/app.js';
import { ingest } from '../src/intake/ingest.js';
import { startBoss } from '../src/jobs/boss.js';
import { createLogger } from '../src/logger.js';
import { startLinkWorker } from '../src/matching/link-job.js';
import { ensureFrequencies, linkBatchRun } from '../src/matching/link-run.js';
import { matchSettings } from '../src/matching/settings.js';
import { checkDigit } from '../src/normalise/id-number.js';
import { runRulesForBatch, type RulesDeps } from '../src/rules/run-rules.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const PERSONS = Number(args.get('persons') ?? process.env.BENCH_PERSONS ?? 200_000);
const RECORDS = Number(args.get('records') ?? process.env.BENCH_RECORDS ?? 100_000);
const PUSHES = Number(args.get('pushes') ?? process.env.BENCH_PUSHES ?? 1000);
const SEED = args.get('seed') ?? '1';
const FEEDS: FeedKind[] = ['prenatal', 'birth', 'household', 'marriage', 'housing'];
const MIX: Record<FeedKind, number> = { prenatal: 0.2, birth: 0.15, household: 0.25, marriage: 0.15, housing: 0.25 };

const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
const say = (s: string) => process.stderr.write(`${s}\n`);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function copyInto(pool: pg.Pool, sql: string, chunks: string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
  } finally {
    client.release();
  }
}

async function main(): Promise<void> {
  const dir = path.resolve('.tmp/bench-cases');
  fs.rmSync(dir, { recursive: true, force: true });
  const server = await startEmbedded({ dir, database: 'bench', log, unsafeFast: true });
  const pool = new pg.Pool({ connectionString: server.url, max: 8 });
  const out: string[] = [];
  try {
    await migrate(pool);
    const county = demoCounty({ seed: SEED });
    const counts = Object.fromEntries(FEEDS.map((f) => [f, Math.round(RECORDS * MIX[f])])) as FeedCounts;
    const gen = new FeedRecordGenerator({ seed: SEED, counts, county });
    let household: Parameters<FeedRecordGenerator['addHousehold']>[0][number][] = [];
    const pl: string[] = [], rl: string[] = [];
    for (const p of generatePopulation({ seed: SEED, persons: PERSONS, county })) {
      if (household.length && household[0].household !== p.household) {
        gen.addHousehold(household);
        household = [];
      }
      household.push(p);
      pl.push(personLine(p));
      rl.push(relationLines(p, 'bench'));
    }
    if (household.length) gen.addHousehold(household);
    await copyInto(pool, `COPY persons (${PERSON_COPY_COLUMNS.join(', ')}) FROM STDIN`, pl);
    await copyInto(pool, `COPY person_relations (${RELATION_COPY_COLUMNS.join(', ')}) FROM STDIN`, rl);
    await pool.query('ANALYZE');
    await ensureFrequencies(pool, 0.02);
    for (const a of demoAgencies(county)) {
      await pool.query('INSERT INTO agencies (code, name, kind, division, feeds) VALUES ($1, $2, $3, $4, $5)', [a.code, a.name, a.kind, a.division, a.feeds]);
    }
    say(`population: ${PERSONS.toLocaleString('en')} persons loaded`);
    const feeds = gen.finish();
    const agencyOf: Record<FeedKind, string> = { prenatal: `${county.code}H01`, birth: `${county.code}H01`, household: `${county.code}P01`, marriage: `${county.code}C01`, housing: `${county.code}F01` };

    // ---- 1. the nightly batch
    const cfg = loadConfig({ LOG_LEVEL: 'silent', JOB_POLL_INTERVAL_MS: '500' });
    const settings = matchSettings(cfg);
    const rules: RulesDeps = { pool, log, settings: { newbornRegistrationDays: cfg.newbornRegistrationDays } };
    out.push(`Nightly batch: ${RECORDS.toLocaleString('en')} generated feed records (one batch per feed) against ${PERSONS.toLocaleString('en')} persons; ` +
      'linking not counted; the rules stage of each batch timed on its own (all seven rules, closes then raises, one transaction).', '',
      '| feed | records | cases raised | closed | rules stage |', '|---|---:|---:|---:|---:|');
    let totalMs = 0, totalRaised = 0, totalRecords = 0;
    const byRule = new Map<string, number>();
    for (const feed of FEEDS) {
      const r = await ingest({ pool, log }, {
        agency: agencyOf[feed], feed, channel: 'cli', fileName: `${feed}.json`, format: 'json', actor: 'bench',
        input: Readable.from([Buffer.from(JSON.stringify(feeds.records[feed]))]),
      });
      await linkBatchRun({ pool, log, settings }, r.batchId);
      const t = performance.now();
      const rr = await runRulesForBatch(rules, r.batchId);
      const ms = performance.now() - t;
      totalMs += ms;
      totalRaised += rr.raised;
      totalRecords += feeds.records[feed].length;
      for (const [k, c] of Object.entries(rr.byRule)) byRule.set(k, (byRule.get(k) ?? 0) + c.raised);
      out.push(`| ${feed} | ${feeds.records[feed].length.toLocaleString('en')} | ${rr.raised.toLocaleString('en')} | ${rr.closed} | ${(ms / 1000).toFixed(1)} s |`);
      say(`  ${feed}: ${rr.raised} cases in ${(ms / 1000).toFixed(1)} s — ${Object.entries(rr.byRule).map(([k, c]) => `${k} ${c.raised} sql ${c.queryMs} ms cases ${c.caseMs} ms`).join('; ')}`);
    }
    out.push(`| **all** | ${totalRecords.toLocaleString('en')} | ${totalRaised.toLocaleString('en')} | | **${(totalMs / 1000).toFixed(1)} s** |`, '',
      `Cases by rule: ${[...byRule].map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join(', ')}.`, '');

    // ---- 2. push to case
    if (!PUSHES) {
      process.stdout.write(`${out.join('\n')}\n`);
      return;
    }
    const keys = await loadKeyRing(loadConfig({ YIPANQI_DATA_DIR: dir, LOG_LEVEL: 'silent' }));
    const app = await buildApp({ cfg: { ...cfg, maxBodyBytes: 1 << 20 }, pool, keys, log });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    let stopping = false;
    const boss = await startBoss({ url: server.url, log, pollingIntervalMs: 500, supervise: false, stopping: () => stopping });
    const worker = await startLinkWorker(boss, { pool, log, settings }, { jobPollIntervalMs: 500, rules: { settings: rules.settings } });
    const agency = agencyOf.prenatal;
    const pushToken = await keys.sign!({ sub: 'bench', role: 'agency', unit: agency, feeds: ['prenatal'] }, '8h');
    const readToken = await keys.sign!({ sub: 'bench-county', role: 'county', unit: county.code }, '8h');
    const lat: number[] = [];
    for (let i = 0; i < PUSHES; i++) {
      const first17 = `${county.code}19900101${String(i % 1000).padStart(3, '0')}`;
      const bad = first17 + (checkDigit(first17) === '1' ? '2' : '1');
      const recordId = `LAT${i}`;
      const t = performance.now();
      const res = await fetch(`${base}/v1/feeds/prenatal`, {
        method: 'POST', headers: { authorization: `Bearer ${pushToken}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ record_id: recordId, exam_date: '2024-03-05', name: `测${[...String(i)].map((d) => '零一二三四五六七八九'[Number(d)]).join('')}`, id_type: '01', id_number: bad, birth_date: '1990-01-01' }]),
      });
      if (res.status !== 201 || (await res.clone().json()).counts.rejected) throw new Error(`push ${i}: ${res.status} ${await res.text()}`);
      for (;;) {
        const { rows } = await pool.query<{ id: number }>("SELECT id FROM cases WHERE rule = 'suspect_identifier' AND source ->> 'recordId' = $1", [recordId]);
        if (rows.length) {
          const got = await fetch(`${base}/v1/cases/${rows[0].id}`, { headers: { authorization: `Bearer ${readToken}` } });
          if (got.status === 200) break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      lat.push(performance.now() - t);
      if ((i + 1) % 100 === 0) say(`  ${i + 1} pushes, p50 ${quantile(lat, 0.5).toFixed(0)} ms`);
    }
    stopping = true;
    await worker.stop();
    await boss.stop({ graceful: false });
    await app.close();
    out.push(`Push to case: ${PUSHES} single-record HTTP pushes, one after another, link worker polling every 0.5 s (pg-boss's minimum): ` +
      `p50 **${quantile(lat, 0.5).toFixed(0)} ms**, p95 **${quantile(lat, 0.95).toFixed(0)} ms**, max ${Math.max(...lat).toFixed(0)} ms.`);
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await pool.end();
    await server.stop();
  }
}

main().catch((err) => {
  say(String(err?.stack ?? err));
  process.exit(1);
});
