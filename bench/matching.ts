// npm run bench:matching [-- --scales 1000000,10000000 --records 100000 --seed 1]
//   --default-model 1: link with the built-in starting parameters, no `links estimate`
//   --housing-months 2: the housing department's next monthly report (the same residents of the same
//   properties, fresh errors) is linked after the day's batches and scored apart
//   development aids: --dump FILE (wrong decisions), --truth FILE (the truth as TSV), --keep 1 (keep the database),
//   MATCH_* variables in the environment reach the linking (e.g. MATCH_CHUNK_RECORDS),
//   --pg-statements 1 (PostgreSQL's time per linking statement), --pg-settings k=v,k=v (server settings to try); BENCH_LINK_NODE_ARGS="--cpu-prof" profiles the linking process
//
// Links a day's feed records against a generated population on the embedded PostgreSQL and
// measures quality against the generator's truth and speed against the floor of an exact-ID
// join of the same staged persons. Per scale: generate the population (one demo county per
// million persons) and the feed records with their errors, load the population by COPY (indexes
// built once at the end), ingest the records through the real intake pipeline (one batch per
// feed), estimate the model from the data (`links estimate`: no truth is used), then link the
// batches in order and compare every decision with the truth.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { demoAgencies, demoCounty, generatePopulation, type FixturePerson } from '../fixtures/generator/index.js';
import { FeedRecordGenerator, truthKey, type FeedCounts, type GeneratedFeeds } from '../fixtures/generator/feed-records.js';
import {
  distinctMigrantId, distinctNames, personLine, PERSON_COPY_COLUMNS, relationLines, RELATION_COPY_COLUMNS,
} from '../fixtures/generator/population-rows.js';
import type { FeedKind } from '../src/adapters/index.js';
import { loadConfig } from '../src/config.js';
import '../src/db/database.js';
import { sharedBuffersMb, startEmbedded } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { ingest } from '../src/intake/ingest.js';
import { createLogger } from '../src/logger.js';
import { ensureFrequencies, linkBatchRun, type LinkRunResult } from '../src/matching/link-run.js';
import { LINK_RULES } from '../src/matching/link-decision.js';
import { saveModel } from '../src/matching/model-store.js';
import { matchSettings } from '../src/matching/settings.js';
import { estimateFromDatabase } from '../src/matching/train/estimate-model.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const SCALES = (args.get('scales') ?? '1000000,10000000').split(',').map(Number);
const RECORDS = Number(args.get('records') ?? 100_000);
const SEED = args.get('seed') ?? '1';
const PER_COUNTY = Number(args.get('per-county') ?? 1_000_000);
const FEEDS: FeedKind[] = ['prenatal', 'birth', 'household', 'marriage', 'housing'];
/** 2: the housing department's next monthly report is linked after the day's batches, and scored apart. */
const HOUSING_MONTHS = Number(args.get('housing-months') ?? 1);
const NEXT_MONTH = 'housing, next month';
const isNextMonth = (feed: string, recordId: string) => feed === 'housing' && recordId.startsWith('HT');
const MIX: Record<FeedKind, number> = { prenatal: 0.2, birth: 0.15, household: 0.25, marriage: 0.15, housing: 0.25 };
const COUNTIES = ['430124', '430121', '430182', '430223', '430224', '430225', '430281', '430321', '430381', '430382'];

const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
const say = (s: string) => process.stderr.write(`${s}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
let peakRss = 0;
let peakLinkRss = 0;
let linking = false;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  if (linking) peakLinkRss = Math.max(peakLinkRss, rss);
}, 100);

async function timed<T>(label: string, f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  const ms = performance.now() - t;
  say(`  ${label}: ${secs(ms)}`);
  return { ms, value };
}

/**
 * CPU seconds used so far by the embedded server (its backends, and the ones that exited):
 * the machine is shared, so wall time alone would also measure the neighbours.
 */
async function serverCpuSeconds(pool: pg.Pool): Promise<number> {
  const ticks = (pid: number | string, fields: number[]) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields.reduce((a, f) => a + Number(rest[f - 3]), 0);
    } catch {
      return 0;
    }
  };
  const backend = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const stat = fs.readFileSync(`/proc/${backend}/stat`, 'utf8');
  const postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  let total = ticks(postmaster, [14, 15, 16, 17]);
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += ticks(d, [14, 15]);
    } catch {
      // gone meanwhile
    }
  }
  return total / 100; // USER_HZ
}

async function copyInto(pool: pg.Pool, sql: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
  } finally {
    client.release();
  }
}

/** Streams the population into COPY buffers and the feed generator, county by county. */
async function loadPopulation(pool: pg.Pool, persons: number, gen: FeedRecordGenerator): Promise<number> {
  const counties = Math.max(1, Math.ceil(persons / PER_COUNTY));
  let loaded = 0;
  const personChunks: string[] = [];
  const relationChunks: string[] = [];
  for (let k = 0; k < counties; k++) {
    const county = demoCounty({ seed: SEED, code: COUNTIES[k] });
    const n = Math.min(PER_COUNTY, persons - loaded);
    let household: FixturePerson[] = [];
    let pbuf = '', rbuf = '';
    const flushHousehold = () => {
      if (household.length) gen.addHousehold(household);
      household = [];
    };
    for (const raw of generatePopulation({ seed: `${SEED}:${k}`, persons: n, county })) {
      const p = distinctMigrantId(raw, county.code, k);
      if (household.length && household[0].household !== p.household) flushHousehold();
      household.push(p);
      pbuf += personLine(p);
      rbuf += relationLines(p, 'bench');
      if (pbuf.length > 1 << 20) {
        personChunks.push(pbuf);
        pbuf = '';
      }
      if (rbuf.length > 1 << 20) {
        relationChunks.push(rbuf);
        rbuf = '';
      }
    }
    flushHousehold();
    personChunks.push(pbuf);
    relationChunks.push(rbuf);
    loaded += n;
    // COPY each county as it is generated, so the buffers stay one county large.
    await copyInto(pool, `COPY persons (${PERSON_COPY_COLUMNS.join(', ')}) FROM STDIN`, personChunks.splice(0));
    await copyInto(pool, `COPY person_relations (${RELATION_COPY_COLUMNS.join(', ')}) FROM STDIN`, relationChunks.splice(0));
    say(`    county ${county.code}: ${loaded.toLocaleString('en')} persons, ${distinctNames().toLocaleString('en')} distinct names so far`);
  }
  return loaded;
}

/** Secondary indexes and foreign keys of the population tables: dropped for the load, rebuilt once after. */
async function deferIndexes(pool: pg.Pool): Promise<() => Promise<void>> {
  const tables = ['persons', 'person_relations'];
  const { rows: idx } = await pool.query(
    `SELECT format('DROP INDEX %I', indexname) AS drop, indexdef AS restore FROM pg_indexes i
     WHERE schemaname = current_schema() AND tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I', i.indexname)::regclass)`,
    [tables],
  );
  const { rows: fks } = await pool.query(
    `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS restore
     FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY($1)`,
    [tables],
  );
  for (const x of [...fks, ...idx]) await pool.query(x.drop);
  return async () => {
    // Indexes in parallel on two connections: the build is CPU-bound.
    const queue = [...idx];
    await Promise.all([0, 1].map(async () => {
      for (let x = queue.shift(); x; x = queue.shift()) await pool.query(x.restore);
    }));
    for (const x of fks) await pool.query(x.restore);
  };
}

interface Tally {
  persons: number;
  positives: number;
  tp: number;
  falseLinks: number;
  review: number;
  missed: number;
  newRight: number;
  newTotal: number;
}
const emptyTally = (): Tally => ({ persons: 0, positives: 0, tp: 0, falseLinks: 0, review: 0, missed: 0, newRight: 0, newTotal: 0 });

interface ResultRow {
  feed: FeedKind;
  record_id: string;
  role: string;
  status: string;
  pid: string | null;
  rule: string;
  score: number;
  margin: number | null;
  best: string | null;
}

/** Rules whose outcome does not depend on the thresholds: all but the four the thresholds decide. */
const THRESHOLD_RULES = new Set(['above-link-threshold', 'close-runner-up', 'review-band', 'below-review-threshold']);
const FIXED_RULES = new Set<string>(LINK_RULES.filter((r) => !THRESHOLD_RULES.has(r)));

/** The decision the stored score and margin give under other thresholds (what MATCH_LINK_THRESHOLD would change). */
function redecide(r: ResultRow, link: number, review: number, margin: number): ResultRow {
  if (FIXED_RULES.has(r.rule)) return r;
  if (r.score >= link) {
    const close = r.margin !== null && r.margin < margin;
    return { ...r, status: close ? 'review' : 'linked', pid: close ? null : r.best };
  }
  return { ...r, status: r.score >= review ? 'review' : 'new', pid: null };
}

async function resultRows(pool: pg.Pool): Promise<ResultRow[]> {
  const { rows } = await pool.query<ResultRow>(
    `SELECT r.feed, r.record_id, r.role, r.status, r.pid, r.rule, r.score, (r.explanation->>'margin')::float8 AS margin,
            r.explanation->'candidates'->0->>'pid' AS best
     FROM link_results r
     JOIN feed_records f ON f.agency = r.agency AND f.feed = r.feed AND f.record_id = r.record_id AND f.version = r.version`,
  );
  return rows;
}

async function evaluate(pool: pg.Pool, truth: GeneratedFeeds['truth'], rows: ResultRow[]): Promise<Map<string, Tally>> {
  const created = new Map(
    (await pool.query<{ feed: string; record_id: string; role: string; pid: string }>('SELECT feed, record_id, role, pid FROM link_created_persons')).rows
      .map((r) => [truthKey(r.feed as FeedKind, r.record_id, r.role), r.pid]),
  );
  const tallies = new Map<string, Tally>([['all', emptyTally()]]);
  for (const r of rows) {
    let want = truth.get(truthKey(r.feed, r.record_id, r.role));
    if (want === undefined) continue;
    if (want.startsWith('created:')) want = created.get(want.slice('created:'.length)) ?? 'new';
    for (const key of isNextMonth(r.feed, r.record_id) ? [NEXT_MONTH] : ['all', r.feed, `${r.feed}/${r.role}`]) {
      const t = tallies.get(key) ?? emptyTally();
      tallies.set(key, t);
      t.persons++;
      if (r.status === 'review') t.review++;
      if (want === 'new') {
        t.newTotal++;
        if (r.status === 'new') t.newRight++;
        if (r.status === 'linked') t.falseLinks++;
      } else {
        t.positives++;
        if (r.status === 'linked' && r.pid === want) t.tp++;
        else if (r.status === 'linked') t.falseLinks++;
        else if (r.status === 'new') t.missed++;
      }
    }
  }
  return tallies;
}

/** Development aid: every wrong or doubtful decision with its record and the persons involved (synthetic data only). */
async function dumpErrors(pool: pg.Pool, truth: GeneratedFeeds['truth'], file: string): Promise<void> {
  const { rows } = await pool.query(
    `SELECT r.feed, r.record_id, r.role, r.status, r.pid, r.rule, r.score, r.explanation, f.record
     FROM link_results r JOIN feed_records f ON f.agency = r.agency AND f.feed = r.feed AND f.record_id = r.record_id AND f.version = r.version`,
  );
  const out: string[] = [];
  const personOf = async (pid: string | null) =>
    pid ? (await pool.query('SELECT pid, id_number, name, sex, birth_date, hukou_division, residence_division, phone FROM persons WHERE pid = $1', [pid])).rows[0] : null;
  for (const r of rows) {
    const want = truth.get(truthKey(r.feed, r.record_id, r.role));
    if (want === undefined || want.startsWith('created:')) continue;
    const right = (want === 'new' && r.status === 'new') || (r.status === 'linked' && r.pid === want);
    if (right) continue;
    const cands = r.explanation.candidates.map((c: { pid: string; matchWeight: number; fields: { field: string; level: string; weight: number }[] }) =>
      `${c.pid} w=${c.matchWeight} ${c.fields.map((f) => `${f.field}:${f.level}:${f.weight}`).join(' ')}`);
    out.push(JSON.stringify({ key: `${r.feed}/${r.record_id}/${r.role}`, want, status: r.status, pid: r.pid, rule: r.rule, score: r.score }),
      `  record ${JSON.stringify(r.record)}`, `  truth  ${JSON.stringify(await personOf(want === 'new' ? null : want))}`,
      `  chosen ${JSON.stringify(await personOf(r.pid))}`, ...cands.map((c: string) => `  cand ${c}`));
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
}

function qualityTable(tallies: Map<string, Tally>): string {
  const lines = ['| feed / role | persons | in population | precision | recall | F1 | review rate | false links | missed (new) | newcomers found new |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  const keys = [...tallies.keys()].sort((a, b) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)));
  for (const k of keys) {
    const t = tallies.get(k)!;
    const precision = t.tp / Math.max(1, t.tp + t.falseLinks);
    const recall = t.tp / Math.max(1, t.positives);
    const f1 = (2 * precision * recall) / Math.max(1e-9, precision + recall);
    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    lines.push(`| ${k === 'all' ? '**all**' : k} | ${t.persons} | ${t.positives} | ${precision.toFixed(4)} | ${recall.toFixed(4)} | ${f1.toFixed(4)} | ` +
      `${pct(t.review / Math.max(1, t.persons))} | ${t.falseLinks} | ${t.missed} | ${t.newTotal ? pct(t.newRight / t.newTotal) : '—'} |`);
  }
  return lines.join('\n');
}

async function runScale(persons: number): Promise<string> {
  say(`\n== ${persons.toLocaleString('en')} persons, ${RECORDS.toLocaleString('en')} records ==`);
  const dir = path.resolve(`.tmp/bench-matching-${persons}`);
  fs.rmSync(dir, { recursive: true, force: true });
  // --pg-statements 1: PostgreSQL's own account of the linking statements (pg_stat_statements).
  const statements = args.has('pg-statements');
  const server = await startEmbedded({
    dir, database: 'bench', log, unsafeFast: true,
    settings: {
      ...(statements ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {}),
      // --pg-settings name=value,name=value: server settings to try (e.g. shared_buffers=2GB).
      ...Object.fromEntries((args.get('pg-settings') ?? '').split(',').filter(Boolean).map((kv) => {
        const at = kv.indexOf('=');
        if (at < 1) throw new Error(`--pg-settings takes name=value pairs separated by commas, got "${kv}"`);
        return [kv.slice(0, at), kv.slice(at + 1)];
      })),
    },
  });
  const pool = new pg.Pool({ connectionString: server.url, max: 6 });
  try {
    await migrate(pool);
    const counts = Object.fromEntries(FEEDS.map((f) => [f, Math.round(RECORDS * MIX[f])])) as FeedCounts;
    const home = demoCounty({ seed: SEED, code: COUNTIES[0] });
    const gen = new FeedRecordGenerator({ seed: SEED, counts, county: home });
    const restore = await deferIndexes(pool);
    const load = await timed('population generated and loaded by COPY', () => loadPopulation(pool, persons, gen));
    const build = await timed('population indexes built', restore);
    await timed('ANALYZE', () => pool.query('ANALYZE'));
    const tf = await timed('name frequencies counted', () => ensureFrequencies(pool, 0.02));
    const feeds = gen.finish();

    for (const a of demoAgencies(home)) {
      await pool.query('INSERT INTO agencies (code, name, kind, division, feeds) VALUES ($1, $2, $3, $4, $5)', [a.code, a.name, a.kind, a.division, a.feeds]);
    }
    const agencyOf: Record<FeedKind, string> = { prenatal: `${home.code}H01`, birth: `${home.code}H01`, household: `${home.code}P01`, marriage: `${home.code}C01`, housing: `${home.code}F01` };
    const batches: Record<string, number> = {};
    await timed('feed records ingested (intake, one batch per feed)', async () => {
      for (const feed of FEEDS) {
        const r = await ingest({ pool, log }, {
          agency: agencyOf[feed], feed, channel: 'cli', fileName: `${feed}.json`, format: 'json', actor: 'bench',
          input: Readable.from([Buffer.from(JSON.stringify(feeds.records[feed]))]),
        });
        if (r.counts.rejected) say(`    ${feed}: ${r.counts.rejected} records rejected by intake`);
        batches[feed] = r.batchId;
      }
    });
    const later: [FeedKind, number][] = [];
    if (HOUSING_MONTHS > 1) {
      const next = gen.nextHousingReport();
      const r = await ingest({ pool, log }, {
        agency: agencyOf.housing, feed: 'housing', channel: 'cli', fileName: 'housing-next-month.json', format: 'json', actor: 'bench',
        input: Readable.from([Buffer.from(JSON.stringify(next))]),
      });
      later.push(['housing', r.batchId]);
      say(`    housing, next month: ${next.length} records ingested`);
    }
    // --default-model 1: no `links estimate`, as on a gateway whose model was never estimated.
    const est = await timed('model estimated from the data (links estimate)', async () => {
      if (args.has('default-model')) return null;
      const e = await estimateFromDatabase(pool, { seed: 7 });
      await saveModel(pool, e.params, { name: 'person', training: e.training, actor: 'bench' });
      return e;
    });

    const settings = matchSettings(loadConfig({ ...matchEnv(), LOG_LEVEL: 'silent' }));
    // Linking runs in a process of its own, as in the gateway: its CPU and memory are the
    // linker's, not the generator's (whose heap of a million persons' worth of buffers would
    // make every garbage collection dearer).
    if (statements) await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()');
    const pgCpu0 = await serverCpuSeconds(pool);
    const child = await linkInChild(server.url, [...FEEDS.map((f) => [f, batches[f]] as const), ...later]);
    const pgCpu = (await serverCpuSeconds(pool)) - pgCpu0;
    if (statements) {
      const { rows: top } = await pool.query<{ ms: number; calls: number; rows: number; query: string }>(
        `SELECT round(total_exec_time)::int AS ms, calls::int, rows::int, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
           FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40`);
      say('  PostgreSQL statements during linking, by total time (ms, calls, rows):');
      for (const r of top) say(`    ${String(r.ms).padStart(6)} ${String(r.calls).padStart(6)} ${String(r.rows).padStart(8)}  ${r.query}`);
    }
    // The next month's report is scored apart and left out of the day's speed figures.
    const nextMonthRuns = child.runs.slice(FEEDS.length);
    const runs = child.runs.slice(0, FEEDS.length);
    for (const x of nextMonthRuns) say(`    linked housing, next month: ${x.r.records} records in ${secs(x.ms)}`);
    for (const x of runs) say(`    linked ${x.feed}: ${x.r.records} records, ${x.r.persons} persons, ${x.r.pairs} pairs — ${JSON.stringify(x.r.timings)}`);
    const cpu = child.cpu;
    peakLinkRss = child.maxRssBytes;
    const rows = await resultRows(pool);
    const tallies = await evaluate(pool, feeds.truth, rows);
    const sweep: string[] = ['| link threshold | precision | recall | F1 | review rate | false links |', '|---:|---:|---:|---:|---:|---:|'];
    for (const t of [0.8, 0.9, 0.95, 0.98, 0.99, 0.999]) {
      const all = (await evaluate(pool, feeds.truth, rows.map((r) => redecide(r, t, settings.thresholds.review, settings.thresholds.minMargin)))).get('all')!;
      const p = all.tp / Math.max(1, all.tp + all.falseLinks), rc = all.tp / Math.max(1, all.positives);
      sweep.push(`| ${t}${t === settings.thresholds.link ? ' (configured)' : ''} | ${p.toFixed(4)} | ${rc.toFixed(4)} | ${((2 * p * rc) / (p + rc)).toFixed(4)} | ` +
        `${((100 * all.review) / all.persons).toFixed(2)}% | ${all.falseLinks} |`);
    }
    // The review threshold: what a clerk's review of the band below it would find.
    const reviewSweep: string[] = ['| review threshold | review rate | F1 | of those in review, the best candidate is the person |', '|---:|---:|---:|---:|'];
    for (const t of [0.05, 0.1, 0.2, 0.3, 0.5]) {
      const re = rows.map((r) => redecide(r, settings.thresholds.link, t, settings.thresholds.minMargin));
      const all = (await evaluate(pool, feeds.truth, re)).get('all')!;
      const inReview = re.filter((r) => r.status === 'review' && !isNextMonth(r.feed, r.record_id));
      const found = inReview.filter((r) => r.best !== null && feeds.truth.get(truthKey(r.feed, r.record_id, r.role)) === r.best).length;
      const p = all.tp / Math.max(1, all.tp + all.falseLinks), rc = all.tp / Math.max(1, all.positives);
      reviewSweep.push(`| ${t}${t === settings.thresholds.review ? ' (configured)' : ''} | ${((100 * all.review) / all.persons).toFixed(2)}% | ` +
        `${((2 * p * rc) / (p + rc)).toFixed(4)} | ${((100 * found) / Math.max(1, inReview.length)).toFixed(1)}% |`);
    }
    if (args.has('dump')) await dumpErrors(pool, feeds.truth, args.get('dump')!);
    if (args.has('truth')) {
      // Development aid: the generator's truth (feed, record, role → pid | new | created:…) for analysis with --keep.
      fs.writeFileSync(args.get('truth')!, [...feeds.truth].map(([k, v]) => `${k}\t${v}\n`).join(''));
    }

    const records = runs.reduce((a, x) => a + x.r.records, 0);
    const floor = runs.reduce((a, x) => a + (x.r.timings.floorExactId ?? 0), 0);
    const total = runs.reduce((a, x) => a + x.ms, 0) - floor;
    const apply = runs.reduce((a, x) => a + (x.r.timings.apply ?? 0), 0);
    const decide = total - apply;
    const load1 = os.loadavg()[0];
    const out = [
      `### ${persons.toLocaleString('en')} persons, ${records.toLocaleString('en')} records`,
      '',
      `Machine: ${os.cpus().length} cores (${os.cpus()[0].model}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average during the run ${load1.toFixed(2)}.`,
      `Population load ${secs(load.ms)} + index build ${secs(build.ms)}; name frequencies ${tf.value ? secs(tf.ms) : 'fresh'}; model estimation ${secs(est.ms)}.`,
      '',
      '| | time | records/s |',
      '|---|---:|---:|',
      `| link: read, stage, block, score, store | ${secs(decide)} | ${Math.round(records / (decide / 1000)).toLocaleString('en')} |`,
      `| apply events to the population | ${secs(apply)} | |`,
      `| **link + apply** | **${secs(total)}** | **${Math.round(records / (total / 1000)).toLocaleString('en')}** |`,
      `| floor: exact-ID join of the same staged persons | ${secs(floor)} | ${Math.round(records / (floor / 1000)).toLocaleString('en')} |`,
      '',
      `CPU during linking${HOUSING_MONTHS > 1 ? ' (the next month\'s housing report included)' : ''}: linking process ${secs((cpu.user + cpu.system) / 1000)}, PostgreSQL ${secs(pgCpu * 1000)} ` +
        `(${Math.round(records / ((cpu.user + cpu.system) / 1e6 + pgCpu)).toLocaleString('en')} records per CPU-second of both together).`,
      `Candidate pairs scored: ${runs.reduce((a, x) => a + x.r.pairs, 0).toLocaleString('en')}. ` +
        `Linking process: peak RSS ${(peakLinkRss / 2 ** 20).toFixed(0)} MiB (the benchmark's generator process: ${(peakRss / 2 ** 20).toFixed(0)} MiB). ` +
        `PostgreSQL: ${args.get('pg-settings') ?? `shared_buffers ${sharedBuffersMb()} MB (embedded default)`}, same machine.`,
      '',
      `Per batch (ms): ${runs.map((x) => `${x.feed} ${JSON.stringify(x.r.timings)}`).join('; ')}`,
      '',
      qualityTable(tallies),
      '',
      'The same decisions under other link thresholds (review threshold and margin as configured; the family rules and hard ID rules do not move):',
      '',
      ...sweep,
      '',
      'The same decisions under other review thresholds (link threshold and margin as configured; rule-made decisions do not move):',
      '',
      ...reviewSweep,
      '',
      est.value
        ? `Model: ${JSON.stringify({ share: est.value.training.shareInPopulation, sessions: est.value.training.sessions.map((s) => [s.name, s.pairs, s.iterations, s.converged]) })}`
        : 'Model: the built-in starting parameters (no links estimate).',
      ...(args.has('params') && est.value ? ['', '```', JSON.stringify(est.value.params), '```'] : []),
      '',
      `Generator: ${feeds.newcomers} newcomers (${feeds.hardNegatives} hard negatives: a resident's name and birth date); errors injected / chances: ` +
        Object.keys(feeds.chances).sort().map((k) => `${k} ${feeds.injected[k] ?? 0}/${feeds.chances[k]}`).join(', '),
    ].join('\n');
    console.log(`\n${out}\n`);
    return out;
  } finally {
    // Connections the intake and estimation left idle see the server stop: expected here.
    pool.on('error', () => undefined);
    await pool.end();
    await server.stop();
    if (!args.has('keep')) fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface ChildResult {
  runs: { feed: FeedKind; r: LinkRunResult; ms: number }[];
  cpu: { user: number; system: number };
  maxRssBytes: number;
}

/** The MATCH_* settings of the environment (e.g. MATCH_CHUNK_RECORDS=1000000 to link each batch whole). */
function matchEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('MATCH_') && e[1] !== undefined));
}

/** Links the batches in order in a fresh Node process (this file with --link-child). */
async function linkInChild(url: string, batches: readonly (readonly [FeedKind, number])[]): Promise<ChildResult> {
  const { spawn } = await import('node:child_process');
  // BENCH_LINK_NODE_ARGS (development aid): extra node options for the linking process, e.g. --cpu-prof.
  const extra = (process.env.BENCH_LINK_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', fileURLToPath(import.meta.url), '--link-child', url, '--batches', JSON.stringify(batches)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`linking process exited with ${code}`);
  return JSON.parse(out) as ChildResult;
}

async function linkChild(url: string, batches: [FeedKind, number][]): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const settings = matchSettings(loadConfig({ ...matchEnv(), LOG_LEVEL: 'silent' }));
  const runs: ChildResult['runs'] = [];
  const cpu0 = process.cpuUsage();
  for (const [feed, id] of batches) {
    const t = performance.now();
    const r = await linkBatchRun({ pool, log, settings }, id, { measureFloor: true });
    runs.push({ feed, r, ms: performance.now() - t });
  }
  const cpu = process.cpuUsage(cpu0);
  await pool.end();
  process.stdout.write(JSON.stringify({ runs, cpu, maxRssBytes: process.resourceUsage().maxRSS * 1024 } satisfies ChildResult));
}

if (args.has('link-child')) {
  await linkChild(args.get('link-child')!, JSON.parse(args.get('batches')!));
  clearInterval(sampler);
  process.exit(0);
}

try {
  const reports: string[] = [];
  for (const s of SCALES) reports.push(await runScale(s));
  if (args.has('out')) fs.writeFileSync(args.get('out')!, reports.join('\n\n') + '\n');
} finally {
  clearInterval(sampler);
}
