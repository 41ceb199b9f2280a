// Reading cases within the caller's scope; every read is audited with its purpose.
import type pg from 'pg';
import { audit } from '../audit/audit-log.js';
import { requireRole, type Principal } from '../auth/principal.js';
import { appError } from '../errors.js';
import {
  caseByIdSql, caseDelegationsSql, caseHistorySql, listCasesSql, scopeFacts, toCase, toCaseSummary,
  type CaseFilters, type CaseRow, type DelegationRow, type HistoryRow,
} from './case-repo.js';
import type { Case, CaseSummary } from './case-schema.js';
import { caseAccess, type CaseAccess } from './case-state.js';

/** Loads a case the caller may see, with its access; out of scope answers like absent (404). */
export async function loadVisibleCase(
  db: pg.Pool | pg.PoolClient,
  who: Principal,
  id: number,
  forUpdate = false,
): Promise<{ row: CaseRow; access: CaseAccess }> {
  requireRole(who, 'township', 'county', 'admin');
  const { rows } = await db.query<CaseRow>(caseByIdSql(id, forUpdate));
  const row = rows[0];
  const access = row ? caseAccess(who, scopeFacts(row)) : undefined;
  if (!row || !access?.visible) throw appError('YPQ_NOT_FOUND', `case ${id}`);
  return { row, access };
}

/** The full case, without auditing: for callers that audited the action that produced it. */
export async function caseDetail(db: pg.Pool | pg.PoolClient, row: CaseRow): Promise<Case> {
  const [delegations, history] = await Promise.all([
    db.query<DelegationRow>(caseDelegationsSql(row.id)),
    db.query<HistoryRow>(caseHistorySql(row.id)),
  ]);
  return toCase(row, delegations.rows, history.rows);
}

export async function getCase(pool: pg.Pool, who: Principal, id: number, purpose: string): Promise<Case> {
  const { row } = await loadVisibleCase(pool, who, id);
  await audit(pool, who, { action: 'read', objectType: 'case', objectId: String(id), purpose });
  return caseDetail(pool, row);
}

export interface ListCasesRequest extends CaseFilters {
  limit: number;
  sort: 'deadline' | '-deadline';
  cursor?: string;
}

// The cursor is the last row's sort key; opaque to clients.
function encodeCursor(r: CaseRow): string {
  return Buffer.from(JSON.stringify([r.deadline.toISOString(), r.id])).toString('base64url');
}

function decodeCursor(cursor: string): { deadline: string; id: number } {
  try {
    const [deadline, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, number];
    if (Number.isNaN(Date.parse(deadline)) || !Number.isInteger(id)) throw new Error('shape');
    return { deadline, id };
  } catch {
    throw appError('YPQ_VALIDATION', 'cursor is not one this API gave out');
  }
}

export async function listCases(
  pool: pg.Pool,
  who: Principal,
  req: ListCasesRequest,
  purpose: string,
): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
  requireRole(who, 'township', 'county', 'admin');
  const after = req.cursor ? decodeCursor(req.cursor) : undefined;
  // One row more than asked tells whether another page follows.
  const { rows } = await pool.query<CaseRow>(listCasesSql(who, req, { limit: req.limit + 1, sort: req.sort, after }));
  const page = rows.slice(0, req.limit);
  await audit(pool, who, {
    action: 'list',
    objectType: 'case',
    objectId: page.length ? `${page[0].id}..${page[page.length - 1].id}` : '-',
    purpose,
    detail: {
      ids: page.map((r) => r.id),
      filters: { status: req.status, rule: req.rule, township: req.township, county: req.county, overdue: req.overdue },
    },
  });
  return { items: page.map(toCaseSummary), nextCursor: rows.length > req.limit ? encodeCursor(page[page.length - 1]) : null };
}
