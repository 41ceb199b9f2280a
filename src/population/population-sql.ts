// SQL of the population bulk load (contract: feeds.md, "Reference data", population). The file
// is staged as text and every rule runs set-based: code-like columns through a dictionary of
// their distinct values (../reference/dictionary.ts), names through a table of distinct names
// (person-names.ts), ID and phone numbers per row with the SQL twins of migration 003.
import { dictionaryJoin } from '../reference/dictionary.js';
import { errorsExpr, ident, trimmedKey, type Sql } from '../reference/import-sql.js';

const trimPid = trimmedKey;

export function createNamesSql(names: string): Sql {
  return {
    text: `CREATE UNLOGGED TABLE ${ident(names)} (raw text NOT NULL, name text NOT NULL, name_norm text NOT NULL,
             name_pinyin text NOT NULL, code text, message text)`,
    values: [],
  };
}

export function copyNamesSql(names: string): Sql {
  return { text: `COPY ${ident(names)} (raw, name, name_norm, name_pinyin, code, message) FROM STDIN WITH (FORMAT csv)`, values: [] };
}

/**
 * One normalised row per staged row: canonical values, and errors (NULL for a good row).
 * Dictionary columns come from their per-distinct-value table; ID and phone numbers are
 * normalised per row in fenced steps (OFFSET 0 keeps the planner from merging them, which would
 * copy each expensive expression into every place it is used):
 *   a. is the value already canonical? (the common case skips b and c)
 *   b. otherwise clean it (ID: full-width, blanks, case; phone: separators, +86),
 *   c. then read it (ID: 15 → 18 digits; phone: mobile or landline),
 *   d. take the ID's bytes, and at last check it (check digit, embedded date) and collect the errors.
 */
export function normalisePopulationSql(stage: string, dict: string, dictColumns: string[], norm: string): Sql {
  const joins = dictColumns.map((c) => dictionaryJoin(dict, c)).join('\n                       ');
  const dictValues = dictColumns.map((c) => `d_${ident(c)}.value AS ${c}, d_${c}.code AS ${c}_code, d_${c}.message AS ${c}_message`).join(', ');
  const checks = errorsExpr([
    { field: 'pid', code: "CASE WHEN d.pid IS NULL THEN 'PID_MISSING' WHEN length(d.pid) > 64 THEN 'PID_FORMAT' END",
      message: "CASE WHEN d.pid IS NULL THEN 'the person has no 人员编号 (pid)' ELSE 'the pid is longer than 64 characters' END" },
    { field: 'id_number', code: "CASE WHEN d.id_number IS NULL AND d.id_clean <> '' THEN 'ID_FORMAT' END",
      message: "format('must be 18 characters (17 digits and a digit or X) or 15 digits, got %s characters', length(d.id_clean))" },
    { field: 'name', code: "CASE WHEN d.name_raw IS NULL THEN 'NAME_MISSING' END", message: "'the person has no 姓名 (name)'" },
    ...dictColumns.map((col) => ({ field: col, code: `d.${col}_code`, message: `d.${col}_message` })),
    { field: 'phone', code: "CASE WHEN d.phone IS NULL AND d.phone_stripped <> '' THEN 'PHONE_FORMAT' END",
      message: "'not a phone number (11-digit mobile, or a landline with its area code)'" },
  ]);
  return {
    text: `CREATE UNLOGGED TABLE ${ident(norm)} WITH (autovacuum_enabled = false) AS
           SELECT d.row_no, d.pid AS record_key, CASE WHEN length(d.pid) <= 64 THEN d.pid END AS pid,
                  d.id_number, coalesce(ypq_id_suspect_bytes(d.id_bytes), false) AS id_suspect, d.name_raw,
                  d.sex::smallint AS sex, d.birth_date, d.ethnicity, d.hukou_division, d.residence_division,
                  d.marital_status, d.phone, d.status::smallint AS status, d.spouse_pid, d.mother_pid, d.father_pid,
                  ${checks} AS errors
           FROM (SELECT c.*, textsend(c.id_number) AS id_bytes
           FROM (SELECT b.*, CASE WHEN b.id_canonical THEN b.id_clean ELSE ypq_id_from_clean(b.id_clean) END AS id_number,
                        CASE WHEN b.phone_canonical THEN b.phone_stripped ELSE ypq_phone_from_stripped(b.phone_stripped) END AS phone
           FROM (SELECT a.*, CASE WHEN a.id_canonical THEN a.id_raw ELSE ypq_id_clean(a.id_raw) END AS id_clean,
                        CASE WHEN a.phone_canonical THEN a.phone_raw ELSE ypq_phone_strip(a.phone_raw) END AS phone_stripped
           FROM (SELECT s.row_no, ${trimPid('s.pid')} AS pid, s.name AS name_raw,
                        s.id_number AS id_raw, ypq_id_canonical(s.id_number) AS id_canonical,
                        s.phone AS phone_raw, ypq_phone_canonical(s.phone) AS phone_canonical,
                        ${dictValues},
                        ${trimPid('s.spouse_pid')} AS spouse_pid, ${trimPid('s.mother_pid')} AS mother_pid,
                        ${trimPid('s.father_pid')} AS father_pid
                 FROM ${ident(stage)} s
                 ${joins}
                 OFFSET 0) a OFFSET 0) b OFFSET 0) c OFFSET 0) d`,
    values: [],
  };
}

/** Names Node found wanting (blank, too long, unreadable) join the row's errors. */
export function nameErrorsSql(norm: string, names: string): Sql {
  return {
    text: `UPDATE ${ident(norm)} n SET errors = coalesce(n.errors, '{}') || jsonb_build_object('name', jsonb_build_array(m.code, m.message))
           FROM ${ident(names)} m WHERE m.code IS NOT NULL AND n.name_raw = m.raw`,
    values: [],
  };
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
  /** The row's value, over norm n and names m. */
  value: string;
  /** A blank NOT NULL field (sex, status) means "not stated": keep what is stored. */
  blankKeeps?: boolean;
}

const PERSON_FIELDS: PersonField[] = [
  { key: 'id_number', value: 'n.id_number' },
  { key: 'name', value: 'm.name' },
  { key: 'sex', value: 'n.sex', blankKeeps: true },
  { key: 'birth_date', value: 'n.birth_date::date' },
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
export function personChangesSql(norm: string, names: string, changes: string, present: Set<string>): Sql {
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
                  ${present.has('name') ? 'm.name_norm' : 'p.name_norm'} AS name_norm,
                  ${present.has('name') ? 'm.name_pinyin' : 'p.name_pinyin'} AS name_pinyin
           FROM ${ident(norm)} n JOIN ${ident(names)} m ON m.raw = n.name_raw JOIN persons p ON p.pid = n.pid
           WHERE n.errors IS NULL AND (${differs.join(' OR ') || 'false'})`,
    values: [],
  };
}

export function updatePersonsSql(changes: string): Sql {
  const set = [...PERSON_FIELDS.map((f) => f.key), 'id_suspect', 'name_norm', 'name_pinyin'].map((c) => `${c} = c.${c}`);
  return {
    text: `UPDATE persons p SET ${set.join(', ')}, updated_at = now() FROM ${ident(changes)} c WHERE p.pid = c.pid`,
    values: [],
  };
}

/** The good rows as persons rows (sex and status default when blank), with their name forms. */
function newPersons(norm: string, names: string): string {
  return `INSERT INTO persons (pid, id_number, id_suspect, name, name_norm, name_pinyin, sex, birth_date, ethnicity,
                                hukou_division, residence_division, marital_status, phone, status, created_run)
           SELECT n.pid, n.id_number, n.id_suspect, m.name, m.name_norm, m.name_pinyin, coalesce(n.sex, 9), n.birth_date::date,
                  n.ethnicity, n.hukou_division, n.residence_division, n.marital_status, n.phone, coalesce(n.status, 1), $1
           FROM ${ident(norm)} n JOIN ${ident(names)} m ON m.raw = n.name_raw
           WHERE n.errors IS NULL`;
}

/** Persons not yet in the database. ON CONFLICT: a feed may have created the pid meanwhile. */
export function insertPersonsSql(norm: string, names: string, runId: number): Sql {
  return {
    text: `${newPersons(norm, names)} AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.pid = n.pid)
           ORDER BY n.pid
           ON CONFLICT (pid) DO NOTHING`,
    values: [runId],
  };
}

/** The first load into an empty database: no existence checks, no conflict handling, file order. */
export function insertAllPersonsSql(norm: string, names: string, runId: number): Sql {
  return { text: newPersons(norm, names), values: [runId] };
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

/**
 * First load: every resolvable link straight in, and a warning for each that is not, in one pass
 * over the links.
 */
export function insertAllRelationsSql(norm: string, findings: string, present: Set<string>, source: string): Sql {
  return {
    text: `WITH r AS MATERIALIZED (
             SELECT r.*, r.target <> r.pid AND EXISTS (SELECT 1 FROM persons p WHERE p.pid = r.target) AS known
             FROM ${relationRows(norm, present)} r WHERE r.target IS NOT NULL),
           linked AS (
             INSERT INTO person_relations (pid, kind, related_pid, source) SELECT pid, kind, target, $1 FROM r WHERE known RETURNING 1),
           warned AS (
             INSERT INTO ${ident(findings)} (row_no, field, code, message, severity, record_key)
             SELECT r.row_no, r.kind || '_pid', ${RELATION_WARNING} FROM r WHERE NOT r.known RETURNING 1)
           SELECT (SELECT count(*) FROM linked)::int AS linked, (SELECT count(*) FROM warned)::int AS warned`,
    values: [source],
  };
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
