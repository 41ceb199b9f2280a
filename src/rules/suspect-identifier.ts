// suspect_identifier — an ID number with a wrong check digit (or impossible embedded birth date),
// or a valid ID number that the population database holds for a different person than the one
// the record was linked to. Routed to the township of the submitting agency, which can ask its
// own clerk for the document. One case per record and role (check digit), one per ID number
// (shared). A corrected version of the record without the fault closes the check-digit case.
import { EVENTS_CTE, SOURCE_SQL, UNHANDLED, type BatchRule, type RuleScope, type Sql } from './rule.js';

const CHECK_KEY = `'checkdigit:' || e.agency || ':' || e.feed || ':' || e.record_id || ':' || e.role`;

export const suspectIdentifier: BatchRule = {
  code: 'suspect_identifier',
  routing: 'submitter',
  causes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE}
        SELECT DISTINCT ON (dedup_key) * FROM (
          SELECT ${CHECK_KEY} AS dedup_key,
                 CASE WHEN e.person_pid IS NULL THEN '{}'::text[] ELSE ARRAY[e.person_pid] END AS subjects,
                 p.hukou_division AS hukou, p.residence_division AS residence, e.agency_division AS submitter,
                 jsonb_build_object('agency', e.agency, 'feed', e.feed, 'recordId', e.record_id, 'field', e.role || '.idNumber',
                                    'suppliedValue', e.who ->> 'idNumber', 'reason', 'check_digit') AS payload,
                 ${SOURCE_SQL} AS source, e.result_id
          FROM ev e LEFT JOIN persons p ON p.pid = e.person_pid
          WHERE coalesce((e.who ->> 'idSuspect')::boolean, false) AND e.who ->> 'idNumber' IS NOT NULL
          UNION ALL
          SELECT 'shared:' || md5(e.who ->> 'idNumber') AS dedup_key,
                 array_remove(ARRAY[q.pid, e.person_pid], NULL) AS subjects,
                 q.hukou_division, q.residence_division, e.agency_division,
                 jsonb_build_object('agency', e.agency, 'feed', e.feed, 'recordId', e.record_id, 'field', e.role || '.idNumber',
                                    'suppliedValue', e.who ->> 'idNumber', 'reason', 'used_by_two_persons'),
                 ${SOURCE_SQL}, e.result_id
          FROM ev e JOIN persons q ON q.id_number = e.who ->> 'idNumber' AND q.pid IS DISTINCT FROM e.person_pid
          WHERE e.status IN ('linked', 'new') AND NOT coalesce((e.who ->> 'idSuspect')::boolean, false)
            AND coalesce(e.who ->> 'idType', '01') = '01'
        ) c ORDER BY dedup_key, result_id`,
      values: [scope.batchId],
    };
  },
  closes(scope: RuleScope): Sql {
    return {
      // The batch's corrected versions first, then their cases (see newborn-unregistered.ts).
      text: `WITH ${EVENTS_CTE},
        fixed AS MATERIALIZED (SELECT ${CHECK_KEY} AS dedup_key, e.version FROM ev e
                               WHERE e.version > 1 AND NOT coalesce((e.who ->> 'idSuspect')::boolean, false))
        SELECT c.dedup_key, 'corrected record version ' || f.version || ' has a valid ID number' AS reason
        FROM fixed f JOIN cases c ON c.rule = 'suspect_identifier' AND c.dedup_key = f.dedup_key
          AND c.closure IS DISTINCT FROM 'cause_gone' AND c.status IN ${UNHANDLED}`,
      values: [scope.batchId],
    };
  },
};
