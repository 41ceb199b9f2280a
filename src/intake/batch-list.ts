// The batches a caller may see, newest first (GET /v1/batches and the web page), and the day's
// intake per agency, under the visibility rule of GET /v1/batches/{id} (the sending agency;
// township and county staff for agencies located in their division; admins all). Batches hold
// counts and file names, no personal data; the rejects, which may quote a record, are read
// through the API only.
import type pg from 'pg';
import type { Principal } from '../auth/principal.js';
import { toBatch, type Batch, type BatchRow } from './batch-repo.js';

export interface BatchFilter {
  agency?: string;
  feed?: string;
  limit: number;
  /** Only batches with a smaller id (paging newest first). */
  before?: number;
}

function scope(who: Principal, values: unknown[]): string {
  if (who.role === 'admin') return 'TRUE';
  if (who.role === 'agency') {
    values.push(who.unit);
    return `b.agency = $${values.length}`;
  }
  values.push(`${who.unit}%`);
  return `a.division LIKE $${values.length}`;
}

export function listBatchesSql(who: Principal, f: BatchFilter) {
  const values: unknown[] = [];
  const where = [scope(who, values)];
  if (f.agency) {
    values.push(f.agency);
    where.push(`b.agency = $${values.length}`);
  }
  if (f.feed) {
    values.push(f.feed);
    where.push(`b.feed = $${values.length}`);
  }
  if (f.before) {
    values.push(f.before);
    where.push(`b.id < $${values.length}`);
  }
  values.push(f.limit);
  return {
    text: `SELECT b.*, a.division AS agency_division FROM batches b LEFT JOIN agencies a ON a.code = b.agency
           WHERE ${where.join(' AND ')} ORDER BY b.id DESC LIMIT $${values.length}`,
    values,
  };
}

export interface AgencyIntake {
  agency: string;
  agencyName: string | null;
  batches: number;
  accepted: number;
  rejected: number;
  failed: number;
}

export function intakeSinceSql(who: Principal, since: Date) {
  const values: unknown[] = [since];
  const where = scope(who, values);
  return {
    text: `SELECT b.agency, a.name AS agency_name, count(*)::int AS batches, coalesce(sum(b.accepted), 0)::int AS accepted,
                  coalesce(sum(b.rejected), 0)::int AS rejected, count(*) FILTER (WHERE b.status = 'failed')::int AS failed
           FROM batches b LEFT JOIN agencies a ON a.code = b.agency
           WHERE b.received_at >= $1 AND ${where}
           GROUP BY b.agency, a.name ORDER BY b.agency`,
    values,
  };
}

export async function listBatches(pool: pg.Pool, who: Principal, f: BatchFilter): Promise<Batch[]> {
  const { rows } = await pool.query<BatchRow>(listBatchesSql(who, f));
  return rows.map(toBatch);
}

export async function intakeSince(pool: pg.Pool, who: Principal, since: Date): Promise<AgencyIntake[]> {
  const { rows } = await pool.query<{ agency: string; agency_name: string | null; batches: number; accepted: number; rejected: number; failed: number }>(
    intakeSinceSql(who, since),
  );
  return rows.map((r) => ({ agency: r.agency, agencyName: r.agency_name, batches: r.batches, accepted: r.accepted, rejected: r.rejected, failed: r.failed }));
}
