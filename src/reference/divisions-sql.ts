// SQL of the division-directory import (contract: feeds.md, "Reference data", divisions).
import { dictionaryJoin } from './dictionary.js';
import { errorsExpr, ident, trimmedKey, type Sql } from './import-sql.js';

export const DIVISION_DICTIONARY_COLUMNS = ['code', 'level', 'parent_code'];

const LEVEL_OF_CODE = (c: string) =>
  `CASE length(${c}) WHEN 2 THEN 'province' WHEN 4 THEN 'city' WHEN 6 THEN 'county' WHEN 9 THEN 'township' WHEN 12 THEN 'village' END`;
const PARENT_OF_CODE = (c: string) =>
  `CASE length(${c}) WHEN 12 THEN left(${c}, 9) WHEN 9 THEN left(${c}, 6) WHEN 6 THEN left(${c}, 4) WHEN 4 THEN left(${c}, 2) END`;

/** Normalised rows: code in its shortest form, level and parent given or derived from the code, errors. */
export function normaliseDivisionsSql(stage: string, dict: string, norm: string): Sql {
  const checks = errorsExpr([
    { field: 'code', code: "CASE WHEN v.record_key IS NULL THEN 'CODE_MISSING' ELSE v.code_code END",
      message: "CASE WHEN v.record_key IS NULL THEN 'the division has no 区划代码 (code)' ELSE v.code_message END" },
    { field: 'name', code: "CASE WHEN v.name IS NULL THEN 'NAME_MISSING' WHEN length(v.name) > 100 THEN 'NAME_FORMAT' END",
      message: "CASE WHEN v.name IS NULL THEN 'the division has no 名称 (name)' ELSE 'the name is longer than 100 characters' END" },
    { field: 'level', code: `coalesce(v.level_code, CASE WHEN v.level_given <> ${LEVEL_OF_CODE('v.code')} THEN 'LEVEL_MISMATCH' END)`,
      message: `coalesce(v.level_message, format('级别 %s does not fit the code %s, which is a %s', v.level_given, v.code, ${LEVEL_OF_CODE('v.code')}))` },
    { field: 'parent_code', code: `coalesce(v.parent_code_code, CASE WHEN length(v.parent_given) >= length(v.code)
                                        OR left(v.code, length(v.parent_given)) <> v.parent_given THEN 'PARENT_MISMATCH' END)`,
      message: `coalesce(v.parent_code_message,
                  format('上级代码 %s is not above %s (a parent''s code is the start of its children''s codes)', v.parent_given, v.code))` },
  ]);
  const dictValues = DIVISION_DICTIONARY_COLUMNS.map((c) => `d_${c}.code AS ${c}_code, d_${c}.message AS ${c}_message`).join(', ');
  return {
    text: `CREATE UNLOGGED TABLE ${ident(norm)} AS
           SELECT v.row_no, v.record_key, v.code, v.name,
                  coalesce(v.level_given, ${LEVEL_OF_CODE('v.code')}) AS level,
                  coalesce(v.parent_given, ${PARENT_OF_CODE('v.code')}) AS parent_code,
                  ${checks} AS errors
           FROM (SELECT s.row_no, ${trimmedKey('s.code')} AS record_key, d_code.value AS code, ${trimmedKey('s.name')} AS name,
                        d_level.value AS level_given, d_parent_code.value AS parent_given, ${dictValues}
                 FROM ${ident(stage)} s
                 ${DIVISION_DICTIONARY_COLUMNS.map((c) => dictionaryJoin(dict, c)).join('\n                 ')}
                 OFFSET 0) v`,
    values: [],
  };
}

/** A parent that is neither in the file nor in the directory: the division loads, with a warning. */
export function unknownParentsSql(norm: string, findings: string): Sql {
  return {
    text: `INSERT INTO ${ident(findings)} (row_no, field, code, message, severity, record_key)
           SELECT n.row_no, 'parent_code', 'PARENT_UNKNOWN',
                  format('上级代码 %s is neither in this file nor in the division directory; loaded anyway', n.parent_code),
                  'warning', n.record_key
           FROM ${ident(norm)} n
           WHERE n.errors IS NULL AND n.parent_code IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM ${ident(norm)} p WHERE p.code = n.parent_code AND p.errors IS NULL)
             AND NOT EXISTS (SELECT 1 FROM divisions d WHERE d.code = n.parent_code)`,
    values: [],
  };
}

/** Insert new divisions, update changed ones; unchanged rows are not touched (no new updated_at). */
export function upsertDivisionsSql(norm: string): Sql {
  return {
    text: `WITH up AS (
             INSERT INTO divisions (code, name, level, parent_code)
             SELECT code, name, level, parent_code FROM ${ident(norm)} WHERE errors IS NULL ORDER BY code
             ON CONFLICT (code) DO UPDATE
               SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code, updated_at = now()
               WHERE (divisions.name, divisions.level, divisions.parent_code)
                     IS DISTINCT FROM (excluded.name, excluded.level, excluded.parent_code)
             RETURNING (xmax = 0) AS inserted)
           SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
    values: [],
  };
}
