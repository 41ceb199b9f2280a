// record_on_inactive_person — a new record links to a person the population database has as dead
// (status 2) or moved out (3). The household-registration township verifies. Not raised for the
// police events that make or unmake the status themselves, nor for a record dated before the
// death or move-out it would contradict. Closed when the person is active again (a move back in).
import { EVENTS_CTE, SOURCE_SQL, UNHANDLED, type BatchRule, type RuleScope, type Sql } from './rule.js';

/** The date the record's event happened, by feed. */
export const RECORD_DATE_SQL = `CASE e.feed
  WHEN 'prenatal' THEN e.record ->> 'examDate'
  WHEN 'birth' THEN left(e.record ->> 'birthTime', 10)
  WHEN 'marriage' THEN e.record ->> 'registeredOn'
  WHEN 'housing' THEN e.record ->> 'movedIn'
  WHEN 'household' THEN e.record ->> 'date' END`;

export const recordOnInactivePerson: BatchRule = {
  code: 'record_on_inactive_person',
  routing: 'hukou',
  causes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE}
        SELECT DISTINCT ON (dedup_key) e.agency || ':' || e.feed || ':' || e.record_id || ':' || e.role AS dedup_key,
               ARRAY[e.pid] AS subjects, p.hukou_division AS hukou, p.residence_division AS residence, e.agency_division AS submitter,
               jsonb_strip_nulls(jsonb_build_object('personStatus', CASE p.status WHEN 2 THEN 'dead' ELSE 'moved_out' END,
                 'agency', e.agency, 'feed', e.feed, 'recordId', e.record_id, 'recordDate', ${RECORD_DATE_SQL})) AS payload,
               ${SOURCE_SQL} AS source
        FROM ev e JOIN persons p ON p.pid = e.pid
        WHERE e.status = 'linked' AND p.status IN (2, 3)
          AND NOT (e.feed = 'household' AND e.record ->> 'type' IN ('death', 'move_out', 'move_in', 'correction'))
          AND NOT EXISTS (
            SELECT 1 FROM link_events h
            WHERE h.pid = e.pid AND h.feed = 'household' AND h.status = 'linked' AND h.record ->> 'type' IN ('death', 'move_out')
              AND h.record ->> 'date' > ${RECORD_DATE_SQL})
        ORDER BY dedup_key, e.result_id`,
      values: [scope.batchId],
    };
  },
  closes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE}
        SELECT DISTINCT c.dedup_key, 'the person is active again in the population database' AS reason
        FROM ev e JOIN cases c ON c.rule = 'record_on_inactive_person' AND c.subjects[1] = e.pid AND c.status IN ${UNHANDLED}
        JOIN persons p ON p.pid = e.pid AND p.status = 1
        WHERE e.status = 'linked'`,
      values: [scope.batchId],
    };
  },
};
