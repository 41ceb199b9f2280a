// Benchmark of the coordination modules on a county with twelve months of data: the monthly
// data-sharing summary and the supervision figures (computed and stored), and the p95 latency of
// the list endpoints. Synthetic data, written set-based in PostgreSQL.
//   npm run bench:coordination [-- --records 2000000 --cases 100000 --items 20000 --requests 200]
// Uses DATABASE_URL when set (the database named there is dropped and filled), otherwise an
// embedded PostgreSQL under .tmp/bench-coordination-pg.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { loadKeyRing } from '../src/auth/keys.js';
import { startEmbedded, type EmbeddedServer } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import '../src/db/database.js';
import { buildApp } from '../src/gateway/app.js';
import { createLogger } from '../src/logger.js';
import { computeSharing } from '../src/coordination/data-sharing/sharing-service.js';
import { countBatchFields } from '../src/coordination/data-sharing/batch-fields.js';
import { computeSupervision } from '../src/coordination/supervision/supervision-service.js';
import { parseMonth } from '../src/coordination/shared/month.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    cases: { type: 'string', default: '10000' },
    items: { type: 'string', default: '2000' },
    requests: { type: 'string', default: '100' },
  },
});
const RECORDS = Number(args.records);
const CASES = Number(args.cases);
const ITEMS = Number(args.items);
const REQUESTS = Number(args.requests);
const COUNTY = '370725';
const TOWNSHIPS = 15;
const log = createLogger('warn');

async function database(): Promise<{ url: string; server?: EmbeddedServer }> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    const name = url.pathname.slice(1);
    url.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    await admin.end();
    return { url: process.env.DATABASE_URL };
  }
  const server = await startEmbedded({ dir: path.resolve('.tmp/bench-coordination-pg'), database: 'postgres', log, unsafeFast: true });
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS bench_coordination WITH (FORCE)');
  await admin.query('CREATE DATABASE bench_coordination');
  await admin.end();
  const url = new URL(server.url);
  url.pathname = '/bench_coordination';
  return { url: url.toString(), server };
}

const step = async (label: string, body: () => Promise<unknown>) => {
  const t = performance.now();
  await body();
  process.stderr.write(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
};

// Words for item texts, so that the archive search has Chinese to find.
const WORDS = ['新生儿', '落户', '户口登记', '迁移', '流动人口', '出生医学证明', '婚姻登记', '信息核对', '身份证号码', '入户核实', '免费孕前检查', '居住证', '社区', '网格员', '数据更正', '材料不全', '跨县', '办理结果'];

async function load(pool: pg.Pool): Promise<void> {
  const q = (text: string, values: unknown[] = []) => pool.query(text, values);
  await step('agencies, units', async () => {
    // 30 agencies (hospitals, police, civil affairs, housing) supplying 1, 4 or 30 times a month.
    await q(`INSERT INTO agencies (code, name, kind, division, feeds, expected_per_month)
             SELECT 'A' || i, '单位' || i, (ARRAY['hospital', 'police', 'civil_affairs', 'housing'])[1 + i % 4],
                    $1 || lpad((1 + i % $2)::text, 3, '0'),
                    CASE i % 4 WHEN 0 THEN '{birth,prenatal}'::text[] WHEN 1 THEN '{household}' WHEN 2 THEN '{marriage}' ELSE '{housing}' END,
                    (ARRAY[1, 4, 30])[1 + i % 3]
             FROM generate_series(1, 30) AS i`, [COUNTY, TOWNSHIPS]);
    await q(`INSERT INTO coord_units (code, county, name, kind, duties, topics)
             SELECT $1, $1, '协调办公室', 'office', '统筹协调', '{督办}'
             UNION ALL SELECT 'A' || i, $1, '单位' || i, 'agency', '数据报送', ARRAY['数据' || i] FROM generate_series(1, 30) AS i
             UNION ALL SELECT $1 || lpad(i::text, 3, '0'), $1, '街道' || i, 'township', '人口服务', '{流动人口}' FROM generate_series(1, $2::int) AS i`, [COUNTY, TOWNSHIPS]);
  });
  await step('batches', () =>
    q(`INSERT INTO batches (agency, feed, channel, actor, status, received_at, finished_at, error_code)
       SELECT a.code, f.feed, 'sftp', 'bench', t.status, t.at, t.at, CASE WHEN t.status = 'failed' THEN 'YPQ_UNPARSEABLE' END
       FROM agencies a CROSS JOIN LATERAL unnest(a.feeds) AS f (feed)
       CROSS JOIN generate_series(0, 11) AS mo
       CROSS JOIN LATERAL generate_series(1, a.expected_per_month) AS k
       CROSS JOIN LATERAL (SELECT ((timestamp '2024-01-01' + make_interval(months => mo)) AT TIME ZONE 'Asia/Shanghai')
                                  + (k - 1 + random() * 1.3) * interval '28 days' / a.expected_per_month AS at,
                                  CASE WHEN random() < 0.01 THEN 'failed' ELSE 'committed' END AS status) t
       WHERE random() > 0.05`),
  );
  // A hash join on (record number mod batches): the batch count is a constant, not a window value.
  const nb = Number((await q(`SELECT count(*) AS n FROM batches WHERE status = 'committed'`)).rows[0].n);
  await step(`feed_records (${RECORDS})`, () =>
    q(`WITH b AS (SELECT id, agency, feed, row_number() OVER (ORDER BY id) - 1 AS rn FROM batches WHERE status = 'committed')
       INSERT INTO feed_records (agency, feed, record_id, version, content_hash, record, raw, batch_id, position)
       SELECT b.agency, b.feed, 'R' || i, 1, '\\x00', jsonb_strip_nulls(jsonb_build_object(
                'recordId', 'R' || i,
                'facilityCode', CASE WHEN random() < 0.9 THEN 'F' || (i % 20) END,
                'subject', jsonb_build_object('name', '某某', 'idNumber', CASE WHEN random() < 0.95 THEN '3707251990' || lpad((i % 100000000)::text, 8, '0') END,
                                              'birthDate', CASE WHEN random() < 0.97 THEN '1990-01-01' END, 'sex', 1),
                'mother', jsonb_build_object('idNumber', CASE WHEN random() < 0.96 THEN 'X' || i END, 'birthDate', '1991-02-02'),
                'father', CASE WHEN random() < 0.8 THEN jsonb_build_object('name', '某', 'idNumber', CASE WHEN random() < 0.7 THEN 'Y' || i END) END,
                'child', jsonb_build_object('sex', 1 + i % 2),
                'party1', jsonb_build_object('idNumber', 'P' || i, 'birthDate', '1990-05-05'),
                'party2', jsonb_build_object('idNumber', CASE WHEN random() < 0.98 THEN 'Q' || i END, 'birthDate', '1992-06-06'),
                'phone', CASE WHEN random() < 0.8 THEN '1380000' || lpad((i % 10000)::text, 4, '0') END,
                'address', CASE WHEN random() < 0.85 THEN '某街道某号' END,
                'division', $1 || '001001', 'residenceDivision', $1 || '001', 'birthDivision', $1 || '001', 'hukouDivision', $1 || '002',
                'ethnicity', CASE WHEN random() < 0.9 THEN '01' END, 'householdNo', 'H' || (i % 5000), 'relationToHead', '02',
                'officeCode', 'MZ01', 'propertyId', 'P' || (i % 9000), 'occupancy', 'owner', 'movedIn', '2020-01-01')),
              '{}', b.id, i / $3
       FROM generate_series(1, $2::int) AS i JOIN b ON b.rn = i % $3`, [COUNTY, RECORDS, nb]),
  );
  await step('batch_rejects, batch counts', async () => {
    await q(`INSERT INTO batch_rejects (agency, batch_id, position, seq, record_id, field, code, message)
             SELECT b.agency, b.id, 1000000 + g, 0, NULL, 'id_number', (ARRAY['ID_CHECKSUM', 'DATE_FORMAT', 'REQUIRED', 'DIVISION_CODE'])[1 + g % 4], 'bench'
             FROM (SELECT id, agency, row_number() OVER (ORDER BY id) - 1 AS rn FROM batches WHERE status = 'committed') b
             JOIN generate_series(1, ($1::int / 50)) AS g ON b.rn = g % $2`, [RECORDS, nb]);
    await q(`UPDATE batches b SET accepted = coalesce(r.n, 0), rejected = coalesce(j.n, 0), duplicate = (b.id % 3),
                    received = coalesce(r.n, 0) + coalesce(j.n, 0) + (b.id % 3)
             FROM batches x
             LEFT JOIN (SELECT batch_id, count(*) AS n FROM feed_records GROUP BY 1) r ON r.batch_id = x.id
             LEFT JOIN (SELECT batch_id, count(DISTINCT position) AS n FROM batch_rejects GROUP BY 1) j ON j.batch_id = x.id
             WHERE b.id = x.id AND b.status = 'committed'`);
  });
  const links = (await q(`SELECT to_regclass('public.link_results') IS NOT NULL AS present`)).rows[0].present;
  if (links) {
    await step(`link_results (${RECORDS})`, () =>
      q(`INSERT INTO link_results (agency, feed, record_id, version, role, batch_id, run_id, status, pid, score, rule, explanation, model_id)
         SELECT agency, feed, record_id, version, 'subject', batch_id, 1, s.status, CASE WHEN s.status = 'linked' THEN 'P' || record_id END, 0.99, 'bench', '{}', 'bench'
         FROM feed_records CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.9 THEN 'linked' WHEN random() < 0.5 THEN 'review' ELSE 'new' END AS status) s`),
    );
  }
  await step(`cases (${CASES}) with history and handovers`, async () => {
    await q(`INSERT INTO cases (rule, dedup_key, township, county, deadline, source, created_at, updated_at)
             SELECT 'newborn_unregistered', 'b' || i, $1 || lpad((1 + i % $2)::text, 3, '0'), $1,
                    t.at + (4 + random() * 160) * interval '1 hour', '{"kind":"bench"}', t.at, t.at
             FROM generate_series(1, $3::int) AS i
             CROSS JOIN LATERAL (SELECT (timestamp '2024-01-01' AT TIME ZONE 'Asia/Shanghai') + random() * interval '365 days' + i * interval '0 s' AS at) t`,
    [COUNTY, TOWNSHIPS, CASES]);
    await q(`INSERT INTO case_history (case_id, at, actor, role, unit, action)
             SELECT id, created_at, 'system', 'system', '-', 'raise' FROM cases
             UNION ALL SELECT id, created_at + random() * interval '12 hours', 'x', 'township', township, 'accept' FROM cases WHERE id % 20 <> 0
             UNION ALL SELECT id, created_at + interval '12 hours' + random() * interval '7 days', 'x', 'township', township, 'resolve' FROM cases WHERE id % 20 NOT IN (0, 1, 2)
             UNION ALL SELECT id, created_at + random() * interval '2 days', 'x', 'township', township, 'return' FROM cases WHERE id % 20 = 1`);
    await q(`INSERT INTO case_delegations (case_id, from_unit, to_unit, deadline, request, status, answer, answered_at, created_at)
             SELECT id, township, $1 || lpad((1 + (id + 1) % $2)::text, 3, '0'), created_at + interval '3 days', '请核实',
                    CASE WHEN id % 5 = 0 THEN 'pending' ELSE 'answered' END, CASE WHEN id % 5 <> 0 THEN '已核实' END,
                    CASE WHEN id % 5 <> 0 THEN created_at + random() * interval '4 days' END, created_at + interval '1 hour'
             FROM cases WHERE id % 20 = 3`, [COUNTY, TOWNSHIPS]);
  });
  await step(`business items (${ITEMS}), documents, questions`, async () => {
    await q(`INSERT INTO coord_items (county, requester, title, details, requested_handling, status, created_by, created_at, updated_at, assigned_at, archived_at, on_time, search_text)
             SELECT $1, 'A' || (1 + i % 30), w1 || w2, w2 || '，' || w3 || '，请' || w1, '请核实', s.status, 'bench', t.at, t.at, t.at,
                    CASE WHEN s.status = 'archived' THEN t.at + interval '5 days' END, CASE WHEN s.status = 'archived' THEN i % 4 <> 0 END,
                    CASE WHEN s.status = 'archived' THEN concat_ws(E'\\n', w1 || w2, w2 || '，' || w3 || '，请' || w1, '已办理：' || w3) ELSE '' END
             FROM generate_series(1, $2::int) AS i
             CROSS JOIN LATERAL (SELECT (timestamp '2024-01-01' AT TIME ZONE 'Asia/Shanghai') + random() * interval '360 days' + i * interval '0 s' AS at,
                                        $3::text[] AS w) t
             CROSS JOIN LATERAL (SELECT t.w[1 + (i * 7) % array_length(t.w, 1)] AS w1, t.w[1 + (i * 13) % array_length(t.w, 1)] AS w2,
                                        t.w[1 + (i * 17) % array_length(t.w, 1)] AS w3,
                                        CASE WHEN i % 10 < 6 THEN 'archived' WHEN i % 10 < 9 THEN 'in_progress' ELSE 'submitted' END AS status) s`,
    [COUNTY, ITEMS, WORDS]);
    await q(`INSERT INTO coord_item_assignments (item_id, unit, status, first_deadline, deadline, result, submitted_at, assigned_at, late, returns)
             SELECT i.id, u.code, CASE WHEN i.status = 'archived' THEN 'submitted' ELSE 'pending' END, i.created_at + interval '3 days',
                    i.created_at + interval '3 days', CASE WHEN i.status = 'archived' THEN '已办理' END,
                    CASE WHEN i.status = 'archived' THEN i.created_at + interval '2 days' END, i.created_at, i.id % 7 = 0, (i.id % 11 = 0)::int
             FROM coord_items i CROSS JOIN LATERAL (VALUES ($1 || lpad((1 + i.id % $2)::text, 3, '0')), ('A' || (1 + (i.id + 5) % 30))) AS u (code)
             WHERE i.status <> 'submitted'`, [COUNTY, TOWNSHIPS]);
    await q(`INSERT INTO coord_documents (kind, county, unit, title, body, published_at, created_by)
             SELECT (ARRAY['document', 'news'])[1 + i % 2], $1, 'A' || (1 + i % 30), '通知' || i, '正文', timestamptz '2024-01-01' + i * interval '3 hours', 'bench'
             FROM generate_series(1, 2000) AS i`, [COUNTY]);
    await q(`INSERT INTO coord_questions (county, asker, to_unit, title, body, status, answered_at, created_by)
             SELECT $1, 'A' || (1 + i % 30), 'A' || (1 + (i + 3) % 30), '问题' || i, '内容', CASE WHEN i % 3 = 0 THEN 'open' ELSE 'answered' END,
                    CASE WHEN i % 3 <> 0 THEN now() END, 'bench'
             FROM generate_series(1, 1000) AS i`, [COUNTY]);
  });
  await step('analyze', () => q('ANALYZE'));
}

function p95(ms: number[]): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}

const { url, server } = await database();
const pool = new pg.Pool({ connectionString: url, max: 10 });
pool.on('error', () => undefined); // the embedded server stopping at the end closes idle connections
try {
  process.stderr.write(`coordination benchmark: ${RECORDS} intake records, ${CASES} cases, ${ITEMS} business items, 12 months\n`);
  await migrate(pool, log);
  await load(pool);
  const from = parseMonth('2024-01');
  const to = parseMonth('2024-12');
  // The jobs count each batch's fields once as it lands; here the whole year is counted at once.
  const counting = await countBatchFields(pool);
  const sharing = await computeSharing(pool, { from, to, onTimeDays: 0 });
  const supervision = await computeSupervision(pool, { from, to, asOf: new Date('2025-01-15T00:00:00Z') });

  const dataDir = path.resolve('.tmp/bench-coordination-keys');
  fs.mkdirSync(dataDir, { recursive: true });
  const cfg = loadConfig({ YIPANQI_DATA_DIR: dataDir, DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const keys = await loadKeyRing(cfg);
  const app = await buildApp({ cfg, pool, keys, log: createLogger('silent') });
  await app.ready();
  const token = (role: string, unit: string) => keys.sign!({ sub: `bench:${unit}`, role, unit, feeds: [] }, '1h');
  const office = await token('county', COUNTY);
  const town = await token('township', `${COUNTY}001`);
  const agency = await token('agency', 'A1');
  const routes: [string, string, string][] = [
    ['items, to-do of a township', town, '/v1/coordination/items?box=todo'],
    ['items, all of the office', office, '/v1/coordination/items?box=all'],
    ['items, overdue (office)', office, '/v1/coordination/items?overdue=true'],
    ['archive, latest', office, '/v1/coordination/archive'],
    ['archive, search 户口登记', office, `/v1/coordination/archive?q=${encodeURIComponent('户口登记')}`],
    ['archive, search 新生儿 落户 (unit)', agency, `/v1/coordination/archive?q=${encodeURIComponent('新生儿 落户')}`],
    ['handling record', agency, '/v1/coordination/archive/handling-record'],
    ['units', agency, '/v1/coordination/units'],
    ['documents', agency, '/v1/coordination/documents'],
    ['news of a unit', agency, '/v1/coordination/news?unit=A2'],
    ['questions, open', agency, '/v1/coordination/questions?status=open'],
    ['data sharing, month', office, '/v1/coordination/data-sharing/monthly?month=2024-06'],
    ['data sharing, ranking', office, '/v1/coordination/data-sharing/ranking?month=2024-06'],
    ['supervision, month', office, '/v1/coordination/supervision?month=2024-06'],
    ['supervision, trend', office, `/v1/coordination/supervision/trend?unit=${COUNTY}001&from=2024-01&to=2024-12`],
    ['reminders', town, '/v1/coordination/reminders'],
  ];
  const rows: string[] = [];
  for (const [label, tok, u] of routes) {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS + 5; i++) {
      const t = performance.now();
      const res = await app.inject({ url: u, headers: { authorization: `Bearer ${tok}` } });
      if (res.statusCode !== 200) throw new Error(`${u}: ${res.statusCode} ${res.body}`);
      if (i >= 5) times.push(performance.now() - t); // the first few warm the plans and caches
    }
    rows.push(`| ${label} | \`${decodeURIComponent(u)}\` | ${p95(times).toFixed(1)} |`);
  }
  await app.close();

  const out = [
    `### Coordination: ${RECORDS.toLocaleString('en')} intake records, ${CASES.toLocaleString('en')} cases, ${ITEMS.toLocaleString('en')} business items, 12 months`,
    '',
    `| computed and stored | rows | seconds |`,
    `|---|---|---|`,
    `| field counts per batch (done once per batch as it lands; here a whole year at once) | ${counting.batches} batches | ${(counting.ms / 1000).toFixed(2)} |`,
    `| data-sharing summary, 12 months (all agencies and feeds), from the batch counts | ${sharing.rows} | ${(sharing.ms / 1000).toFixed(2)} |`,
    `| supervision figures, 12 months (townships, county, province) | ${supervision.rows} | ${(supervision.ms / 1000).toFixed(2)} |`,
    '',
    `| list endpoint | request | p95 ms (${REQUESTS} requests, in-process) |`,
    `|---|---|---|`,
    ...rows,
  ].join('\n');
  process.stdout.write(`${out}\n`);
} finally {
  await pool.end();
  await server?.stop();
}
