// newborn_unregistered — a hospital birth whose child has, NEWBORN_REGISTRATION_DAYS after the
// birth, no household birth registration: no household event linked to the child, and no
// household-registration division. Routed to the mother's household-registration township.
//
// Time-based: the daily sweep (rules-jobs.ts) looks at every birth; a batch run looks at its own
// births only, for certificates delivered late. The household birth registration links to the
// child the hospital record created (matching's family pass, "newborn registrations of
// hospital-created children"); when it arrives, the batch that brings it closes the case, and the
// sweep closes any case whose child has meanwhile been registered some other way.
// Purpose limitation: a child no longer active (status 2 or 3) is neither raised nor tracked:
// its open case closes with a neutral reason.
import { EVENTS_CTE, UNHANDLED, type BatchRule, type RuleScope, type RuleSettings, type Sql } from './rule.js';

export const newbornUnregistered: BatchRule = {
  code: 'newborn_unregistered',
  routing: 'hukou',
  sweep: true,
  causes(scope: RuleScope, s: RuleSettings): Sql {
    return {
      text: `SELECT 'birth:' || c.agency || ':' || c.record_id AS dedup_key,
               array_remove(ARRAY[ch.pid, m.pid, fa.pid], NULL) AS subjects,
               m.hukou_division AS hukou, coalesce(m.residence_division, ch.residence_division) AS residence, a.division AS submitter,
               jsonb_strip_nulls(jsonb_build_object('birthRecordId', c.record_id, 'birthTime', f.record ->> 'birthTime',
                 'birthFacility', f.record ->> 'facilityCode', 'birthDivision', f.record ->> 'birthDivision',
                 'childName', nullif(ch.name, ''), 'childSex', ch.sex, 'motherPid', m.pid, 'fatherPid', fa.pid,
                 'hukouDivision', m.hukou_division)) AS payload,
               jsonb_build_object('kind', 'record', 'agency', c.agency, 'feed', 'birth', 'batchId', c.batch_id, 'recordId', c.record_id) AS source
        FROM link_results c
        JOIN feed_records f ON f.agency = c.agency AND f.feed = 'birth' AND f.record_id = c.record_id AND f.version = c.version
        JOIN persons ch ON ch.pid = coalesce(c.pid, c.created_pid)
        LEFT JOIN agencies a ON a.code = c.agency
        LEFT JOIN link_results mr ON mr.agency = c.agency AND mr.feed = 'birth' AND mr.record_id = c.record_id AND mr.version = c.version
          AND mr.role = 'mother' AND mr.status = 'linked'
        LEFT JOIN persons m ON m.pid = mr.pid
        LEFT JOIN link_results fr ON fr.agency = c.agency AND fr.feed = 'birth' AND fr.record_id = c.record_id AND fr.version = c.version
          AND fr.role = 'father' AND fr.status = 'linked'
        LEFT JOIN persons fa ON fa.pid = fr.pid
        WHERE c.feed = 'birth' AND c.role = 'child' AND c.status <> 'review'
          AND ($1::bigint IS NULL OR c.batch_id = $1::bigint)
          AND left(f.record ->> 'birthTime', 10)::date <= ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date - $3::integer
          AND ch.status = 1 AND ch.hukou_division IS NULL
          AND NOT EXISTS (SELECT 1 FROM link_results h WHERE h.pid = ch.pid AND h.feed = 'household' AND h.status = 'linked')`,
      values: [scope.batchId, scope.asOf, s.newbornRegistrationDays],
    };
  },
  closes(scope: RuleScope): Sql {
    // A batch: its household events linked to a child with an open case. A sweep: every open
    // case whose child now has a household registration or is no longer active.
    if (scope.batchId !== null) {
      return {
        // The batch's events first, then their cases: joined the other way round on a stale
        // estimate of the cases, the batch's results were scanned once per case (seconds).
        text: `WITH ${EVENTS_CTE},
          registered AS MATERIALIZED (SELECT e.pid, e.agency, e.record_id FROM ev e WHERE e.feed = 'household' AND e.status = 'linked')
          SELECT DISTINCT c.dedup_key, 'household birth registration received (' || r.agency || ' ' || r.record_id || ')' AS reason
          FROM registered r JOIN cases c ON c.rule = 'newborn_unregistered' AND c.subjects[1] = r.pid
            AND c.status IN ${UNHANDLED}`,
        values: [scope.batchId],
      };
    }
    return {
      text: `SELECT c.dedup_key, CASE WHEN ch.status <> 1 THEN 'the child''s record is no longer active'
                                      ELSE 'the child is in the household register' END AS reason
             FROM cases c JOIN persons ch ON ch.pid = c.subjects[1]
             WHERE c.rule = 'newborn_unregistered' AND c.status IN ${UNHANDLED} AND (ch.status <> 1 OR ch.hukou_division IS NOT NULL)`,
      values: [],
    };
  },
};
