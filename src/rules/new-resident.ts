// new_resident — housing or prenatal data show a person living in a township that is not their
// household-registration township, and that township has not registered them as a resident
// (resident_registrations, written when a new_resident case there is resolved: 010_rules.sql).
// Routed to the current-residence township. One case per person and township. Closed when the
// person's household registration moves into that township.
import { EVENTS_CTE, SOURCE_SQL, UNHANDLED, type BatchRule, type RuleScope, type Sql } from './rule.js';

export const newResident: BatchRule = {
  code: 'new_resident',
  routing: 'residence',
  causes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE}
        SELECT DISTINCT ON (dedup_key) e.pid || ':' || left(r.res, 9) AS dedup_key,
               ARRAY[e.pid] AS subjects, p.hukou_division AS hukou, r.res AS residence, e.agency_division AS submitter,
               jsonb_strip_nulls(jsonb_build_object('residenceDivision', r.res, 'hukouDivision', p.hukou_division,
                 'address', e.record ->> 'address', 'movedIn', e.record ->> 'movedIn', 'occupancy', e.record ->> 'occupancy',
                 'sourceRecordId', e.record_id)) AS payload,
               ${SOURCE_SQL} AS source
        FROM ev e
        CROSS JOIN LATERAL (SELECT CASE e.feed WHEN 'housing' THEN e.record ->> 'division' ELSE e.record ->> 'residenceDivision' END AS res) r
        JOIN persons p ON p.pid = e.pid
        WHERE e.status = 'linked' AND e.role = 'subject' AND e.feed IN ('housing', 'prenatal')
          AND (e.feed <> 'housing' OR e.record ->> 'movedOut' IS NULL)
          AND length(r.res) >= 9 AND p.status = 1
          AND (p.hukou_division IS NULL OR left(p.hukou_division, 9) <> left(r.res, 9))
          AND NOT EXISTS (SELECT 1 FROM resident_registrations rr WHERE rr.pid = e.pid AND rr.township = left(r.res, 9))
        ORDER BY dedup_key, e.result_id`,
      values: [scope.batchId],
    };
  },
  closes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE}
        SELECT DISTINCT c.dedup_key, 'household registration moved into this township (' || e.agency || ' ' || e.record_id || ')' AS reason
        FROM ev e JOIN persons p ON p.pid = e.pid
        JOIN cases c ON c.rule = 'new_resident' AND c.subjects[1] = e.pid AND c.status IN ${UNHANDLED}
        WHERE e.status = 'linked' AND e.feed = 'household' AND left(p.hukou_division, 9) = c.township`,
      values: [scope.batchId],
    };
  },
};
