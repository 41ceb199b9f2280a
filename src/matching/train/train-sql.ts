// Samples and training pairs for estimating m and u from the data (estimate-model.ts).
import { RAW_IDS } from '../sql/results-sql.js';
import type { Sql } from '../sql/sql.js';

/** A reproducible sample of current feed records (about `share` of them). */
export function sampleRecordsSql(share: number, seed: number, limit: number): Sql {
  return {
    text: `SELECT f.agency, f.feed, f.record_id, f.version, f.batch_id, f.record, a.division AS agency_division, ${RAW_IDS}
           FROM feed_records f TABLESAMPLE BERNOULLI ($1) REPEATABLE ($2)
           LEFT JOIN agencies a ON a.code = f.agency
           LIMIT $3`,
    values: [Math.min(100, share * 100), seed, limit],
  };
}

/** The planner's row estimate, or a count when the table was never analysed (a sample share needs the size). */
export function tableSizeSql(table: 'feed_records' | 'persons'): Sql {
  const count = table === 'persons' ? 'SELECT count(*) FROM persons' : 'SELECT count(*) FROM feed_records';
  return {
    text: `SELECT CASE WHEN c.reltuples > 0 THEN c.reltuples::bigint ELSE (${count}) END AS n FROM pg_class c WHERE c.oid = $1::regclass`,
    values: [table],
  };
}

/** A reproducible sample of persons, in preparePerson's columns (rowMode array). */
export function samplePersonsSql(share: number, seed: number, limit: number): Sql {
  return {
    text: `SELECT pid, id_number, name, name_norm, name_pinyin, sex, birth_date, hukou_division, residence_division, phone
           FROM persons TABLESAMPLE BERNOULLI ($1) REPEATABLE ($2) LIMIT $3`,
    values: [Math.min(100, share * 100), seed, limit],
  };
}

/**
 * One training session's pairs: the staged sample (link_stage) against persons sharing one
 * coarse key. The comparison the key forces to agree is left out of that session's EM.
 */
export interface TrainingSession {
  name: string;
  /** Comparisons left out of the session (the key forces them to agree). */
  exclude: readonly string[];
  /** Comparisons whose m is taken from an earlier session and kept (still used to tell matches apart). */
  fixM: readonly string[];
  applies: string;
  probe: string;
}

/**
 * In order. The ID number's m is learnt first, where the blocking key does not itself attract
 * "hard negatives": two people with the same name and birth date agree on everything the pinyin
 * and birth-date sessions look at but the ID, and EM cannot tell them from one person whose ID
 * was written down wrongly — it would learn that matches often carry another number. People who
 * share a phone number are the same person or family, and family differ in name or age. The
 * later sessions keep that m fixed: the ID still tells their matches apart, but is not re-learnt.
 */
export const TRAINING_SESSIONS: readonly TrainingSession[] = [
  { name: 'phone', exclude: ['phone'], fixM: [], applies: 's.phone IS NOT NULL', probe: 'p.phone = s.phone' },
  { name: 'id', exclude: ['id_number'], fixM: [], applies: 's.id IS NOT NULL', probe: 'p.id_number = s.id' },
  { name: 'pinyin', exclude: ['name'], fixM: ['id_number'], applies: 's.name_pinyin IS NOT NULL', probe: 'p.name_pinyin = s.name_pinyin' },
  {
    name: 'birth_sex', exclude: ['birth_date', 'sex'], fixM: ['id_number'],
    applies: 's.birth IS NOT NULL AND s.sex IS NOT NULL', probe: 'p.birth_date = s.birth AND p.sex = s.sex',
  },
];

export function sessionPairsSql(session: TrainingSession, cap: number): Sql {
  return {
    text: `SELECT s.i, x.pid FROM link_stage s
           CROSS JOIN LATERAL (SELECT p.pid FROM persons p WHERE ${session.probe} LIMIT $1) x
           WHERE ${session.applies}
           ORDER BY s.i`,
    values: [cap],
  };
}

export function personsByPidSql(pids: string[]): Sql {
  return {
    text: `SELECT pid, id_number, name, name_norm, name_pinyin, sex, birth_date, hukou_division, residence_division, phone
           FROM persons WHERE pid = ANY($1::text[])`,
    values: [pids],
  };
}

/** Every clerk's decision: the levels of each candidate shown and whether it was chosen. */
export function labelledPairsSql(): Sql {
  return { text: 'SELECT pairs FROM review_decisions ORDER BY id', values: [] };
}
