// The archive: the office sees every archived item of its county, a unit those it asked for or
// handled (item text may name residents; every search is audited). The handling record holds
// counts only and is public to every member of the group.
import type pg from 'pg';
import { audit } from '../../audit/audit-log.js';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { countyScope, membership } from '../shared/member.js';
import { decodeCursor, encodeCursor, pageOf } from '../shared/page.js';
import { toItemSummary, type ItemSummaryRow } from '../items/item-repo.js';
import type { ItemSummary } from '../items/item-schema.js';
import { handlingRecordSql, searchArchiveSql, toHandlingRecord, type HandlingRecordRow } from './archive-repo.js';
import type { HandlingRecord } from './archive-schema.js';

export interface ArchiveQuery {
  q?: string;
  unit?: string;
  county?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  purpose?: string;
}

export async function searchArchive(pool: pg.Pool, who: Principal, q: ArchiveQuery): Promise<{ items: ItemSummary[]; nextCursor: string | null }> {
  const m = await membership(pool, who);
  const { rows } = await pool.query<ItemSummaryRow>(
    searchArchiveSql({
      unit: m.unit, office: m.office, county: countyScope(m, q.county), q: q.q, involving: q.unit,
      from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, after: decodeCursor(q.cursor), limit: q.limit + 1,
    }),
  );
  const page = pageOf(rows, q.limit, toItemSummary, (r) => encodeCursor(r.archived_at!, r.id));
  await audit(pool, who, {
    action: 'list', objectType: 'coord_archive', objectId: q.q ? 'search' : 'list', purpose: q.purpose ?? 'archive search',
    detail: { ids: page.items.map((i) => i.id), searched: Boolean(q.q) },
  });
  return page;
}

export async function handlingRecord(pool: pg.Pool, who: Principal, q: { county?: string; from?: string; to?: string }): Promise<HandlingRecord[]> {
  const m = await membership(pool, who);
  const county = countyScope(m, q.county);
  if (!county) throw appError('YPQ_VALIDATION', 'county is required for an admin');
  const { rows } = await pool.query<HandlingRecordRow>(
    handlingRecordSql(county, q.from ? new Date(q.from) : null, q.to ? new Date(q.to) : null, new Date()),
  );
  return rows.map(toHandlingRecord);
}
