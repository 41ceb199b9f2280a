// Decisions within the family, where the record itself says how its persons are related:
// - newborns on birth certificates, not among all babies born that day: a child often has no
//   name yet, and two babies born on the same day in the same county look alike to any field
//   comparison. When the certificate's mother is linked, the child is the mother's child born
//   that day (registered earlier by the police, say) or a new person;
// - a father without an ID number (or with a mistyped one) is the linked mother's registered
//   spouse when the names agree; so is the other party of a divorce, annulment or reissued
//   certificate. Only doubtful decisions are settled this way, never a link overruled;
// - a household birth registration is the newborn a hospital reported: the birth certificate
//   rarely names the child, so the person created from it has no name to be found by, and is
//   looked for among the children created from certificates, born that day, living in the
//   village the registration names.
import type pg from 'pg';
import type { Thresholds } from './decide.js';
import type { Model } from './fellegi-sunter.js';
import { linkRecord } from './link-batch.js';
import { withRule, type LinkDecision } from './link-decision.js';
import { compareNames, NAME_DIFFERS } from './name-similarity.js';
import { compareIds, ID_DIFFERS, ID_EXACT, ID_ONE_EDIT } from './id-compare.js';
import { compareDates, DATE_DIFFERS } from './date-compare.js';
import type { HouseholdRecord, MarriageRecord } from '../adapters/index.js';
import { compareDivisions, DIVISION_VILLAGE } from './division-compare.js';
import { notOwn, preparePerson, type PersonMatchRow, type PreparedRecord } from './record.js';
import { decideFromProperty } from './same-property.js';
import type { SourceRecord, StagedPerson } from './stage-records.js';
import type { Sql } from './sql/sql.js';

/** What every family pass reads and decides: one batch's records, staged persons and their decisions (changed in place). */
export interface FamilyPassContext {
  client: pg.PoolClient;
  records: readonly SourceRecord[];
  staged: readonly StagedPerson[];
  decisions: LinkDecision[];
  model: Model;
  thresholds: Thresholds;
  /** Per staged person, the person its own record created earlier (a relink): never its candidate. */
  exclude?: ReadonlyMap<number, string>;
}


export function childrenOfMothersSql(i: number[], mothers: string[], births: string[]): Sql {
  return {
    text: `SELECT c.i, p.pid, p.id_number, p.name, p.name_norm, p.name_pinyin, p.sex, p.birth_date, p.hukou_division, p.residence_division, p.phone
           FROM unnest($1::integer[], $2::text[], $3::date[]) AS c (i, mother, birth)
           JOIN person_relations r ON r.related_pid = c.mother AND r.kind = 'mother'
           JOIN persons p ON p.pid = r.pid AND p.birth_date = c.birth
           ORDER BY c.i, p.pid`,
    values: [i, mothers, births],
  };
}

const isoOf = (yyyymmdd: number) => {
  const s = String(yyyymmdd);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
};

export function recordedMothersSql(pids: string[]): Sql {
  return {
    text: `SELECT r.pid, r.related_pid AS mother FROM person_relations r WHERE r.pid = ANY($1::text[]) AND r.kind = 'mother'`,
    values: [pids],
  };
}

/**
 * Re-decides the children of birth certificates from what the register says of their mothers;
 * changes `decisions` in place.
 * - The mother linked: the child is her child born that day, or a new person. The model's pick
 *   of someone else goes to review, unless every candidate it weighed is recorded as another
 *   woman's child: then the child is new (`child-of-another-mother`).
 * - The mother new (not in the register): no registered child is hers, so a candidate recorded
 *   with a mother is someone else's child; when all are, the child is new.
 * Candidates without a recorded mother keep the model's doubt: the register may lack the link.
 */
export async function decideChildren({ client, records, staged, decisions, model, thresholds, exclude }: FamilyPassContext): Promise<void> {
  const motherOf = new Map<number, number>(); // record index → staged index of its mother
  staged.forEach((s, i) => {
    if (s.role === 'mother' && records[s.rec].feed === 'birth') motherOf.set(s.rec, i);
  });
  const is: number[] = [], mothers: string[] = [], births: string[] = [];
  const doubtful: { i: number; mother: string | null }[] = []; // children the model linked or sent to review
  staged.forEach((s, i) => {
    if (s.role !== 'child' || records[s.rec].feed !== 'birth') return;
    const m = motherOf.get(s.rec);
    const mother = m === undefined ? null : decisions[m];
    if (mother?.status === 'linked' && mother.pid && s.prepared.birth) {
      is.push(i);
      mothers.push(mother.pid);
      births.push(isoOf(s.prepared.birth));
    } else if (mother?.status === 'new' && decisions[i].status !== 'new') {
      doubtful.push({ i, mother: null });
    }
  });
  if (!is.length && !doubtful.length) return;

  const found = new Map<number, { pid: string; row: PersonMatchRow }[]>();
  if (is.length) {
    const { rows } = await client.query<PersonMatchRow & { i: number; pid: string }>(childrenOfMothersSql(is, mothers, births));
    for (const r of notOwn(rows, exclude)) {
      const list = found.get(r.i) ?? [];
      list.push({ pid: r.pid, row: r });
      found.set(r.i, list);
    }
  }
  is.forEach((i, k) => {
    const child = staged[i].prepared;
    const candidates = (found.get(i) ?? [])
      .map((c) => ({ pid: c.pid, person: preparePerson(c.row) }))
      // A stated sex or name that disagrees makes it the sibling (a twin), not this child.
      .filter((c) => !(child.sex && c.person.sex && child.sex !== c.person.sex))
      .filter((c) => !(child.name && c.person.name && compareNames(child.name, c.person.name) === NAME_DIFFERS));
    const current = decisions[i];
    if (candidates.length === 0) {
      if (current.status !== 'new') doubtful.push({ i, mother: mothers[k] });
      return;
    }
    const d = linkRecord(model, child, candidates, { thresholds });
    decisions[i] = candidates.length === 1
      ? withRule(d, 'linked', 'child-of-linked-mother', candidates[0].pid)
      : withRule(d, 'review', 'child-of-linked-mother');
  });
  if (!doubtful.length) return;

  // Whom the register records as the mother of each candidate the model weighed.
  const pids = [...new Set(doubtful.flatMap(({ i }) => decisions[i].explanation.candidates.map((c) => c.pid)))];
  const recorded = new Map<string, string>();
  if (pids.length) for (const r of (await client.query<{ pid: string; mother: string }>(recordedMothersSql(pids))).rows) recorded.set(r.pid, r.mother);
  for (const { i, mother } of doubtful) {
    const current = decisions[i];
    const others = current.explanation.candidates.length > 0 && current.explanation.candidates.every((c) => {
      const m = recorded.get(c.pid);
      return m !== undefined && m !== mother;
    });
    if (others) decisions[i] = withRule(current, 'new', 'child-of-another-mother');
    else if (current.status === 'linked' && mother) decisions[i] = withRule(current, 'review', 'not-a-child-of-linked-mother');
  }
}

export function spousesOfSql(i: number[], anchors: string[]): Sql {
  return {
    text: `SELECT c.i, p.pid, p.id_number, p.name, p.name_norm, p.name_pinyin, p.sex, p.birth_date, p.hukou_division, p.residence_division, p.phone
           FROM unnest($1::integer[], $2::text[]) AS c (i, anchor)
           JOIN person_relations r ON r.pid = c.anchor AND r.kind = 'spouse'
           JOIN persons p ON p.pid = r.related_pid
           ORDER BY c.i`,
    values: [i, anchors],
  };
}

const MARRIAGE_ENDS = new Set(['divorce', 'annulment', 'reissue']);

/** Settles doubtful fathers and parties of a marriage's end as the linked partner's registered spouse. */
export async function decideSpouses({ client, records, staged, decisions, model, thresholds, exclude }: FamilyPassContext): Promise<void> {
  const byRecordRole = new Map<string, number>();
  staged.forEach((s, i) => byRecordRole.set(`${s.rec}/${s.role}`, i));
  const is: number[] = [], anchors: string[] = [];
  const rules = new Map<number, 'spouse-of-linked-mother' | 'spouse-of-linked-party'>();
  staged.forEach((s, i) => {
    if (decisions[i].status === 'linked') return;
    const r = records[s.rec];
    let anchorRole: string | null = null;
    if (r.feed === 'birth' && s.role === 'father') anchorRole = 'mother';
    else if (r.feed === 'marriage' && MARRIAGE_ENDS.has((r.record as MarriageRecord).kind)) anchorRole = s.role === 'party1' ? 'party2' : 'party1';
    const a = anchorRole === null ? undefined : byRecordRole.get(`${s.rec}/${anchorRole}`);
    const anchor = a === undefined ? null : decisions[a];
    if (anchor?.status !== 'linked' || !anchor.pid) return;
    is.push(i);
    anchors.push(anchor.pid);
    rules.set(i, r.feed === 'birth' ? 'spouse-of-linked-mother' : 'spouse-of-linked-party');
  });
  if (!is.length) return;
  const { rows } = await client.query<PersonMatchRow & { i: number; pid: string }>(spousesOfSql(is, anchors));
  for (const row of notOwn(rows, exclude)) {
    const i = row.i;
    const me = staged[i].prepared;
    const spouse = preparePerson(row);
    // The record must name him (or her), and nothing it states may contradict the register.
    if (!me.name || !spouse.name || compareNames(me.name, spouse.name) === NAME_DIFFERS) continue;
    if (me.sex && spouse.sex && me.sex !== spouse.sex) continue;
    if (compareIds(me.id, spouse.id) === ID_DIFFERS || compareDates(me.birth, spouse.birth) === DATE_DIFFERS) continue;
    const d = linkRecord(model, me, [{ pid: row.pid, person: spouse }], { thresholds });
    decisions[i] = withRule(d, 'linked', rules.get(i)!, row.pid);
  }
}

/**
 * Children created from certificates, born that day, of that sex, living in the registration's
 * township (or county, when the registration names no finer division); at most 20 per
 * registration — more would be review anyway.
 */
/**
 * The surnames of a child's father and mother (columns father_surname, mother_surname). With no
 * father on record, the mother's registered husband stands in: a certificate often leaves the
 * father out, and the child then bears his surname as often as not.
 */
export function parentSurnamesSql(child: string, when = 'true'): string {
  const parent = (kind: string) =>
    `SELECT left(pp.name_norm, 1) FROM person_relations r JOIN persons pp ON pp.pid = r.related_pid WHERE r.pid = ${child}.pid AND r.kind = '${kind}' LIMIT 1`;
  const husband = `SELECT left(h.name_norm, 1) FROM person_relations m JOIN person_relations s ON s.pid = m.related_pid AND s.kind = 'spouse'
                   JOIN persons h ON h.pid = s.related_pid WHERE m.pid = ${child}.pid AND m.kind = 'mother' LIMIT 1`;
  return `CASE WHEN ${when} THEN COALESCE((${parent('father')}), (${husband})) END AS father_surname,
          CASE WHEN ${when} THEN (${parent('mother')}) END AS mother_surname`;
}

export function createdNewbornsSql(i: number[], births: string[], sexes: number[], places: string[]): Sql {
  return {
    // MATERIALIZED fixes the order (dates → persons born then → created ones → registrations),
    // whatever the statistics of link_created_persons say right after a batch created thousands.
    text: `WITH c AS MATERIALIZED (SELECT * FROM unnest($1::integer[], $2::date[], $3::smallint[], $4::text[]) AS c (i, birth, sex, place)),
                born AS MATERIALIZED (SELECT x.* FROM (SELECT DISTINCT birth FROM c) d
                         CROSS JOIN LATERAL (
                           SELECT p.pid, p.id_number, p.name, p.name_norm, p.name_pinyin, p.sex, p.birth_date, p.hukou_division, p.residence_division, p.phone
                           FROM persons p WHERE p.birth_date = d.birth AND p.birth_date IS NOT NULL LIMIT 100000) x),
                kids AS MATERIALIZED (SELECT born.* FROM born
                         WHERE EXISTS (SELECT 1 FROM link_created_persons lc WHERE lc.pid = born.pid AND lc.feed = 'birth' AND lc.role = 'child'))
           SELECT ranked.*,
                  ${parentSurnamesSql('ranked')}
           FROM (
             SELECT c.i, kids.*, row_number() OVER (PARTITION BY c.i ORDER BY kids.pid) AS k
             FROM c JOIN kids ON kids.birth_date = c.birth AND left(kids.residence_division, length(c.place)) = c.place
                              AND (c.sex = 0 OR kids.sex NOT IN (1, 2) OR kids.sex = c.sex)) ranked
           WHERE k <= 20 ORDER BY i, pid`,
    values: [i, births, sexes, places],
  };
}

/** Settles doubtful household birth registrations against the newborns created from birth certificates. */
export async function decideNewbornRegistrations({ client, records, staged, decisions, model, thresholds, exclude }: FamilyPassContext): Promise<void> {
  const is: number[] = [], births: string[] = [], sexes: number[] = [], places: string[] = [];
  staged.forEach((s, i) => {
    const r = records[s.rec];
    if (r.feed !== 'household' || (r.record as HouseholdRecord).type !== 'birth' || decisions[i].status === 'linked') return;
    const division = s.prepared.divisions.find((d) => d.length >= 6);
    if (!s.prepared.birth || !division) return;
    is.push(i);
    births.push(isoOf(s.prepared.birth));
    sexes.push(s.prepared.sex);
    places.push(division.slice(0, division.length >= 9 ? 9 : 6));
  });
  if (!is.length) return;
  type Kid = PersonMatchRow & { i: number; pid: string; father_surname: string | null; mother_surname: string | null };
  const found = new Map<number, Kid[]>();
  for (const r of notOwn((await client.query<Kid>(createdNewbornsSql(is, births, sexes, places))).rows, exclude)) found.set(r.i, [...(found.get(r.i) ?? []), r]);
  for (const i of is) {
    const me = staged[i].prepared;
    const surname = registeredSurname(me.name, (records[staged[i].rec].record as HouseholdRecord).ethnicity);
    const eligible = (found.get(i) ?? [])
      // A registered name carries a parent's surname: another family's baby of that day rarely does.
      .filter((k) => !surname || !(k.father_surname || k.mother_surname) || k.father_surname === surname || k.mother_surname === surname)
      .map((k) => ({ pid: k.pid, person: preparePerson(k) }))
      .filter((c) => !(me.sex && c.person.sex && me.sex !== c.person.sex))
      .filter((c) => !(me.name && c.person.name && compareNames(me.name, c.person.name) === NAME_DIFFERS))
      .filter((c) => compareIds(me.id, c.person.id) !== ID_DIFFERS);
    // Only where the family lives: a child born elsewhere is registered here too, and another
    // family's newborn of that day in the same township is not evidence enough.
    const here = eligible.filter((c) => compareDivisions(me.divisions, c.person.divisions, me.divisionNumbers, c.person.divisionNumbers) === DIVISION_VILLAGE);
    if (!here.length) continue;
    const d = linkRecord(model, me, here, { thresholds });
    decisions[i] = here.length === 1 ? withRule(d, 'linked', 'newborn-registration', here[0].pid) : withRule(d, 'review', 'newborn-registration');
  }
}

/** The persons' registration, spouse and (for those in `withParents` only: it costs) their parents' surnames. */
export function registrationStateSql(pids: string[], withParents: string[]): Sql {
  return {
    text: `SELECT p.pid, p.id_number, p.name, p.name_norm, p.name_pinyin, p.sex, p.birth_date, p.hukou_division, p.residence_division, p.phone,
                  p.status, p.marital_status,
                  ARRAY(SELECT r.related_pid FROM person_relations r WHERE r.pid = p.pid AND r.kind = 'spouse') AS spouses,
                  ${parentSurnamesSql('p', 'p.pid = ANY($2::text[])')}
           FROM persons p WHERE p.pid = ANY($1::text[])`,
    values: [pids, withParents],
  };
}

export function earlierLinksSql(agencies: string[], feeds: string[], recordIds: string[]): Sql {
  return {
    text: `SELECT DISTINCT r.agency, r.feed, r.record_id, r.pid FROM unnest($1::text[], $2::text[], $3::text[]) AS x (agency, feed, record_id)
           JOIN link_results r ON r.agency = x.agency AND r.feed = x.feed AND r.record_id = x.record_id AND r.pid IS NOT NULL`,
    values: [agencies, feeds, recordIds],
  };
}

/**
 * The surname a household birth registration gives the child, when it can be held against the
 * parents': a Han name (GB 3304 code 01, or none given) written without a separator. Uyghur,
 * Tibetan or Mongolian names have no family name (帕提古丽·吐尔逊 bears her father's given name),
 * and a name with a separator is such a name whatever the ethnicity field says.
 */
export function registeredSurname(name: PreparedRecord['name'], ethnicity: string | null): string | null {
  if (!name?.surnameLength || name.parts.length > 1 || (ethnicity !== null && ethnicity !== '01')) return null;
  return name.norm[0];
}

const countyOf = (division: string | null | undefined) => (division && division.length >= 6 ? division.slice(0, 6) : null);
/**
 * Whether a division lies in an area a record names by a six-digit code, however coarse: a
 * county (430124), a city (430100: its districts and counties 4301…) or a province (430000).
 */
const inArea = (division: string | null | undefined, area: string) => !!division && division.startsWith(area.slice(0, 6).replace(/(00)+$/, ''));

type StateRow = PersonMatchRow & {
  pid: string; status: number; marital_status: string | null; spouses: string[]; father_surname: string | null; mother_surname: string | null;
};

type EventRule = 'registered-here-already' | 'registered-in-another-county' | 'married-to-another' | 'child-of-another-family';

/** A person's decision to check against the event: which candidates its record rules out. */
interface EventCheck {
  i: number;
  rule: EventRule;
  contradicts: (p: StateRow) => boolean;
  /** The rule of a new decision when it depends on the candidate ruled out (default: rule). */
  ruleFor?: (p: StateRow) => EventRule;
  /** The check reads the candidates' parents. */
  parents?: boolean;
}

/**
 * A decision the event checks look at: not new, not a family rule's, and not a verified ID
 * number with the birth date (the record's own number is never ruled out).
 */
const checkable = (d: LinkDecision) => d.status !== 'new' && !FAMILY_RULES.has(d.rule) && d.rule !== 'verified-id-and-birth-date';

/**
 * The checks a batch's persons get, by their record's event:
 * - a household move-in from another county registers someone whose registration was there: a
 *   candidate the register holds as a resident of the destination county (status 1, registered
 *   there, not living in the county the record names as the origin — that one may be coming
 *   back) is someone else, however alike;
 * - a wedding is registered between two people who are not married: a candidate married (20) to
 *   someone other than the record's other party is someone else;
 * - a household birth registration names the child with a parent's surname: a candidate whose
 *   father and mother are both on record and neither bears it is another family's child (with
 *   one parent on record the child may bear the other's).
 */
function eventChecks(records: readonly SourceRecord[], staged: readonly StagedPerson[], decisions: readonly LinkDecision[]): EventCheck[] {
  const byRecordRole = new Map<string, number>();
  staged.forEach((s, i) => byRecordRole.set(`${s.rec}\u0000${s.role}`, i));
  const checks: EventCheck[] = [];
  staged.forEach((s, i) => {
    const source = records[s.rec];
    if (!checkable(decisions[i])) return;
    if (source.feed === 'household') {
      const r = source.record as HouseholdRecord;
      const county = countyOf(r.toDivision ?? r.hukouDivision);
      const from = countyOf(r.fromDivision);
      if (r.type === 'move_in' && county && from && from !== county) {
        const origin = r.fromDivision!;
        const hereAlready = (p: StateRow) => countyOf(p.hukou_division) === county && !inArea(p.residence_division, origin);
        const elsewhere = (p: StateRow) => !!countyOf(p.hukou_division) && countyOf(p.hukou_division) !== county && !inArea(p.hukou_division, origin);
        checks.push({
          i, rule: 'registered-here-already',
          contradicts: (p) => Number(p.status) === 1 && (hereAlready(p) || elsewhere(p)),
          ruleFor: (p) => (hereAlready(p) ? 'registered-here-already' : 'registered-in-another-county'),
        });
      } else if (r.type === 'birth') {
        const surname = registeredSurname(s.prepared.name, r.ethnicity);
        if (surname) {
          checks.push({
            i, rule: 'child-of-another-family', parents: true,
            contradicts: (p) => !!p.father_surname && !!p.mother_surname && p.father_surname !== surname && p.mother_surname !== surname,
          });
        }
      }
    } else if (source.feed === 'marriage' && (source.record as MarriageRecord).kind === 'marriage') {
      const o = byRecordRole.get(`${s.rec}\u0000${s.role === 'party1' ? 'party2' : 'party1'}`);
      const other = o === undefined ? null : decisions[o];
      const otherPid = other?.status === 'linked' ? other.pid : null;
      checks.push({
        i, rule: 'married-to-another',
        contradicts: (p) => p.marital_status === '20' && !(otherPid && p.spouses.includes(otherPid)),
      });
    }
  });
  return checks;
}

/**
 * Checks against the event: candidates the record's own event rules out (`eventChecks`) are set
 * aside and the person decided among the others the model weighed — none left, the person is
 * new under the check's rule. Two things outweigh the register, which may be behind: the
 * record's own ID number on the candidate (but for a typing error), and a link an earlier
 * version of the same record made (its event is that record's own doing).
 */
export async function checkEvents({ client, records, staged, decisions, model, thresholds }: FamilyPassContext): Promise<void> {
  const checks = eventChecks(records, staged, decisions);
  if (!checks.length) return;
  // A link stands unless its own person is ruled out: only that one is looked up first; the
  // others the model weighed are fetched for the few whose link falls.
  const state = new Map<string, StateRow>();
  const fetchState = async (list: readonly EventCheck[], all: (c: EventCheck) => boolean) => {
    const pids = new Set<string>(), withParents = new Set<string>();
    for (const c of list) {
      const d = decisions[c.i];
      for (const pid of all(c) ? d.explanation.candidates.map((x) => x.pid) : [d.pid!]) {
        if (state.has(pid)) continue;
        pids.add(pid);
        if (c.parents) withParents.add(pid);
      }
    }
    if (!pids.size) return;
    for (const r of (await client.query<StateRow>(registrationStateSql([...pids], [...withParents]))).rows) state.set(r.pid, r);
  };
  await fetchState(checks, (c) => decisions[c.i].status !== 'linked');
  // Contradicted by the register — unless the record's own ID number (but for a typing error) is
  // the person's: that outweighs a register that may be behind.
  const contradicted = (c: EventCheck, pid: string) => {
    const p = state.get(pid);
    if (!p || !c.contradicts(p)) return false;
    const id = compareIds(staged[c.i].prepared.id, preparePerson(p).id);
    return id !== ID_EXACT && id !== ID_ONE_EDIT;
  };
  const looked = (c: EventCheck) => (decisions[c.i].status === 'linked' ? [decisions[c.i].pid!] : decisions[c.i].explanation.candidates.map((x) => x.pid));
  let doubted = checks.filter((c) => looked(c).some((pid) => contradicted(c, pid)));
  if (!doubted.length) return;
  // …and unless an earlier version of the same record linked them: its event is that record's doing.
  const keyOf = (i: number) => {
    const r = records[staged[i].rec];
    return `${r.agency}\u0000${r.feed}\u0000${r.recordId}`;
  };
  const own = new Set<string>();
  const sources = doubted.map((c) => records[staged[c.i].rec]);
  const earlier = earlierLinksSql(sources.map((r) => r.agency), sources.map((r) => r.feed), sources.map((r) => r.recordId));
  for (const r of (await client.query<{ agency: string; feed: string; record_id: string; pid: string }>(earlier)).rows) {
    own.add(`${r.agency}\u0000${r.feed}\u0000${r.record_id}\u0000${r.pid}`);
  }
  const ruledOut = (c: EventCheck, pid: string) => contradicted(c, pid) && !own.has(`${keyOf(c.i)}\u0000${pid}`);
  doubted = doubted.filter((c) => looked(c).some((pid) => ruledOut(c, pid)));
  await fetchState(doubted.filter((c) => decisions[c.i].status === 'linked'), () => true);
  for (const c of doubted) {
    const { i } = c;
    const current = decisions[i];
    const me = staged[i].prepared;
    const shown = current.explanation.candidates.map((x) => x.pid);
    const others = shown.filter((pid) => !ruledOut(c, pid) && state.has(pid));
    if (others.length === shown.length) continue;
    const firstOut = state.get(shown.find((pid) => ruledOut(c, pid))!);
    const rule = c.ruleFor && firstOut ? c.ruleFor(firstOut) : c.rule;
    if (!others.length) {
      decisions[i] = withRule(current, 'new', rule);
      continue;
    }
    const d = linkRecord(model, me, others.map((pid) => ({ pid, person: preparePerson(state.get(pid)!) })), { thresholds });
    decisions[i] = d.status === 'linked' ? withRule(d, 'linked', d.rule) : withRule(d, d.status, rule);
  }
}

/** Rules the family passes set: their decisions are not revisited by the event checks. */
const FAMILY_RULES: ReadonlySet<string> = new Set(['newborn-registration', 'child-of-linked-mother', 'spouse-of-linked-mother', 'spouse-of-linked-party']);

/** Every decision within the family, from earlier reports and against the event, in order. */
export async function decideWithinFamilies(ctx: FamilyPassContext): Promise<void> {
  for (const pass of [decideSpouses, decideChildren, decideNewbornRegistrations, decideFromProperty, checkEvents]) await pass(ctx);
}
