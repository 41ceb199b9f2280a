// maternal_care_enrolment — a prenatal examination of a woman not yet enrolled in free maternal
// health care at the township she lives in now (care_enrolments, written when a case of this
// rule is resolved there: 010_rules.sql). Routed to the current-residence township: the
// record's residence division, else the population database's.
//
// Purpose limitation: the case carries exactly her name, a contact phone, the expected date and
// the examining facility — nothing about other children, marriage or household. The cause is the
// woman, the township and the expected month; a case for her at that township in the last 300
// days (one pregnancy's care) counts as the same need, so exams a few days apart with a revised
// expected date do not raise again.
import { EVENTS_CTE, SOURCE_SQL, type BatchRule, type RuleScope, type Sql } from './rule.js';

/** The only payload keys this rule sends (a subset of the catalog's allow-list). */
export const MATERNAL_PAYLOAD_KEYS = ['name', 'contact', 'expectedDate', 'facilityCode'] as const;

export const maternalCareEnrolment: BatchRule = {
  code: 'maternal_care_enrolment',
  routing: 'residence',
  causes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE}
        SELECT DISTINCT ON (dedup_key)
               coalesce(e.pid, 'id-' || md5(e.who ->> 'idNumber')) || ':' || left(r.res, 9) || ':'
                 || coalesce(left(e.record ->> 'expectedDate', 7), left(e.record ->> 'examDate', 7)) AS dedup_key,
               CASE WHEN e.pid IS NULL THEN '{}'::text[] ELSE ARRAY[e.pid] END AS subjects,
               p.hukou_division AS hukou, r.res AS residence, e.agency_division AS submitter,
               jsonb_strip_nulls(jsonb_build_object('name', e.who ->> 'name', 'contact', coalesce(e.record ->> 'phone', p.phone),
                 'expectedDate', e.record ->> 'expectedDate', 'facilityCode', e.record ->> 'facilityCode')) AS payload,
               ${SOURCE_SQL} AS source
        FROM ev e
        LEFT JOIN persons p ON p.pid = e.pid
        CROSS JOIN LATERAL (SELECT coalesce(e.record ->> 'residenceDivision', p.residence_division) AS res) r
        WHERE e.feed = 'prenatal' AND e.role = 'subject' AND length(r.res) >= 9
          AND (e.status = 'linked' OR (e.status = 'new' AND e.who ->> 'idNumber' IS NOT NULL))
          AND coalesce(p.status, 1) = 1
          AND NOT EXISTS (SELECT 1 FROM care_enrolments ce
                          WHERE ce.pid = e.pid AND ce.township = left(r.res, 9) AND ce.enrolled_at > (e.record ->> 'examDate')::date - 300)
          AND NOT EXISTS (SELECT 1 FROM cases c
                          WHERE c.subjects[1] = e.pid AND c.rule = 'maternal_care_enrolment'
                            AND c.township = left(r.res, 9) AND c.created_at > (e.record ->> 'examDate')::date - 300
                            AND c.closure IS DISTINCT FROM 'cause_gone')
        ORDER BY dedup_key, e.result_id`,
      values: [scope.batchId],
    };
  },
};
