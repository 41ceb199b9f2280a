// SQL of the member-agency import (contract: feeds.md, "Reference data", agencies).
import { dictionaryJoin } from './dictionary.js';
import { errorsExpr, ident, trimmedKey, type Sql } from './import-sql.js';

export const AGENCY_DICTIONARY_COLUMNS = ['kind', 'division', 'feeds', 'expected_per_month'];

export function normaliseAgenciesSql(stage: string, dict: string, norm: string): Sql {
  const checks = errorsExpr([
    { field: 'code', code: "CASE WHEN v.code IS NULL THEN 'CODE_MISSING' WHEN length(v.code) > 64 THEN 'CODE_FORMAT' END",
      message: "CASE WHEN v.code IS NULL THEN 'the agency has no 单位代码 (code)' ELSE 'the code is longer than 64 characters' END" },
    { field: 'name', code: "CASE WHEN v.name IS NULL THEN 'NAME_MISSING' END", message: "'the agency has no 单位名称 (name)'" },
    { field: 'kind', code: "CASE WHEN v.kind IS NULL AND v.kind_code IS NULL THEN 'KIND_MISSING' ELSE v.kind_code END",
      message: "coalesce(v.kind_message, 'the agency has no 单位类型 (kind)')" },
    { field: 'division', code: "CASE WHEN v.division IS NULL AND v.division_code IS NULL THEN 'DIVISION_MISSING' ELSE v.division_code END",
      message: "coalesce(v.division_message, 'the agency has no 所在区划代码 (division)')" },
    { field: 'feeds', code: 'v.feeds_code', message: 'v.feeds_message' },
    { field: 'expected_per_month', code: 'v.expected_per_month_code', message: 'v.expected_per_month_message' },
  ]);
  const dictValues = AGENCY_DICTIONARY_COLUMNS.map((c) => `d_${c}.value AS ${c}, d_${c}.code AS ${c}_code, d_${c}.message AS ${c}_message`).join(', ');
  return {
    text: `CREATE UNLOGGED TABLE ${ident(norm)} AS
           SELECT v.row_no, v.code AS record_key, v.code, v.name, v.kind, v.division,
                  coalesce(string_to_array(v.feeds, ','), '{}') AS feeds, v.expected_per_month::integer AS expected_per_month,
                  ${checks} AS errors
           FROM (SELECT s.row_no, ${trimmedKey('s.code')} AS code, ${trimmedKey('s.name')} AS name, ${dictValues}
                 FROM ${ident(stage)} s
                 ${AGENCY_DICTIONARY_COLUMNS.map((c) => dictionaryJoin(dict, c)).join('\n                 ')}
                 OFFSET 0) v`,
    values: [],
  };
}

/** An agency whose division is not in the directory loads, with a warning (routing needs the division). */
export function unknownDivisionsSql(norm: string, findings: string): Sql {
  return {
    text: `INSERT INTO ${ident(findings)} (row_no, field, code, message, severity, record_key)
           SELECT n.row_no, 'division', 'DIVISION_UNKNOWN',
                  format('所在区划代码 %s is not in the division directory; loaded anyway (import the divisions first)', n.division),
                  'warning', n.record_key
           FROM ${ident(norm)} n
           WHERE n.errors IS NULL AND NOT EXISTS (SELECT 1 FROM divisions d WHERE d.code = n.division)`,
    values: [],
  };
}

/**
 * Insert new agencies, update changed ones. Optional columns the file does not have keep their
 * stored value (or the default for a new agency) instead of being cleared.
 */
export function upsertAgenciesSql(norm: string, present: Set<string>): Sql {
  const newFeeds = present.has('feeds') ? 'excluded.feeds' : 'agencies.feeds';
  const newExpected = present.has('expected_per_month') ? 'excluded.expected_per_month' : 'agencies.expected_per_month';
  return {
    text: `WITH up AS (
             INSERT INTO agencies (code, name, kind, division, feeds, expected_per_month)
             SELECT code, name, kind, division, feeds, coalesce(expected_per_month, 1)
             FROM ${ident(norm)} WHERE errors IS NULL ORDER BY code
             ON CONFLICT (code) DO UPDATE
               SET name = excluded.name, kind = excluded.kind, division = excluded.division,
                   feeds = ${newFeeds}, expected_per_month = ${newExpected}, updated_at = now()
               WHERE (agencies.name, agencies.kind, agencies.division, agencies.feeds, agencies.expected_per_month)
                     IS DISTINCT FROM (excluded.name, excluded.kind, excluded.division, ${newFeeds}, ${newExpected})
             RETURNING (xmax = 0) AS inserted)
           SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
    values: [],
  };
}
