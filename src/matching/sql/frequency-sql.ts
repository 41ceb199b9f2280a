// Name frequencies for the term-frequency adjustment (008_matching.sql, name_frequencies).
import type { Sql } from './sql.js';

/** The persons counted at the last refresh, and the planner's current estimate of the table. */
export function frequencyStateSql(): Sql {
  return {
    text: `SELECT (SELECT persons FROM name_frequency_state) AS counted,
                  (SELECT reltuples::bigint FROM pg_class WHERE oid = 'persons'::regclass) AS estimate`,
    values: [],
  };
}

export const refreshFrequenciesSql = (): Sql => ({ text: 'SELECT ypq_refresh_name_frequencies() AS persons', values: [] });

/**
 * Counts of the staged batch's names and pinyin keys only (link_stage, blocking-sql.ts), never the
 * whole table. Read from the staged table rather than sent as arrays of every name.
 */
export function stagedFrequenciesSql(): Sql {
  return {
    text: `SELECT kind, value, n FROM name_frequencies WHERE kind = 'name' AND value IN (SELECT name_norm FROM link_stage)
           UNION ALL
           SELECT kind, value, n FROM name_frequencies WHERE kind = 'pinyin' AND value IN (SELECT name_pinyin FROM link_stage)`,
    values: [],
  };
}

/**
 * Persons created by linking count at once (the refresh would find them only later): the
 * created persons of the apply step's link_effects (apply-sql.ts), as insertCreatedSql wrote them.
 */
export function countCreatedNamesSql(): Sql {
  return {
    text: `WITH c AS (SELECT s_name_norm AS name_norm, coalesce(s_name_pinyin, '') AS name_pinyin FROM link_effects
                      WHERE kind = 'create' AND coalesce(s_name_norm, '') <> ''),
                f AS (SELECT 'name' AS kind, name_norm AS value, count(*)::integer AS n FROM c GROUP BY name_norm
                      UNION ALL SELECT 'pinyin', name_pinyin, count(*)::integer FROM c GROUP BY name_pinyin),
                up AS (INSERT INTO name_frequencies (kind, value, n) SELECT kind, value, n FROM f
                       ON CONFLICT (kind, value) DO UPDATE SET n = name_frequencies.n + EXCLUDED.n)
           UPDATE name_frequency_state SET persons = persons + (SELECT count(*) FROM link_effects WHERE kind = 'create')`,
    values: [],
  };
}
