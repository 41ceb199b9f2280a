// The statements that carry out event effects (event-effects.ts) set-based: persons created,
// fields set or filled with one person_history row per changed person, family links set or
// removed, a surviving spouse widowed, and the decisions marked applied. The effects arrive in
// temporary tables (COPY); each statement handles every effect of its kind at once.
import { PERSON_FIELDS, type PersonFields } from './event-effects.js';
import type { Sql } from '../sql/sql.js';

const q = (s: string): Sql => ({ text: s, values: [] });

export const EFFECT_COLUMNS = [
  'seq', 'agency', 'feed', 'record_id', 'version', 'role', 'kind', 'set', 'fill', 'residence_of', 'widow', 'target_pid', 'actor', 'source', 'created',
] as const;
export const RELATION_COLUMNS = ['seq', 'agency', 'feed', 'record_id', 'version', 'from_role', 'kind', 'to_role', 'op', 'actor', 'source'] as const;
export const APPLIED_COLUMNS = ['agency', 'feed', 'record_id', 'version', 'role'] as const;

export const createApplyTablesSql = () =>
  q(`CREATE TEMP TABLE link_effects (
       seq integer NOT NULL, agency text NOT NULL, feed text NOT NULL, record_id text NOT NULL, version integer NOT NULL, role text NOT NULL,
       kind text NOT NULL, set jsonb NOT NULL, fill jsonb NOT NULL, residence_of text, widow boolean NOT NULL, target_pid text,
       actor text NOT NULL, source text NOT NULL, created boolean NOT NULL DEFAULT false) ON COMMIT DROP;
     CREATE TEMP TABLE link_rel_effects (
       seq integer NOT NULL, agency text NOT NULL, feed text NOT NULL, record_id text NOT NULL, version integer NOT NULL,
       from_role text NOT NULL, kind text NOT NULL, to_role text NOT NULL, op text NOT NULL, actor text NOT NULL, source text NOT NULL) ON COMMIT DROP;
     CREATE TEMP TABLE link_applied (agency text NOT NULL, feed text NOT NULL, record_id text NOT NULL, version integer NOT NULL, role text NOT NULL) ON COMMIT DROP`);

export const dropApplyTablesSql = () => q('DROP TABLE IF EXISTS link_effects, link_rel_effects, link_applied');

export const copyEffectsSql = () => q(`COPY link_effects (${EFFECT_COLUMNS.join(', ')}) FROM STDIN`);
export const copyRelationEffectsSql = () => q(`COPY link_rel_effects (${RELATION_COLUMNS.join(', ')}) FROM STDIN`);
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

export function insertCreatedSql(): Sql {
  return q(`INSERT INTO persons (pid, id_number, id_suspect, name, name_norm, name_pinyin, sex, birth_date, ethnicity, hukou_division,
                                 residence_division, marital_status, phone, status)
            SELECT e.target_pid, s.id_number, coalesce(s.id_suspect, false), coalesce(s.name, ''), coalesce(s.name_norm, ''),
                   coalesce(s.name_pinyin, ''), coalesce(s.sex, 9), s.birth_date, s.ethnicity, s.hukou_division,
                   coalesce(m.residence_division, s.residence_division), s.marital_status, s.phone, coalesce(s.status, 1)
            FROM link_effects e
            CROSS JOIN LATERAL jsonb_populate_record(NULL::persons, e.set) s
            LEFT JOIN link_results lr ON ${sameRecord('lr', 'e')} AND lr.role = e.residence_of AND lr.status = 'linked'
            LEFT JOIN persons m ON m.pid = lr.pid
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

/** Set and fill every changed column of every updated person; one history row per changed person. */
export function updatePersonsSql(): Sql {
  const cols = PERSON_FIELDS;
  const value = (c: string) => `CASE WHEN u.set ? '${c}' THEN s.${c} WHEN u.fill ? '${c}' AND ${empty(c as keyof PersonFields)} THEN f.${c} ELSE p.${c} END AS ${c}`;
  const change = (c: string) => `'${c}', CASE WHEN p.${c} IS DISTINCT FROM c.${c} THEN jsonb_build_array(p.${c}, c.${c}) END`;
  return q(`WITH u AS (
              SELECT target_pid AS pid, ypq_jsonb_merge(set ORDER BY seq) AS set, ypq_jsonb_merge(fill ORDER BY seq DESC) AS fill,
                     (array_agg(actor ORDER BY seq))[1] AS actor, string_agg(DISTINCT source, '; ') AS source
              FROM link_effects WHERE kind = 'update' AND target_pid IS NOT NULL AND (set <> '{}' OR fill <> '{}')
              GROUP BY target_pid),
            c AS (
              SELECT p.pid, u.actor, u.source, ${cols.map(value).join(',\n                     ')}
              FROM u JOIN persons p ON p.pid = u.pid
              CROSS JOIN LATERAL jsonb_populate_record(NULL::persons, u.set) s
              CROSS JOIN LATERAL jsonb_populate_record(NULL::persons, u.fill) f),
            d AS (
              SELECT c.*, jsonb_strip_nulls(jsonb_build_object(${cols.map(change).join(', ')})) AS changes
              FROM c JOIN persons p ON p.pid = c.pid),
            upd AS (
              UPDATE persons p SET ${cols.map((c) => `${c} = d.${c}`).join(', ')}, updated_at = now()
              FROM d WHERE p.pid = d.pid AND d.changes <> '{}' RETURNING p.pid)
            INSERT INTO person_history (pid, actor, source, changes)
            SELECT d.pid, d.actor, d.source, d.changes FROM d WHERE d.changes <> '{}'`);
}

/** Relations between the persons of two roles; both ends must be known (linked or created). */
export function relationsSql(): Sql[] {
  const resolved = `
    rp AS (SELECT lr.agency, lr.feed, lr.record_id, lr.version, lr.role, coalesce(lr.pid, lr.created_pid) AS pid
           FROM link_results lr
           WHERE (lr.status = 'linked' OR lr.created_pid IS NOT NULL)
             AND (lr.agency, lr.feed, lr.record_id, lr.version) IN (SELECT agency, feed, record_id, version FROM link_rel_effects)),
    r AS (SELECT DISTINCT ON (a.pid, e.kind, e.op) a.pid AS from_pid, e.kind, b.pid AS to_pid, e.op, e.actor, e.source, e.seq
          FROM link_rel_effects e
          JOIN rp a ON ${sameRecord('a', 'e')} AND a.role = e.from_role
          JOIN rp b ON ${sameRecord('b', 'e')} AND b.role = e.to_role
          WHERE a.pid <> b.pid
          ORDER BY a.pid, e.kind, e.op, e.seq DESC)`;
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
