// Candidate persons for a whole batch, set-based: the batch's persons are staged (COPY) into a
// temporary table and joined against persons' indexed keys — never one query per record.
//
// Two passes. The ID pass looks up the exact number, the valid one-edit repairs of a suspect
// number (link_stage_repairs, see id-repair.ts) and, for the few persons whose stored number is
// itself suspect, the masked ID_KEY_WINDOWS variants. A staged person whose verified number
// meets the same number on a person with the same name key is settled there: the decision rules
// link it outright, so the name and date rules are not run for it. The fuzzy pass runs the
// rules that survive the other errors, each a LATERAL index probe capped at `cap` persons — a
// key shared by more people than that (王伟 in a county) says too little, and the record falls
// back on its other keys.
import { STAGE_COLUMNS } from '../stage-records.js';
import type { Sql } from './sql.js';

export function createStageSql(): Sql {
  return {
    text: `CREATE TEMP TABLE link_stage (
             i integer PRIMARY KEY, id text, id_verified boolean, name_norm text, name_pinyin text, surname text, sex smallint,
             birth date, birth_swapped date, month_lo date, month_hi date, year_lo date, year_hi date, mmdd integer,
             county1 text, county2 text, look_lo text, look_hi text, lookc_lo text, lookc_hi text, phone text
           ) ON COMMIT DROP;
           CREATE TEMP TABLE link_stage_repairs (i integer NOT NULL, id text NOT NULL) ON COMMIT DROP;
           CREATE TEMP TABLE link_pairs (i integer NOT NULL, pid text NOT NULL, exact boolean NOT NULL DEFAULT false, rule smallint NOT NULL) ON COMMIT DROP`,
    values: [],
  };
}

/** The staging tables of one chunk of a batch (createStageSql, createCandidatesSql), before the next. */
export const dropStageSql = (): Sql => ({ text: 'DROP TABLE IF EXISTS link_stage, link_stage_repairs, link_pairs, link_cands', values: [] });

export const copyStageSql = (): Sql => ({ text: `COPY link_stage (${STAGE_COLUMNS.join(', ')}) FROM STDIN`, values: [] });
export const copyRepairsSql = (): Sql => ({ text: 'COPY link_stage_repairs (i, id) FROM STDIN', values: [] });
// The blocking statements are LATERAL probes driven by link_stage row by row; the planner needs
// its size and the few columns the ID pass joins on, not statistics of every column (which cost
// more than a probe pass).
export const analyzeStageSql = (): Sql => ({ text: 'ANALYZE link_stage (i, id); ANALYZE link_stage_repairs', values: [] });

/** Exact numbers and repairs of suspect ones; `exact` marks a verified number met with the same name key. */
export function idPairsSql(cap: number): Sql {
  return {
    text: `INSERT INTO link_pairs (i, pid, exact, rule)
           SELECT s.i, x.pid, coalesce(s.id_verified AND NOT x.id_suspect AND (s.name_pinyin IS NULL OR x.name_pinyin = s.name_pinyin), false), 0
           FROM link_stage s
           CROSS JOIN LATERAL (SELECT p.pid, p.id_suspect, p.name_pinyin FROM persons p WHERE p.id_number = s.id LIMIT $1) x
           WHERE s.id IS NOT NULL
           UNION ALL
           SELECT r.i, x.pid, false, 1
           FROM link_stage_repairs r
           CROSS JOIN LATERAL (SELECT p.pid FROM persons p WHERE p.id_number = r.id LIMIT $1) x`,
    values: [cap],
  };
}

export const anySuspectPersonsSql = (): Sql => ({ text: 'SELECT EXISTS (SELECT 1 FROM persons WHERE id_suspect) AS any', values: [] });

/** Persons whose stored number has a wrong check digit, by the masked variants both numbers share. */
export function suspectPersonPairsSql(): Sql {
  return {
    text: `INSERT INTO link_pairs (i, pid, rule)
           SELECT DISTINCT k.i, sp.pid, 2
           FROM (SELECT p.pid, unnest(ypq_id_window_keys(p.id_number)) AS key FROM persons p WHERE p.id_suspect AND p.id_number IS NOT NULL) sp
           JOIN (SELECT s.i, unnest(ypq_id_window_keys(s.id)) AS key FROM link_stage s WHERE s.id IS NOT NULL) k ON k.key = sp.key`,
    values: [],
  };
}

interface FuzzyRule {
  name: string;
  /**
   * 1: looked up for every person not settled by an ID; 2: only for those round 1 left undecided
   * (review or new) — the keys that survive a wrong date or name, whose blocks are larger.
   */
  round: 1 | 2;
  /** Which staged persons the rule applies to. */
  applies: string;
  /** The probe: a condition on persons p given the staged person s (each an indexed expression). */
  probe: string;
}

/** link_pairs.rule: 0 exact ID, 1 ID repair, 2 suspect stored ID, FIRST_FUZZY_RULE + k the k-th fuzzy rule. */
export const ID_RULE_NAMES = ['id_exact', 'id_repair', 'id_suspect_person'] as const;
export const FIRST_FUZZY_RULE = 10;

/** Pairs found so far by each rule (before de-duplication), for the benchmark's diagnostics. */
export function pairsByRuleSql(): Sql {
  return { text: 'SELECT rule, count(*)::integer AS n FROM link_pairs GROUP BY rule ORDER BY rule', values: [] };
}

/** The blocking rules of the fuzzy pass, each named after BlockingRule where it is one. */
/**
 * Round 2's keys survive an error in the name or the date, so their blocks are large, and grow
 * with the population: they look only among the persons registered or living in the record's
 * counties (any county when the record names none, as a marriage record). Someone of another
 * county is still found in round 1 by the ID number, the exact name and birth date, or the phone.
 */
const IN_COUNTY = `(s.county1 IS NULL OR left(p.hukou_division, 6) IN (s.county1, s.county2) OR left(p.residence_division, 6) IN (s.county1, s.county2))`;

export const FUZZY_RULES: readonly FuzzyRule[] = [
  {
    // homophones, traditional forms, separators; a day and month swapped
    name: 'pinyin_birth',
    round: 1,
    applies: 's.name_pinyin IS NOT NULL AND s.birth IS NOT NULL',
    probe: 'p.name_pinyin = s.name_pinyin AND p.birth_date IN (s.birth, s.birth_swapped)',
  },
  {
    // a wrong day (in the record's county: see IN_COUNTY)
    name: 'pinyin_year_month',
    round: 2,
    applies: 's.name_pinyin IS NOT NULL AND s.birth IS NOT NULL',
    probe: `p.name_pinyin = s.name_pinyin AND p.birth_date BETWEEN s.month_lo AND s.month_hi AND ${IN_COUNTY}`,
  },
  {
    // name + birth year + county: a wrong month (or day) of someone registered or living there
    name: 'pinyin_year_county',
    round: 2,
    applies: 's.name_pinyin IS NOT NULL AND s.birth IS NOT NULL',
    probe: `p.name_pinyin = s.name_pinyin AND p.birth_date BETWEEN s.year_lo AND s.year_hi AND ${IN_COUNTY}`,
  },
  {
    // a wrong year (in the record's county)
    name: 'pinyin_month_day',
    round: 2,
    applies: 's.name_pinyin IS NOT NULL AND s.mmdd IS NOT NULL',
    probe: `p.name_pinyin = s.name_pinyin AND ypq_mmdd(p.birth_date) = s.mmdd AND p.birth_date IS NOT NULL AND ${IN_COUNTY}`,
  },
  {
    // a look-alike character or a changed given name: same birth date, surname and sex (in the record's county)
    name: 'birth_surname',
    round: 2,
    applies: 's.surname IS NOT NULL AND s.birth IS NOT NULL',
    probe: `p.birth_date = s.birth AND left(p.name_norm, 1) = s.surname AND p.birth_date IS NOT NULL
            AND (s.sex IS NULL OR p.sex NOT IN (1, 2) OR p.sex = s.sex) AND ${IN_COUNTY}`,
  },
  {
    // a newborn created from a birth certificate before it had a name, now registered with one
    name: 'birth_unnamed',
    round: 1,
    applies: 's.birth IS NOT NULL',
    probe: `p.birth_date = s.birth AND left(p.name_norm, 1) = '' AND p.birth_date IS NOT NULL
            AND (s.sex IS NULL OR p.sex NOT IN (1, 2) OR p.sex = s.sex)
            AND (s.county1 IS NULL OR left(p.residence_division, 6) IN (s.county1, s.county2))`,
  },
  {
    // no birth date (housing residents, household events without one): the name in their village or township
    name: 'pinyin_residence',
    round: 1,
    applies: 's.name_pinyin IS NOT NULL AND s.birth IS NULL AND length(s.look_lo) > 6',
    probe: 'p.name_pinyin = s.name_pinyin AND p.residence_division >= s.look_lo AND p.residence_division < s.look_hi',
  },
  {
    // …and in the whole county: someone who moved since, a parent on a birth certificate (capped:
    // a common name says too little there)
    name: 'pinyin_county',
    round: 2,
    applies: 's.name_pinyin IS NOT NULL AND s.birth IS NULL AND s.lookc_lo IS NOT NULL',
    probe: 'p.name_pinyin = s.name_pinyin AND p.residence_division >= s.lookc_lo AND p.residence_division < s.lookc_hi',
  },
  {
    name: 'phone',
    round: 1,
    applies: 's.phone IS NOT NULL',
    probe: 'p.phone = s.phone',
  },
];

/**
 * The fuzzy rules of a round; blocks larger than cap are dropped. Round 1 looks up every staged
 * person whose verified number the ID pass did not settle (link_pairs.exact), round 2 the
 * undecided given. (A flag column updated between the rounds rewrote every row of link_stage.)
 */
export function fuzzyPairsSql(cap: number, round: 1 | 2, undecided: number[] = []): Sql {
  // NOT IN over a subquery is a hashed subplan: one probe per staged person, whatever the estimates.
  const lookUp = round === 1 ? 's.i NOT IN (SELECT e.i FROM link_pairs e WHERE e.exact)' : 's.i = ANY($2::integer[])';
  const branches = FUZZY_RULES.map((r, k) => ({ r, rule: FIRST_FUZZY_RULE + k })).filter(({ r }) => r.round === round).map(
    ({ r, rule }) => `SELECT i, pid, ${rule} FROM (
              SELECT s.i, x.pid, count(*) OVER (PARTITION BY s.i) AS n
              FROM link_stage s
              CROSS JOIN LATERAL (SELECT p.pid FROM persons p WHERE ${r.probe} LIMIT $1) x
              WHERE ${lookUp} AND ${r.applies}) ${r.name}
            WHERE n < $1`,
  );
  return { text: `INSERT INTO link_pairs (i, pid, rule)\n${branches.join('\nUNION ALL\n')}`, values: round === 1 ? [cap + 1] : [cap + 1, undecided] };
}

export const createCandidatesSql = (): Sql => ({
  text: 'CREATE TEMP TABLE link_cands (pid text PRIMARY KEY, j integer NOT NULL) ON COMMIT DROP',
  values: [],
});

/**
 * Candidates not fetched before, numbered from `offset` (the JS arrays' indexes), with the rows
 * preparePerson reads (rowMode array).
 */
export function newCandidatesSql(offset: number): Sql {
  return {
    text: `WITH n AS (SELECT DISTINCT lp.pid FROM link_pairs lp WHERE NOT EXISTS (SELECT 1 FROM link_cands c WHERE c.pid = lp.pid)),
                ins AS (INSERT INTO link_cands (pid, j) SELECT pid, $1 + (row_number() OVER (ORDER BY pid))::integer - 1 FROM n RETURNING pid, j)
           SELECT p.pid, p.id_number, p.name, p.name_norm, p.name_pinyin, p.sex, p.birth_date, p.hukou_division, p.residence_division, p.phone, ins.j
           FROM ins JOIN persons p ON p.pid = ins.pid ORDER BY ins.j`,
    values: [offset],
  };
}

/** Distinct pairs ordered by staged person (as linkBatch wants them), of all staged persons or the ones given. */
export function pairRowsSql(only?: number[]): Sql {
  return {
    text: `SELECT DISTINCT lp.i, c.j FROM link_pairs lp JOIN link_cands c ON c.pid = lp.pid
           ${only ? 'WHERE lp.i = ANY($1::integer[])' : ''} ORDER BY lp.i, c.j`,
    values: only ? [only] : [],
  };
}

/** The exact-ID join alone, for the benchmark's floor: what linking costs at the least. */
export function exactIdFloorSql(): Sql {
  return {
    text: `SELECT count(*)::integer AS n FROM link_stage s
           CROSS JOIN LATERAL (SELECT p.pid FROM persons p WHERE p.id_number = s.id LIMIT 1) x WHERE s.id IS NOT NULL`,
    values: [],
  };
}
