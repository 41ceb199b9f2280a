// The link results in the contract's CSV (feeds.md, "Link results"): one row per person of every
// current record, plus every role of each rejected record that was never accepted since.
// COPY … TO STDOUT streams any number of rows without holding them.
import type { Sql } from './sql.js';

/** The persons each feed's records name, for the rows of a rejected record. */
const ROLES_SQL = `(VALUES ('prenatal', 'subject'), ('birth', 'child'), ('birth', 'mother'), ('birth', 'father'),
                           ('household', 'subject'), ('marriage', 'party1'), ('marriage', 'party2'), ('housing', 'subject')) AS roles (feed, role)`;

/** Only constant text and a validated batch number go into a COPY (which takes no parameters). */
export function exportLinksSql(batch?: number): Sql {
  const b = batch === undefined ? null : Math.trunc(batch);
  const linkFilter = b === null ? '' : `AND f.batch_id = ${b}`;
  const rejectFilter = b === null ? '' : `AND j.batch_id = ${b}`;
  return {
    text: `COPY (
      SELECT r.feed, r.record_id, r.role, r.status, CASE WHEN r.status = 'linked' THEN r.pid END AS pid, round(r.score::numeric, 6) AS score
      FROM link_results r
      JOIN feed_records f ON f.agency = r.agency AND f.feed = r.feed AND f.record_id = r.record_id AND f.version = r.version ${linkFilter}
      UNION ALL
      SELECT DISTINCT b.feed, j.record_id, roles.role, 'rejected', NULL::text, NULL::numeric
      FROM batch_rejects j
      JOIN batches b ON b.id = j.batch_id AND b.status = 'committed'
      JOIN ${ROLES_SQL} ON roles.feed = b.feed
      WHERE j.seq = 0 AND j.record_id IS NOT NULL ${rejectFilter}
        AND NOT EXISTS (SELECT 1 FROM feed_records f WHERE f.agency = j.agency AND f.feed = b.feed AND f.record_id = j.record_id)
      ORDER BY 1, 2, 3
    ) TO STDOUT WITH (FORMAT csv, HEADER)`,
    values: [],
  };
}

/** Committed batches with no link run yet, oldest first. */
export function pendingBatchesSql(): Sql {
  return {
    text: `SELECT b.id FROM batches b WHERE b.status = 'committed'
           AND NOT EXISTS (SELECT 1 FROM link_runs r WHERE r.kind = 'batch' AND r.batch_id = b.id) ORDER BY b.id`,
    values: [],
  };
}
