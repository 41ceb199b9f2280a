// "Share of records that linked": the matching stage writes one decision per person of each
// record version (feeds.md, "Link results") to link_results (008_matching.sql), read here as
//
//   link_results (agency, feed, record_id, version, role, batch_id, status: linked | review | new, ...)
//
// where batch_id is the batch that brought the record version. A record version counts as linked
// when every person in it is `linked`; the share is over the versions of the month's batches that
// have been decided (versions not linked yet count neither way). While the table does not exist
// or no version of a month has been decided, the share is null. Reading by batch_id keeps this a
// hash join over the month's decisions, not one index probe per stored record.
import type pg from 'pg';

export const LINK_RESULTS_TABLE = 'link_results';

export function linkResultsExistSql() {
  return { text: `SELECT to_regclass($1) IS NOT NULL AS present`, values: [`public.${LINK_RESULTS_TABLE}`] };
}

/** Per month, agency and feed: record versions of that month's batches that were decided, and how many linked. */
export function linkedShareSql(fromDay: string, toDay: string) {
  return {
    text: `WITH months AS (SELECT m::date AS month, (m AT TIME ZONE 'Asia/Shanghai') AS s, ((m + interval '1 month') AT TIME ZONE 'Asia/Shanghai') AS e
                           FROM generate_series($1::timestamp, $2::timestamp, interval '1 month') AS m),
           b AS (SELECT m.month, b.id FROM batches b JOIN months m ON b.received_at >= m.s AND b.received_at < m.e
                 WHERE b.status = 'committed'),
           v AS (SELECT b.month, x.agency, x.feed, x.record_id, x.version, bool_and(x.status = 'linked') AS all_linked
                 FROM ${LINK_RESULTS_TABLE} x JOIN b ON x.batch_id = b.id
                 GROUP BY b.month, x.agency, x.feed, x.record_id, x.version)
           SELECT to_char(month, 'YYYY-MM-DD') AS month, agency, feed, count(*)::bigint AS decided,
                  count(*) FILTER (WHERE all_linked)::bigint AS linked
           FROM v GROUP BY 1, 2, 3`,
    values: [fromDay, toDay],
  };
}

export type LinkedShares = Map<string, number>;

export const shareKey = (month: string, agency: string, feed: string) => `${month}|${agency}|${feed}`;

/** The linked share per (month, agency, feed), or null while no link results exist. */
export async function linkedShares(db: pg.Pool | pg.PoolClient, fromDay: string, toDay: string): Promise<LinkedShares | null> {
  const { rows: present } = await db.query<{ present: boolean }>(linkResultsExistSql());
  if (!present[0].present) return null;
  const { rows } = await db.query<{ month: string; agency: string; feed: string; decided: number; linked: number }>(linkedShareSql(fromDay, toDay));
  return new Map(rows.filter((r) => r.decided > 0).map((r) => [shareKey(r.month, r.agency, r.feed), r.linked / r.decided]));
}
