// "Share of records that linked": the matching stage writes one decision per person of each
// record version (feeds.md, "Link results") to link_results (008_matching.sql), read here as
//
//   link_results (agency, feed, record_id, version, role, status: linked | review | new, ...)
//
// A record counts as linked when every person in it is `linked`. The share is over the current
// records of the month's batches that have been decided; records not linked yet do not count
// either way. While the table does not exist (a database before the matching migration), or no
// record of a month has been decided, the share is null.
import type pg from 'pg';

export const LINK_RESULTS_TABLE = 'link_results';

export function linkResultsExistSql() {
  return { text: `SELECT to_regclass($1) IS NOT NULL AS present`, values: [`public.${LINK_RESULTS_TABLE}`] };
}

/** Per month, agency and feed: current records from that month's batches that were decided, and how many linked. */
export function linkedShareSql(fromDay: string, toDay: string) {
  return {
    text: `WITH months AS (SELECT m::date AS month, (m AT TIME ZONE 'Asia/Shanghai') AS s, ((m + interval '1 month') AT TIME ZONE 'Asia/Shanghai') AS e
                           FROM generate_series($1::timestamp, $2::timestamp, interval '1 month') AS m),
           b AS (SELECT m.month, b.id, b.agency, b.feed FROM batches b JOIN months m ON b.received_at >= m.s AND b.received_at < m.e
                 WHERE b.status = 'committed')
           SELECT to_char(b.month, 'YYYY-MM-DD') AS month, b.agency, b.feed,
                  count(*) FILTER (WHERE l.all_linked IS NOT NULL)::bigint AS decided,
                  count(*) FILTER (WHERE l.all_linked)::bigint AS linked
           FROM b JOIN feed_records f ON f.batch_id = b.id AND f.agency = b.agency AND f.feed = b.feed
           CROSS JOIN LATERAL (SELECT bool_and(x.status = 'linked') AS all_linked FROM ${LINK_RESULTS_TABLE} x
                               WHERE x.agency = f.agency AND x.feed = f.feed AND x.record_id = f.record_id AND x.version = f.version) l
           GROUP BY 1, 2, 3`,
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
