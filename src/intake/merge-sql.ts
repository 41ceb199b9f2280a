// Where a batch's lines go, inside its one transaction:
//   - records whose id is not stored yet: COPY straight into feed_records (the common case, and
//     all of a first load);
//   - records whose id is stored with other content (corrections): COPY into a session-local
//     staging table, then one set-based step moves the stored versions to history and updates;
//   - rejects: COPY into batch_rejects.
// Statements carry an /* intake:… */ tag, so pg_stat_activity shows which phase a batch is in.
import { RECORD_COLUMNS, REJECT_COLUMNS } from './copy-text.js';

export const STAGE_TABLE = 'intake_changed';

export function createStageSql() {
  // Temporary: not WAL-logged, private to the session, dropped at commit or with the session.
  return {
    text: `/* intake:stage */ CREATE TEMP TABLE ${STAGE_TABLE} (
      record_id    text NOT NULL,
      content_hash bytea NOT NULL,
      record       json NOT NULL,
      raw          json NOT NULL,
      warnings     json,
      position     integer NOT NULL,
      agency       text NOT NULL,
      feed         text NOT NULL,
      batch_id     bigint NOT NULL,
      version      integer NOT NULL
    ) ON COMMIT DROP`,
    values: [],
  };
}

export const copyNewRecordsSql = () => `/* intake:copy */ COPY feed_records (${RECORD_COLUMNS.join(', ')}) FROM STDIN`;
export const copyChangedRecordsSql = () => `/* intake:copy */ COPY ${STAGE_TABLE} (${RECORD_COLUMNS.join(', ')}) FROM STDIN`;
export const copyRejectsSql = () => `/* intake:copy */ COPY batch_rejects (${REJECT_COLUMNS.join(', ')}) FROM STDIN`;

/** The stored versions that the batch's corrections replace go to history. */
export function historyOfChangedSql(agency: string, feed: string, batchId: number) {
  return {
    text: `/* intake:merge */ INSERT INTO feed_record_history
        (agency, feed, record_id, version, content_hash, record, raw, warnings, batch_id, position, stored_at, superseded_by)
      SELECT f.agency, f.feed, f.record_id, f.version, f.content_hash, f.record, f.raw, f.warnings, f.batch_id, f.position, f.stored_at, $3
      FROM ${STAGE_TABLE} s
      JOIN feed_records f ON f.agency = $1 AND f.feed = $2 AND f.record_id = s.record_id`,
    values: [agency, feed, batchId],
  };
}

export function applyChangedSql(agency: string, feed: string) {
  return {
    text: `/* intake:merge */ UPDATE feed_records f SET
        version = f.version + 1, content_hash = s.content_hash, record = s.record, raw = s.raw, warnings = s.warnings,
        batch_id = s.batch_id, position = s.position, stored_at = now()
      FROM ${STAGE_TABLE} s
      WHERE f.agency = $1 AND f.feed = $2 AND f.record_id = s.record_id`,
    values: [agency, feed],
  };
}

/** A parse failure stores no records: take back the ones already copied (rejects stay). */
export function dropBatchRecordsSql(agency: string, feed: string, batchId: number) {
  return {
    text: `/* intake:merge */ DELETE FROM feed_records WHERE agency = $1 AND feed = $2 AND batch_id = $3`,
    values: [agency, feed, batchId],
  };
}

/** What the matching stage reads: the records a committed batch added or changed. */
export function recordsOfBatchSql(agency: string, batchId: number) {
  return {
    text: `SELECT feed, record_id, version, record, warnings, position FROM feed_records
           WHERE agency = $1 AND batch_id = $2 ORDER BY position`,
    values: [agency, batchId],
  };
}
