// The statements that carry out event effects (event-effects.ts) set-based: persons created,
// fields set or filled with one person_history row per changed person, family links set or
// removed, a surviving spouse widowed, and the decisions marked applied. The effects arrive in
// temporary tables (COPY); each statement handles every effect of its kind at once.
import { PERSON_FIELDS, type PersonFields } from './event-effects.js';
import type { Sql } from '../sql/sql.js';

const q = (s: string): Sql => ({ text: s, values: [] });

/** PostgreSQL type of each person column an effect may set, for the typed columns of the temporary tables. */
const FIELD_TYPES: Record<keyof PersonFields, string> = {
  id_number: 'text', id_suspect: 'boolean', name: 'text', name_norm: 'text', name_pinyin: 'text', sex: 'smallint', birth_date: 'date',
  ethnicity: 'text', hukou_division: 'text', residence_division: 'text', marital_status: 'text', phone: 'text', status: 'smallint',
};
const typed = (prefix: string) => PERSON_FIELDS.map((c) => `${prefix}${c} ${FIELD_TYPES[c]}`).join(', ');

// One row per effect. A created person's fields are typed columns (s_*): parsing and casting a
// jsonb per person cost more than the insert. The persons a row refers to are resolved before
// the statements run: residence_pid (the linked person of residence_of) and, in
// link_rel_effects, from_pid / to_pid (the linked or created person of each role).
export const EFFECT_COLUMNS = [
  'seq', 'agency', 'feed', 'record_id', 'version', 'role', 'kind', 'residence_of', 'residence_pid', 'widow', 'target_pid', 'actor', 'source',
  'created', ...PERSON_FIELDS.map((c) => `s_${c}`),
] as const;
export const RELATION_COLUMNS = [
  'seq', 'agency', 'feed', 'record_id', 'version', 'from_role', 'kind', 'to_role', 'op', 'actor', 'source', 'from_pid', 'to_pid',
] as const;
export const APPLIED_COLUMNS = ['agency', 'feed', 'record_id', 'version', 'role'] as const;
/**
 * One row per person to update, its effects merged (set: the last one's value; fill: the first
 * one's), with the columns of the fields some effect of the plan sets or fills.
 */
export const updateColumns = (fields: readonly (keyof PersonFields)[]): string[] =>
  ['pid', 'actor', 'source', ...fields.map((c) => `s_${c}`), ...fields.map((c) => `f_${c}`)];

export const createApplyTablesSql = () =>
  q(`CREATE TEMP TABLE link_effects (
       seq integer NOT NULL, agency text NOT NULL, feed text NOT NULL, record_id text NOT NULL, version integer NOT NULL, role text NOT NULL,
       kind text NOT NULL, residence_of text, residence_pid text, widow boolean NOT NULL, target_pid text,
       actor text NOT NULL, source text NOT NULL, created boolean NOT NULL DEFAULT false, ${typed('s_')}) ON COMMIT DROP;
     CREATE TEMP TABLE link_rel_effects (
       seq integer NOT NULL, agency text NOT NULL, feed text NOT NULL, record_id text NOT NULL, version integer NOT NULL,
       from_role text NOT NULL, kind text NOT NULL, to_role text NOT NULL, op text NOT NULL, actor text NOT NULL, source text NOT NULL,
       from_pid text, to_pid text) ON COMMIT DROP;
     CREATE TEMP TABLE link_updates (pid text NOT NULL, actor text NOT NULL, source text NOT NULL, ${typed('s_')}, ${typed('f_')}) ON COMMIT DROP;
     CREATE TEMP TABLE link_applied (agency text NOT NULL, feed text NOT NULL, record_id text NOT NULL, version integer NOT NULL, role text NOT NULL) ON COMMIT DROP`);

/**
 * Statistics of the columns widowSql joins on. Without them the planner takes a temporary table
 * for a few hundred rows whatever it holds, and joins the widowed against the whole of
 * person_relations (hash join) and persons. The other columns are left out: they cost time.
 */
export const analyzeApplyTablesSql = () => q('ANALYZE link_effects (kind, widow, target_pid)');

export const dropApplyTablesSql = () => q('DROP TABLE IF EXISTS link_effects, link_rel_effects, link_updates, link_applied');

export const copyEffectsSql = () => q(`COPY link_effects (${EFFECT_COLUMNS.join(', ')}) FROM STDIN`);
export const copyRelationEffectsSql = () => q(`COPY link_rel_effects (${RELATION_COLUMNS.join(', ')}) FROM STDIN`);
export const copyUpdatesSql = (fields: readonly (keyof PersonFields)[]) => q(`COPY link_updates (${updateColumns(fields).join(', ')}) FROM STDIN`);
export const copyAppliedSql = () => q(`COPY link_applied (${APPLIED_COLUMNS.join(', ')}) FROM STDIN`);

const sameRecord = (a: string, b: string) =>
  `${a}.agency = ${b}.agency AND ${a}.feed = ${b}.feed AND ${a}.record_id = ${b}.record_id AND ${a}.version = ${b}.version`;

/** Persons earlier versions of these records created: a corrected certificate updates its child. */
export function createdBeforeSql(keys: { agency: string; feed: string; recordId: string; role: string }[]): Sql {
  return {
    text: `SELECT k.n, cp.pid FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS k (agency, feed, record_id, role, n)
           JOIN link_created_persons cp ON cp.agency = k.agency AND cp.feed = k.feed AND cp.record_id = k.record_id AND cp.role = k.role`,
    values: [keys.map((k) => k.agency), keys.map((k) => k.feed), keys.map((k) => k.recordId), keys.map((k) => k.role)],
  };
}

export const newPidsSql = (n: number): Sql => ({ text: 'SELECT ypq_new_pid() AS pid FROM generate_series(1, $1)', values: [n] });

/**
 * The persons of roles the plan did not decide (a clerk decides one person of a record; its other
 * persons were decided before) as link_results holds them: linked, or created by their event.
 */
export function resolveStoredRolesSql(): Sql {
  const person = (e: string, role: string) =>
    `(SELECT coalesce(lr.pid, lr.created_pid) FROM link_results lr WHERE ${sameRecord('lr', e)} AND lr.role = ${e}.${role})`;
  return q(`UPDATE link_rel_effects e SET from_pid = coalesce(e.from_pid, ${person('e', 'from_role')}), to_pid = coalesce(e.to_pid, ${person('e', 'to_role')})
            WHERE e.from_pid IS NULL OR e.to_pid IS NULL;
            UPDATE link_effects e SET residence_pid =
              (SELECT lr.pid FROM link_results lr WHERE ${sameRecord('lr', 'e')} AND lr.role = e.residence_of AND lr.status = 'linked')
            WHERE e.kind = 'create' AND e.residence_of IS NOT NULL AND e.residence_pid IS NULL`);
}

export function insertCreatedSql(): Sql {
  return q(`INSERT INTO persons (pid, id_number, id_suspect, name, name_norm, name_pinyin, sex, birth_date, ethnicity, hukou_division,
                                 residence_division, marital_status, phone, status)
            SELECT e.target_pid, e.s_id_number, coalesce(e.s_id_suspect, false), coalesce(e.s_name, ''), coalesce(e.s_name_norm, ''),
                   coalesce(e.s_name_pinyin, ''), coalesce(e.s_sex, 9), e.s_birth_date, e.s_ethnicity, e.s_hukou_division,
                   -- a subquery, not a join: a probe per newborn, where the planner would hash all of persons
                   coalesce((SELECT m.residence_division FROM persons m WHERE m.pid = e.residence_pid), e.s_residence_division),
                   e.s_marital_status, e.s_phone, coalesce(e.s_status, 1)
            FROM link_effects e
            WHERE e.kind = 'create';
            INSERT INTO link_created_persons (agency, feed, record_id, role, pid)
            SELECT agency, feed, record_id, role, target_pid FROM link_effects WHERE kind = 'create';
            -- The next batch's family decisions join it at once: not with the statistics of an empty table.
            ANALYZE link_created_persons;
            INSERT INTO person_history (pid, actor, source, changes)
            SELECT target_pid, actor, source, jsonb_build_object('created', jsonb_build_array(NULL, feed || ' ' || role)) FROM link_effects WHERE kind = 'create'`);
}

/** Decisions stored before their effects were planned (a clerk's, a relink's): their created person. */
export function markCreatedSql(): Sql {
  return q(`UPDATE link_results lr SET created_pid = e.target_pid FROM link_effects e
            WHERE e.created AND ${sameRecord('lr', 'e')} AND lr.role = e.role`);
}

/** "Has no value yet" per column, for fill. */
function empty(col: keyof PersonFields): string {
  switch (col) {
    case 'sex':
      return 'p.sex NOT IN (1, 2)';
    case 'id_suspect':
      return 'p.id_number IS NULL';
    case 'birth_date':
    case 'status':
      return `p.${col} IS NULL`;
    default:
      return `coalesce(p.${col}, '') = ''`;
  }
}

/**
 * Set and fill every changed column of every updated person; one history row per changed person.
 * A person none of whose columns would change is neither updated nor given a history row. Only
 * the fields some effect sets or fills are compared and written (a marriage batch: one).
 */
export function updatePersonsSql(fields: readonly (keyof PersonFields)[]): Sql {
  const cols = fields;
  const value = (c: keyof PersonFields) =>
    `CASE WHEN u.s_${c} IS NOT NULL THEN u.s_${c} WHEN u.f_${c} IS NOT NULL AND ${empty(c)} THEN u.f_${c} ELSE p.${c} END AS n_${c}`;
  const change = (c: string) => `'${c}', CASE WHEN c.o_${c} IS DISTINCT FROM c.n_${c} THEN jsonb_build_array(c.o_${c}, c.n_${c}) END`;
  return q(`WITH c AS (
              SELECT p.pid, u.actor, u.source, ${cols.map((c) => `p.${c} AS o_${c}`).join(', ')},
                     ${cols.map(value).join(',\n                     ')}
              FROM link_updates u JOIN persons p ON p.pid = u.pid),
            d AS (
              SELECT c.*, jsonb_strip_nulls(jsonb_build_object(${cols.map(change).join(', ')})) AS changes
              FROM c WHERE ${cols.map((c) => `c.o_${c} IS DISTINCT FROM c.n_${c}`).join(' OR ')}),
            upd AS (
              UPDATE persons p SET ${cols.map((c) => `${c} = d.n_${c}`).join(', ')}, updated_at = now()
              FROM d WHERE p.pid = d.pid)
            INSERT INTO person_history (pid, actor, source, changes)
            SELECT d.pid, d.actor, d.source, d.changes FROM d`);
}

/** Relations between the persons of two roles; both ends must be known (linked or created). */
export function relationsSql(): Sql[] {
  const resolved = `
    r AS (SELECT DISTINCT ON (e.from_pid, e.kind, e.op) e.from_pid, e.kind, e.to_pid, e.op, e.actor, e.source, e.seq
          FROM link_rel_effects e
          WHERE e.from_pid <> e.to_pid
          ORDER BY e.from_pid, e.kind, e.op, e.seq DESC)`;
  const history = (rows: string) =>
    `INSERT INTO person_history (pid, actor, source, changes)
     SELECT pid, actor, source, jsonb_build_object(kind || '_pid', jsonb_build_array(old, new)) FROM ${rows}`;
  return [
    q(`WITH ${resolved},
       ch AS (SELECT r.from_pid AS pid, r.kind, o.related_pid AS old, r.to_pid AS new, r.actor, r.source
              FROM r LEFT JOIN person_relations o ON o.pid = r.from_pid AND o.kind = r.kind
              WHERE r.op IN ('set', 'setIfAbsent') AND (o.related_pid IS NULL OR (r.op = 'set' AND o.related_pid <> r.to_pid))),
       up AS (INSERT INTO person_relations (pid, kind, related_pid, source) SELECT pid, kind, new, source FROM ch
              ON CONFLICT (pid, kind) DO UPDATE SET related_pid = EXCLUDED.related_pid, source = EXCLUDED.source, since = now())
       ${history('ch')}`),
    q(`WITH ${resolved},
       del AS (DELETE FROM person_relations o USING r
               WHERE r.op = 'remove' AND o.pid = r.from_pid AND o.kind = r.kind AND o.related_pid = r.to_pid
               RETURNING o.pid, o.kind, o.related_pid AS old, NULL::text AS new, r.actor, r.source)
       ${history('del')}`),
  ];
}

/** A death widows the surviving spouse. */
export function widowSql(): Sql {
  return q(`WITH w AS (
              SELECT DISTINCT ON (s.pid) s.pid, e.actor, e.source
              FROM link_effects e
              JOIN person_relations r ON r.related_pid = e.target_pid AND r.kind = 'spouse'
              JOIN persons s ON s.pid = r.pid
              WHERE e.widow AND s.marital_status = '20'),
            upd AS (UPDATE persons p SET marital_status = '30', updated_at = now() FROM w WHERE p.pid = w.pid)
            INSERT INTO person_history (pid, actor, source, changes)
            SELECT pid, actor, source, '{"marital_status": ["20", "30"]}'::jsonb FROM w`);
}

export function markAppliedSql(): Sql {
  return q(`UPDATE link_results lr SET applied_at = now() FROM link_applied a WHERE ${sameRecord('lr', 'a')} AND lr.role = a.role`);
}
