// The pipeline's storage semantics on real PostgreSQL: idempotent re-sends, corrections that
// supersede with history, rejects that never cost the good records, failed files that store
// nothing, split parsing that equals one-thread parsing, and batches of one feed in sequence.
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import { ingest, type IngestDeps } from '../src/intake/ingest.js';
import { recordsOfBatchSql } from '../src/intake/merge-sql.js';
import { ParsePool } from '../src/intake/parse-pool.js';
import type { FeedFormat } from '../src/adapters/types.js';
import { createLogger } from '../src/logger.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { CIVIL, HOUSING_AGENCY, linkJobs, seedAgencies, storedRecords } from '../fixtures/intake/agencies.js';
import { housingCsv, housingJson } from '../fixtures/intake/housing-generator.js';

describe('intake storage semantics', () => {
  let db: TestDb;
  let deps: IngestDeps;
  const send = (body: Buffer | string, o: { format?: FeedFormat; agency?: string; feed?: 'housing' | 'marriage'; deps?: IngestDeps } = {}) =>
    ingest(o.deps ?? deps, {
      agency: o.agency ?? HOUSING_AGENCY,
      feed: o.feed ?? 'housing',
      channel: 'cli',
      fileName: 'test',
      format: o.format,
      input: Readable.from([Buffer.from(body)]),
      actor: 'test',
    });
  const count = async (sql: string, values: unknown[] = []) => (await db.pool.query(sql, values)).rows[0].n as number;

  beforeAll(async () => {
    db = await createTestDb();
    await seedAgencies(db.pool);
    deps = { pool: db.pool, log: createLogger('silent') };
  });
  afterAll(() => db.drop());

  it('stores a file once: the same file again is all duplicates and changes nothing', async () => {
    const file = housingCsv({ records: 400, encoding: 'gbk', badEvery: 40 });
    const first = await send(file);
    expect(first).toMatchObject({ status: 'committed', counts: { received: 400, accepted: 390, rejected: 10, duplicate: 0, superseded: 0 } });
    const before = await storedRecords(db.pool, HOUSING_AGENCY, 'housing');
    expect(before).toHaveLength(390);
    expect(new Set(before.map((r) => r.batch_id))).toEqual(new Set([first.batchId]));

    const again = await send(file);
    expect(again.counts).toEqual({ received: 400, accepted: 0, rejected: 10, duplicate: 390, superseded: 0 });
    expect(again.sha256).toBe(first.sha256);
    expect(await storedRecords(db.pool, HOUSING_AGENCY, 'housing')).toEqual(before);
    expect(await count('SELECT count(*)::int AS n FROM feed_record_history')).toBe(0);
    // Every committed batch hands over exactly one link job, even one that changed nothing.
    expect(await linkJobs(db.pool, first.batchId)).toBe(1);
    expect(await linkJobs(db.pool, again.batchId)).toBe(1);
    expect((await db.pool.query(recordsOfBatchSql(HOUSING_AGENCY, again.batchId))).rows).toHaveLength(0);
  });

  it('hashes the canonical record: the same records as UTF-8 CSV or as JSON are duplicates', async () => {
    const asUtf8 = await send(housingCsv({ records: 400, encoding: 'utf8', badEvery: 40 }));
    expect(asUtf8.counts).toMatchObject({ accepted: 0, duplicate: 390 });
    const asJson = await send(housingJson({ records: 400, badEvery: 40 }), { format: 'json' });
    expect(asJson.counts).toMatchObject({ received: 400, accepted: 0, duplicate: 390, rejected: 10 });
  });

  it('supersedes a record whose content changed, keeping the old version in history', async () => {
    const corrected = await send(housingCsv({ records: 400, encoding: 'gbk', badEvery: 40, edition: 1 }));
    // Every 10th record moved out in the new edition.
    expect(corrected.counts).toEqual({ received: 400, accepted: 40, rejected: 10, duplicate: 350, superseded: 40 });
    const history = (await db.pool.query('SELECT record_id, version, superseded_by FROM feed_record_history ORDER BY record_id')).rows;
    expect(history).toHaveLength(40);
    expect(history[0]).toEqual({ record_id: 'HS00000000', version: 1, superseded_by: corrected.batchId });
    const changed = (await db.pool.query(recordsOfBatchSql(HOUSING_AGENCY, corrected.batchId))).rows;
    expect(changed).toHaveLength(40);
    expect(changed.every((r) => r.version === 2 && (r.record as { movedOut: string | null }).movedOut !== null)).toBe(true);

    expect((await send(housingCsv({ records: 400, encoding: 'gbk', badEvery: 40, edition: 1 }))).counts).toMatchObject({ accepted: 0, superseded: 0 });
    // Going back is a correction too: version 3, and both earlier versions kept.
    const back = await send(housingCsv({ records: 400, encoding: 'gbk', badEvery: 40 }));
    expect(back.counts).toMatchObject({ accepted: 40, superseded: 40 });
    expect(await count("SELECT count(*)::int AS n FROM feed_records WHERE version = 3")).toBe(40);
    expect(await count('SELECT count(*)::int AS n FROM feed_record_history')).toBe(80);
    expect(await count('SELECT count(*)::int AS n FROM feed_records')).toBe(390);
  });

  it('keeps every good record of a file with bad ones, and the bad ones as rejects with line, field and reason', async () => {
    const csv = '记录编号,区划代码,姓名,入住日期\nR1,430102001001,张伟,2024-03-05\nR2,nope,王芳,2024-03-05\nR3,430102001001,李娜,2024-13-45\nR4,430102001001,赵磊,2024/3/5\n';
    const r = await send(iconv.encode(csv, 'gbk'));
    expect(r.counts).toMatchObject({ received: 4, accepted: 2, rejected: 2 });
    const rejects = (await db.pool.query('SELECT position, seq, record_id, field, code, raw FROM batch_rejects WHERE batch_id = $1 ORDER BY position, seq', [r.batchId])).rows;
    expect(rejects.map((x) => [x.position, x.record_id, x.field])).toEqual([[3, 'R2', 'division'], [4, 'R3', 'moved_in']]);
    // The record as received is kept, names decoded from GBK intact.
    expect(rejects[0].raw).toMatchObject({ record_id: 'R2', name: '王芳' });
  });

  it('records a file that cannot be read as a failed batch: no records, its rejects kept, no link job', async () => {
    const good = JSON.stringify(housingJson({ records: 3, seed: 42 }).toString().slice(1, -1));
    const broken = `[${JSON.parse(good)},{"record_id":"X9","division":"bad","name":"某"},{"record_id": "X10", "name": tru`;
    const r = await send(broken, { format: 'json' });
    expect(r.status).toBe('failed');
    expect(r.error?.code).toBe('YPQ_UNPARSEABLE');
    expect(r.counts.accepted).toBe(0);
    expect(r.counts.rejected).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM feed_records WHERE batch_id = $1', [r.batchId])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM batch_rejects WHERE batch_id = $1', [r.batchId])).toBeGreaterThan(0);
    const row = (await db.pool.query('SELECT status, error_code, error_message, finished_at FROM batches WHERE id = $1', [r.batchId])).rows[0];
    expect(row).toMatchObject({ status: 'failed', error_code: 'YPQ_UNPARSEABLE' });
    expect(row.finished_at).not.toBeNull();
    expect(await linkJobs(db.pool, r.batchId)).toBe(0);
  });

  it('refuses an unknown agency and a feed the agency is not registered for, before any batch', async () => {
    const before = await count('SELECT count(*)::int AS n FROM batches');
    await expect(send('a,b\n', { agency: 'NOBODY' })).rejects.toMatchObject({ code: 'YPQ_UNKNOWN_AGENCY' });
    const e = await send('a,b\n', { agency: CIVIL }).catch((x) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('YPQ_FEED_NOT_ALLOWED');
    expect(e.message).toContain('marriage');
    expect(await count('SELECT count(*)::int AS n FROM batches')).toBe(before);
  });

  it('parses a CSV split between workers exactly as one thread does, repeated ids across blocks included', async () => {
    await db.pool.query(`INSERT INTO agencies (code, name, kind, division, feeds) VALUES ('SPLIT-A', 'a', 'housing', '430102', '{housing}'), ('SPLIT-B', 'b', 'housing', '430102', '{housing}')`);
    // Quoted fields with commas and line breaks, a CRLF file, and an id that comes back 300 lines later.
    const lines = ['记录编号,区划代码,姓名,房屋地址,入住日期'];
    for (let i = 0; i < 600; i++) {
      const id = i === 450 ? 'S00100' : `S${String(i).padStart(5, '0')}`;
      const addr = i % 7 === 0 ? `"芙蓉区${i}号,\r\n${i % 2 ? '""东""' : ''}单元"` : `芙蓉区${i}号`;
      lines.push(`${id},${i % 50 === 49 ? 'bad' : '430102001001'},${'张王李赵'[i % 4]}${'伟芳娜敏静'[i % 5]},${addr},2024-03-05`);
    }
    const file = iconv.encode(lines.join('\r\n') + '\r\n', 'gbk');
    const split = new ParsePool(2);
    const a = await send(file, { agency: 'SPLIT-A', deps: { ...deps, parser: split, blockBytes: 2048 } });
    const b = await send(file, { agency: 'SPLIT-B', deps: { ...deps, parser: new ParsePool(0) } });
    expect(a.counts).toEqual(b.counts);
    expect(a.counts).toMatchObject({ received: 600, rejected: 13 });
    const strip = (rows: { record_id: string; hash: string; record: unknown; raw: unknown }[]) => rows.map((r) => [r.record_id, r.hash, r.raw]);
    expect(strip(await storedRecords(db.pool, 'SPLIT-A', 'housing'))).toEqual(strip(await storedRecords(db.pool, 'SPLIT-B', 'housing')));
    const rejects = async (batchId: number) =>
      (await db.pool.query('SELECT position, seq, record_id, field, code, message FROM batch_rejects WHERE batch_id = $1 ORDER BY position, seq', [batchId])).rows;
    const ra = await rejects(a.batchId);
    expect(ra).toEqual(await rejects(b.batchId));
    expect(ra.find((r) => r.code === 'DUPLICATE_ID')).toMatchObject({ record_id: 'S00100', field: 'record_id' });
    // Positions are lines of the whole file, quoted line breaks counted: record i starts on line
    // 2 + i + (line breaks inside the 86 quoted addresses before it); the last one is rejected.
    expect(ra[ra.length - 1]).toMatchObject({ position: 2 + 599 + 86, record_id: 'S00599' });
    const last = (await db.pool.query('SELECT position FROM feed_records WHERE agency = $1 ORDER BY position DESC LIMIT 1', ['SPLIT-A'])).rows[0];
    expect(last.position).toBe(2 + 598 + 86);
  });

  it('applies concurrent batches of one feed one after another, without losing or doubling a record', async () => {
    await db.pool.query(`INSERT INTO agencies (code, name, kind, division, feeds) VALUES ('CONC', 'c', 'housing', '430102', '{housing}')`);
    const files = [0, 1, 0, 1].map((edition) => housingCsv({ records: 300, seed: 11, edition }));
    const results = await Promise.all(files.map((f) => send(f, { agency: 'CONC' })));
    expect(results.every((r) => r.status === 'committed')).toBe(true);
    // Which edition lands when depends on who gets the feed lock first; the books balance either way.
    const sum = (k: 'accepted' | 'superseded') => results.map((r) => r.counts[k]).reduce((s, n) => s + n);
    const history = await count("SELECT count(*)::int AS n FROM feed_record_history WHERE agency = 'CONC'");
    expect(await count("SELECT count(*)::int AS n FROM feed_records WHERE agency = 'CONC'")).toBe(300);
    expect(sum('superseded')).toBe(history);
    expect(sum('accepted')).toBe(300 + history);
    expect([30, 60, 90]).toContain(history);
    const versions = await count("SELECT sum(version)::int AS n FROM feed_records WHERE agency = 'CONC'");
    expect(versions).toBe(300 + history);
  });

  it('marks a batch whose import died as failed, and leaves one that is still running alone', async () => {
    const dead = (await db.pool.query(`INSERT INTO batches (agency, feed, channel, actor) VALUES ($1, 'housing', 'cli', 'ghost') RETURNING id`, [HOUSING_AGENCY])).rows[0].id;
    const alive = (await db.pool.query(`INSERT INTO batches (agency, feed, channel, actor) VALUES ($1, 'housing', 'cli', 'busy') RETURNING id`, [HOUSING_AGENCY])).rows[0].id;
    const holder = await db.pool.connect();
    await holder.query('SELECT pg_advisory_lock($1, ($2::bigint % 2147483647)::integer)', [0x59504231, alive]);
    await send(housingCsv({ records: 2, seed: 99 }));
    const status = async (id: number) => (await db.pool.query('SELECT status, error_code FROM batches WHERE id = $1', [id])).rows[0];
    expect(await status(dead)).toEqual({ status: 'failed', error_code: 'YPQ_INTAKE_INTERRUPTED' });
    expect(await status(alive)).toEqual({ status: 'receiving', error_code: null });
    holder.release(true);
  });
});
