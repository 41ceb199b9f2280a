// SQL of the population bulk load (contract: feeds.md, "Reference data", population). The rows
// arrive normalised (row-normaliser.ts) in a scratch table n; what needs the whole set runs here,
// set-based: checks, comparing with the stored persons, family links, history.
import { ident, type Sql } from '../reference/import-sql.js';
import { NORM_COLUMNS, PERSONS_COLUMNS, ROW_KEYS } from './row-normaliser.js';

/** The normalised rows (row-normaliser.ts writes them, NORM_COLUMNS in order). */
export function createNormSql(norm: string): Sql {
  return {
    text: `CREATE UNLOGGED TABLE ${ident(norm)} (row_no bigint NOT NULL, record_key text, pid text, id_number text,
             id_suspect boolean NOT NULL, name text NOT NULL, name_norm text NOT NULL, name_pinyin text NOT NULL,
             sex smallint, birth_date date, ethnicity text, hukou_division text, residence_division text,
             marital_status text, phone text, status smallint, spouse_pid text, mother_pid text, father_pid text,
             import_hash bigint NOT NULL, errors jsonb) WITH (autovacuum_enabled = false)`,
    values: [],
  };
}

export function copyNormSql(norm: string): Sql {
  return { text: `COPY ${ident(norm)} (${NORM_COLUMNS.join(', ')}) FROM STDIN`, values: [] };
}

/** A first load's good rows, straight into persons (row-normaliser.ts personsLine). */
export function copyPersonsSql(): Sql {
  return { text: `COPY persons (${PERSONS_COLUMNS.join(', ')}) FROM STDIN`, values: [] };
}

/** A staged file's rows in file order, the contract columns in ROW_KEYS order (COPY text format). */
export function stagedRowsSql(stage: string): Sql {
  return { text: `COPY (SELECT row_no, ${ROW_KEYS.map(ident).join(', ')} FROM ${ident(stage)} ORDER BY row_no) TO STDOUT`, values: [] };
}

/** The hashes of the rows persons were set from (migration 009), for a re-import. */
export function storedHashesSql(): Sql {
  return { text: 'COPY (SELECT import_hash FROM persons WHERE import_hash IS NOT NULL) TO STDOUT', values: [] };
}

/** Of those, the persons with a suspect ID number: an unchanged row of theirs still warns. */
export function storedSuspectsSql(): Sql {
  return { text: 'SELECT pid FROM persons WHERE id_suspect AND import_hash IS NOT NULL', values: [] };
}

export function suspectIdWarningsSql(norm: string, findings: string): Sql {
  return {
    text: `INSERT INTO ${ident(findings)} (row_no, field, code, message, severity, record_key)
           SELECT n.row_no, 'id_number', 'ID_SUSPECT',
                  'the check digit or the embedded birth date is wrong; kept, marked suspect (not used as a key)', 'warning', n.record_key
           FROM ${ident(norm)} n WHERE n.id_suspect AND n.errors IS NULL`,
    values: [],
  };
}

/** Whether the population database is empty (a first load may defer its index maintenance). */
export function populationEmptySql(): Sql {
  return { text: 'SELECT NOT EXISTS (SELECT 1 FROM persons) AS empty', values: [] };
}

/** Writers wait until the import commits; readers go on. */
export function lockPopulationSql(): Sql {
  return { text: 'LOCK TABLE persons, person_relations IN SHARE ROW EXCLUSIVE MODE', values: [] };
}

// ---------------------------------------------------------------- persons

interface PersonField {
  key: string;
  /** The row's value, over the normalised rows n. */
  value: string;
  /** A blank NOT NULL field (sex, status) means "not stated": keep what is stored. */
  blankKeeps?: boolean;
}

const PERSON_FIELDS: PersonField[] = [
  { key: 'id_number', value: 'n.id_number' },
  { key: 'name', value: 'n.name' },
  { key: 'sex', value: 'n.sex', blankKeeps: true },
  { key: 'birth_date', value: 'n.birth_date' },
  { key: 'ethnicity', value: 'n.ethnicity' },
  { key: 'hukou_division', value: 'n.hukou_division' },
  { key: 'residence_division', value: 'n.residence_division' },
  { key: 'marital_status', value: 'n.marital_status' },
  { key: 'phone', value: 'n.phone' },
  { key: 'status', value: 'n.status', blankKeeps: true },
];

/** A changed field's new value; fields the file lacks keep the stored value. */
function newValue(f: PersonField, present: Set<string>): string {
  if (!present.has(f.key)) return `p.${f.key}`;
  return f.blankKeeps ? `coalesce(${f.value}, p.${f.key})` : f.value;
}

/**
 * Existing persons whose row differs from what is stored: the new values, and the history entry
 * { field: [old, new] }. Unchanged rows are left out, so re-importing a file changes nothing.
 */
export function personChangesSql(norm: string, changes: string, present: Set<string>): Sql {
  const fields = PERSON_FIELDS.filter((f) => present.has(f.key));
  const differs = fields.map((f) => `p.${f.key} IS DISTINCT FROM ${newValue(f, present)}`);
  const entries = fields.map(
    (f) => `'${f.key}', CASE WHEN p.${f.key} IS DISTINCT FROM ${newValue(f, present)} THEN jsonb_build_array(p.${f.key}, ${newValue(f, present)}) END`,
  );
  const idSuspect = present.has('id_number') ? 'n.id_suspect' : 'p.id_suspect';
  return {
    text: `CREATE UNLOGGED TABLE ${ident(changes)} AS
           SELECT p.pid, jsonb_strip_nulls(jsonb_build_object(${entries.join(', ') || "'none', NULL"})) AS changes,
                  ${PERSON_FIELDS.map((f) => `${newValue(f, present)} AS ${f.key}`).join(', ')},
                  ${idSuspect} AS id_suspect,
                  ${present.has('name') ? 'n.name_norm' : 'p.name_norm'} AS name_norm,
                  ${present.has('name') ? 'n.name_pinyin' : 'p.name_pinyin'} AS name_pinyin, n.import_hash
           FROM ${ident(norm)} n JOIN persons p ON p.pid = n.pid
           WHERE n.errors IS NULL AND (${differs.join(' OR ') || 'false'})`,
    values: [],
  };
}

export function updatePersonsSql(changes: string): Sql {
  const set = [...PERSON_FIELDS.map((f) => f.key), 'id_suspect', 'name_norm', 'name_pinyin', 'import_hash'].map((c) => `${c} = c.${c}`);
  return {
    text: `UPDATE persons p SET ${set.join(', ')}, updated_at = now() FROM ${ident(changes)} c WHERE p.pid = c.pid`,
    values: [],
  };
}

/** The good rows as persons rows (sex and status default when blank). */
function newPersons(norm: string): string {
  return `INSERT INTO persons (pid, id_number, id_suspect, name, name_norm, name_pinyin, sex, birth_date, ethnicity,
                                hukou_division, residence_division, marital_status, phone, status, created_run, import_hash)
           SELECT n.pid, n.id_number, n.id_suspect, n.name, n.name_norm, n.name_pinyin, coalesce(n.sex, 9), n.birth_date,
                  n.ethnicity, n.hukou_division, n.residence_division, n.marital_status, n.phone, coalesce(n.status, 1), $1, n.import_hash
           FROM ${ident(norm)} n
           WHERE n.errors IS NULL`;
}

/** Persons not yet in the database. ON CONFLICT: a feed may have created the pid meanwhile. */
export function insertPersonsSql(norm: string, runId: number): Sql {
  return {
    text: `${newPersons(norm)} AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.pid = n.pid)
           ORDER BY n.pid
           ON CONFLICT (pid) DO NOTHING`,
    values: [runId],
  };
}

// ---------------------------------------------------------------- import hashes

const UNLINKED = "('RELATION_UNKNOWN', 'RELATION_SELF')";

/** First load: a person with a link that could not be made keeps no hash, so the next import looks again. */
export function clearUnlinkedHashesSql(findings: string): Sql {
  return {
    text: `UPDATE persons p SET import_hash = NULL
           FROM (SELECT DISTINCT record_key FROM ${ident(findings)} WHERE code IN ${UNLINKED}) w
           WHERE p.pid = w.record_key AND p.import_hash IS NOT NULL`,
    values: [],
  };
}

/**
 * Re-import: every loaded row's person carries the row's hash (or none, when a link could not be
 * made). Persons whose values did not change get only the hash: updated_at and history stay.
 */
export function storeHashesSql(norm: string, findings: string): Sql {
  return {
    text: `UPDATE persons p SET import_hash = h.import_hash
           FROM (SELECT n.pid, CASE WHEN w.record_key IS NULL THEN n.import_hash END AS import_hash
                 FROM ${ident(norm)} n
                 LEFT JOIN (SELECT DISTINCT record_key FROM ${ident(findings)} WHERE code IN ${UNLINKED}) w ON w.record_key = n.record_key
                 WHERE n.errors IS NULL) h
           WHERE p.pid = h.pid AND p.import_hash IS DISTINCT FROM h.import_hash`,
    values: [],
  };
}

// ---------------------------------------------------------------- relations

const RELATION_KINDS = ['spouse', 'mother', 'father'] as const;

/** The relation columns the file has, one row per (person, kind). */
function relationRows(norm: string, present: Set<string>): string {
  const kinds = RELATION_KINDS.filter((k) => present.has(`${k}_pid`));
  if (kinds.length === 0) return `(SELECT NULL::text AS pid, NULL::text AS kind, NULL::text AS target, NULL::bigint AS row_no, NULL::text AS record_key WHERE false)`;
  return `(SELECT n.pid, r.kind, r.target, n.row_no, n.record_key
           FROM ${ident(norm)} n CROSS JOIN LATERAL (VALUES ${kinds.map((k) => `('${k}', n.${k}_pid)`).join(', ')}) r(kind, target)
           WHERE n.errors IS NULL)`;
}

/** code, message, severity, record_key of a finding about an unresolvable link r. */
const RELATION_WARNING = `CASE WHEN r.target = r.pid THEN 'RELATION_SELF' ELSE 'RELATION_UNKNOWN' END,
                  CASE WHEN r.target = r.pid THEN format('%s_pid is the person''s own pid; the link is left out', r.kind)
                       ELSE format('%s_pid %s is neither in this file nor in the population database; the person is loaded without this link',
                                   r.kind, left(r.target, 64)) END,
                  'warning', r.record_key`;

/** A first load's links, worked out while reading (row-normaliser.ts FirstLoadLinks). */
export function copyRelationsSql(): Sql {
  return { text: 'COPY person_relations (pid, kind, related_pid, source) FROM STDIN', values: [] };
}

export function createRelationChangesSql(relChanges: string): Sql {
  return { text: `CREATE UNLOGGED TABLE ${ident(relChanges)} (pid text NOT NULL, kind text NOT NULL, old text, new text)`, values: [] };
}

/**
 * Links that differ from what is stored: (pid, kind, old, new), and a warning for each link that
 * cannot be made, in one pass over the links. An empty column removes the link; an unresolvable
 * one (unknown pid, oneself) leaves the stored link alone.
 */
export function relationChangesSql(norm: string, findings: string, present: Set<string>, relChanges: string): Sql {
  return {
    text: `WITH r AS MATERIALIZED (
             SELECT r.*, r.target <> r.pid AND EXISTS (SELECT 1 FROM persons p WHERE p.pid = r.target) AS known
             FROM ${relationRows(norm, present)} r),
           warned AS (
             INSERT INTO ${ident(findings)} (row_no, field, code, message, severity, record_key)
             SELECT r.row_no, r.kind || '_pid', ${RELATION_WARNING} FROM r WHERE r.target IS NOT NULL AND NOT r.known RETURNING 1)
           INSERT INTO ${ident(relChanges)} (pid, kind, old, new)
           SELECT r.pid, r.kind, pr.related_pid, r.target
           FROM r LEFT JOIN person_relations pr ON pr.pid = r.pid AND pr.kind = r.kind
           WHERE (r.target IS NULL OR r.known) AND pr.related_pid IS DISTINCT FROM r.target`,
    values: [],
  };
}

export function applyRelationChangesSql(relChanges: string, source: string): Sql {
  const c = ident(relChanges);
  return {
    text: `WITH gone AS (
             DELETE FROM person_relations pr USING ${c} c
             WHERE c.new IS NULL AND pr.pid = c.pid AND pr.kind = c.kind RETURNING 1),
           moved AS (
             UPDATE person_relations pr SET related_pid = c.new, source = $1, since = now() FROM ${c} c
             WHERE c.old IS NOT NULL AND c.new IS NOT NULL AND pr.pid = c.pid AND pr.kind = c.kind RETURNING 1),
           added AS (
             INSERT INTO person_relations (pid, kind, related_pid, source)
             SELECT pid, kind, new, $1 FROM ${c} WHERE old IS NULL AND new IS NOT NULL RETURNING 1)
           SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM moved) + (SELECT count(*) FROM added) AS n`,
    values: [source],
  };
}

/**
 * One history entry per existing person that changed, fields and links together; persons this
 * run created have no history (their creation is the run itself). Returns how many were updated.
 */
export function writeHistorySql(changes: string, relChanges: string, runId: number, actor: string, source: string): Sql {
  return {
    text: `WITH entries AS (
             SELECT pid, changes FROM ${ident(changes)}
             UNION ALL
             SELECT c.pid, jsonb_object_agg(c.kind || '_pid', jsonb_build_array(c.old, c.new))
             FROM ${ident(relChanges)} c JOIN persons p ON p.pid = c.pid
             WHERE p.created_run IS DISTINCT FROM $1
             GROUP BY c.pid),
           merged AS (
             SELECT x.pid, jsonb_object_agg(e.key, e.value) AS changes
             FROM entries x CROSS JOIN LATERAL jsonb_each(x.changes) e GROUP BY x.pid),
           written AS (
             INSERT INTO person_history (pid, actor, source, changes) SELECT pid, $2, $3, changes FROM merged ORDER BY pid RETURNING 1)
           SELECT count(*)::int AS updated FROM written`,
    values: [runId, actor, source],
  };
}
