// Shared by the matching tests: a small population written straight into persons, feed records
// ingested through the real intake pipeline, and linking with the configured settings.
import { Readable } from 'node:stream';
import type pg from 'pg';
import { loadConfig } from '../src/config.js';
import { ingest } from '../src/intake/ingest.js';
import { createLogger } from '../src/logger.js';
import { linkBatchRun, type LinkRunResult } from '../src/matching/link-run.js';
import { nameForms } from '../src/matching/name-cache.js';
import { matchSettings } from '../src/matching/settings.js';
import { checkDigit, parseIdNumber } from '../src/normalise/id-number.js';
import type { FeedKind } from '../src/adapters/index.js';

export const silent = createLogger('silent');

/** A valid 18-character ID number from its address code, birth date and sequence (odd: male). */
export function idNumber(area: string, birth: string, seq: number): string {
  const first17 = area + birth.replaceAll('-', '') + String(seq).padStart(3, '0');
  return first17 + checkDigit(first17);
}

export interface TestPerson {
  pid: string;
  idNumber?: string | null;
  name: string;
  sex: 1 | 2;
  birthDate: string | null;
  hukou?: string | null;
  residence?: string | null;
  phone?: string | null;
  marital?: string | null;
  status?: 1 | 2 | 3;
}

export async function insertPersons(pool: pg.Pool, persons: TestPerson[]): Promise<void> {
  for (const p of persons) {
    const f = nameForms(p.name);
    const id = p.idNumber ? parseIdNumber(p.idNumber) : null;
    await pool.query(
      `INSERT INTO persons (pid, id_number, id_suspect, name, name_norm, name_pinyin, sex, birth_date, hukou_division, residence_division,
                            marital_status, phone, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [p.pid, id?.ok ? id.id.value : null, id?.ok ? id.id.status === 'suspect' : false, p.name, f.norm, f.pinyin, p.sex, p.birthDate,
        p.hukou ?? null, p.residence ?? p.hukou ?? null, p.marital ?? null, p.phone ?? null, p.status ?? 1],
    );
  }
}

export async function relate(pool: pg.Pool, pid: string, kind: 'mother' | 'father' | 'spouse', related: string): Promise<void> {
  await pool.query(`INSERT INTO person_relations (pid, kind, related_pid, source) VALUES ($1, $2, $3, 'test')`, [pid, kind, related]);
}

/** Ingests records as a JSON push of the agency; returns the batch id. */
export async function ingestJson(pool: pg.Pool, agency: string, feed: FeedKind, records: unknown[]): Promise<number> {
  const r = await ingest(
    { pool, log: silent },
    { agency, feed, channel: 'cli', fileName: `${feed}.json`, format: 'json', input: Readable.from([Buffer.from(JSON.stringify(records))]), actor: 'test' },
  );
  if (r.status !== 'committed') throw new Error(`batch failed: ${JSON.stringify(r.error)}`);
  if (r.counts.rejected) throw new Error(`${r.counts.rejected} records rejected`);
  return r.batchId;
}

export function linkDeps(pool: pg.Pool, env: Record<string, string> = {}) {
  return { pool, log: silent, settings: matchSettings(loadConfig({ LOG_LEVEL: 'silent', ...env })) };
}

export function link(pool: pg.Pool, batchId: number, env: Record<string, string> = {}): Promise<LinkRunResult> {
  return linkBatchRun(linkDeps(pool, env), batchId);
}

export interface ResultRow {
  id: number;
  record_id: string;
  role: string;
  status: string;
  pid: string | null;
  created_pid: string | null;
  rule: string;
  score: number;
  applied_at: Date | null;
  explanation: { candidates: { pid: string; fields: { field: string; level: string; weight: number }[] }[] };
}

export async function results(pool: pg.Pool, batchId: number): Promise<Map<string, ResultRow>> {
  const { rows } = await pool.query<ResultRow>('SELECT * FROM link_results WHERE batch_id = $1 ORDER BY id', [batchId]);
  return new Map(rows.map((r) => [`${r.record_id}/${r.role}`, r]));
}

export async function person(pool: pg.Pool, pid: string) {
  return (await pool.query('SELECT * FROM person_view WHERE pid = $1', [pid])).rows[0];
}
