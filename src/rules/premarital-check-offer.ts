// premarital_check_offer — a marriage registration: the couple is offered the free pre-pregnancy
// health check by the township they live in (the wife's current residence, else the husband's).
// One case per registration; a later version of the record that is no longer a marriage
// (corrected to an annulment, say) closes it.
import { EVENTS_CTE, UNHANDLED, type BatchRule, type RuleScope, type Sql } from './rule.js';

export const premaritalCheckOffer: BatchRule = {
  code: 'premarital_check_offer',
  routing: 'residence',
  causes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE},
        couple AS (
          SELECT agency, feed, record_id, batch_id, record, agency_division,
                 max(pid) FILTER (WHERE role = 'party1') AS p1, max(pid) FILTER (WHERE role = 'party2') AS p2
          FROM ev WHERE feed = 'marriage' AND record ->> 'kind' = 'marriage' AND status = 'linked'
          GROUP BY agency, feed, record_id, batch_id, record, agency_division)
        SELECT 'marriage:' || k.agency || ':' || k.record_id AS dedup_key,
               array_remove(ARRAY[k.p1, k.p2], NULL) AS subjects,
               coalesce(w.hukou_division, h.hukou_division) AS hukou,
               coalesce(w.residence_division, h.residence_division) AS residence, k.agency_division AS submitter,
               jsonb_strip_nulls(jsonb_build_object('registeredOn', k.record ->> 'registeredOn', 'officeCode', k.record ->> 'officeCode',
                 'marriageRecordId', k.record_id, 'residenceDivision', coalesce(w.residence_division, h.residence_division))) AS payload,
               jsonb_build_object('kind', 'record', 'agency', k.agency, 'feed', k.feed, 'batchId', k.batch_id, 'recordId', k.record_id) AS source
        FROM couple k
        LEFT JOIN persons h ON h.pid = k.p1 AND h.status = 1
        LEFT JOIN persons w ON w.pid = k.p2 AND w.status = 1
        WHERE h.pid IS NOT NULL OR w.pid IS NOT NULL`,
      values: [scope.batchId],
    };
  },
  closes(scope: RuleScope): Sql {
    return {
      // The batch's corrected registrations first, then their cases (see newborn-unregistered.ts).
      text: `WITH ${EVENTS_CTE},
        corrected AS MATERIALIZED (SELECT 'marriage:' || e.agency || ':' || e.record_id AS dedup_key, e.record ->> 'kind' AS kind
                                   FROM ev e WHERE e.feed = 'marriage' AND e.record ->> 'kind' <> 'marriage')
        SELECT DISTINCT c.dedup_key, 'the registration was corrected to "' || k.kind || '"' AS reason
        FROM corrected k JOIN cases c ON c.rule = 'premarital_check_offer' AND c.dedup_key = k.dedup_key
          AND c.closure IS DISTINCT FROM 'cause_gone' AND c.status IN ${UNHANDLED}`,
      values: [scope.batchId],
    };
  },
};
