// agency_conflict — an agency's record disagrees with the population database about the person
// it was linked to: ID number, name, birth date, sex, or marital status. The population's value
// came from another agency (the police register, or an earlier feed: person_history says which),
// so the household-registration township verifies. The case shows both values and their sources.
//
// Police household events are not compared: their values are the register's and were applied.
// Names are compared after normalisation (simplified characters, separators), so 張偉 / 张伟 is
// no conflict. Marital status: a divorce registered for a person the register had as never
// married (the apply step's history holds the value before the divorce).
// One case per person, field and supplied value; it closes when the population's value becomes
// the supplied one (a correction arrives).
import { nameForms } from '../matching/name-cache.js';
import { EVENTS_CTE, UNHANDLED, type BatchRule, type CauseRow, type RuleScope, type Sql } from './rule.js';

// One row per compared field: the field name, the record's value and the population's value.
const FIELDS_SQL = `(VALUES
    ('id_number', CASE WHEN coalesce(e.who ->> 'idType', '01') = '01' AND NOT coalesce((e.who ->> 'idSuspect')::boolean, false)
                       THEN e.who ->> 'idNumber' END, p.id_number),
    ('name', nullif(e.who ->> 'name', ''), nullif(p.name, '')),
    ('birth_date', e.who ->> 'birthDate', p.birth_date::text),
    ('sex', CASE WHEN e.who ->> 'sex' IN ('1', '2') THEN e.who ->> 'sex' END, CASE WHEN p.sex IN (1, 2) THEN p.sex::text END)
  ) AS f (field, supplied, held)`;

const populationSource = (field: string) =>
  `coalesce((SELECT h.source FROM person_history h WHERE h.pid = p.pid AND h.changes ? ${field} ORDER BY h.changed_at DESC, h.id DESC LIMIT 1),
            'population register')`;

const row = (field: string, supplied: string, held: string) => `
  e.pid || ':' || ${field} || ':' || md5(${supplied}) AS dedup_key, ARRAY[e.pid] AS subjects,
  p.hukou_division AS hukou, p.residence_division AS residence, e.agency_division AS submitter,
  jsonb_build_object('field', ${field}, 'populationValue', ${held}, 'values', jsonb_build_array(
    jsonb_build_object('source', ${populationSource(field)}, 'value', ${held}),
    jsonb_build_object('source', e.feed || ':' || e.agency || ':' || e.record_id, 'agency', e.agency, 'feed', e.feed,
                       'recordId', e.record_id, 'value', ${supplied}))) AS payload,
  jsonb_build_object('kind', 'record', 'agency', e.agency, 'feed', e.feed, 'batchId', e.batch_id, 'recordId', e.record_id) AS source`;

export const agencyConflict: BatchRule = {
  code: 'agency_conflict',
  routing: 'hukou',
  causes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE}
        SELECT DISTINCT ON (dedup_key) * FROM (
          SELECT ${row('f.field', 'f.supplied', 'f.held')}, e.result_id
          FROM ev e JOIN persons p ON p.pid = e.pid CROSS JOIN LATERAL ${FIELDS_SQL}
          WHERE e.status = 'linked' AND e.feed <> 'household' AND NOT (e.feed = 'birth' AND e.role = 'child')
            AND f.supplied IS NOT NULL AND f.held IS NOT NULL AND f.supplied <> f.held
          UNION ALL
          SELECT ${row("'marital_status'", "'40'", "(h.changes -> 'marital_status' ->> 0)")}, e.result_id
          FROM ev e JOIN persons p ON p.pid = e.pid
          JOIN person_history h ON h.pid = e.pid AND h.changes ? 'marital_status'
            AND h.source LIKE '%' || e.feed || ':' || e.agency || ':' || e.record_id || '#' || e.role || '%'
          WHERE e.status = 'linked' AND e.feed = 'marriage' AND e.record ->> 'kind' = 'divorce'
            AND h.changes -> 'marital_status' ->> 0 = '10'
        ) c ORDER BY dedup_key, result_id`,
      values: [scope.batchId],
    };
  },
  /** Names: a difference of writing (traditional / simplified, separators) is no conflict. */
  keep(r: CauseRow): boolean {
    const p = r.payload as { field: string; populationValue: string; values: { value: string }[] };
    if (p.field !== 'name') return true;
    return nameForms(p.values[1].value).norm !== nameForms(p.populationValue).norm;
  },
  closes(scope: RuleScope): Sql {
    return {
      text: `WITH ${EVENTS_CTE}
        SELECT DISTINCT c.dedup_key, 'the population database now holds the supplied value' AS reason
        FROM ev e JOIN cases c ON c.rule = 'agency_conflict' AND c.subjects[1] = e.pid AND c.status IN ${UNHANDLED}
        JOIN persons p ON p.pid = e.pid
        WHERE e.status = 'linked' AND c.payload ->> 'field' <> 'marital_status'
          AND CASE c.payload ->> 'field' WHEN 'id_number' THEN p.id_number WHEN 'name' THEN p.name
                WHEN 'birth_date' THEN p.birth_date::text WHEN 'sex' THEN p.sex::text END = c.payload -> 'values' -> 1 ->> 'value'`,
      values: [scope.batchId],
    };
  },
};
