// A housing department reports the residents of its properties every month, and a resident's ID
// number is often missing from one report and present in another. The person an earlier report
// of the same property named — linked by an ID number, a phone or a clerk — is the person a later
// report of that property names, when the names agree: a month's doubt is settled by the months
// before it, and a clerk decides a resident once, not every month.
//
// A report also lists the family living at a property together, and a resident named without an
// ID number, phone or birth date is, among the register's same-named persons, the one who is a
// relative of a resident linked there: a 王伟 of the village may be one of three, but only one
// is the linked 李娜's husband.
import type { FamilyPassContext } from './family-pass.js';
import { verifiedIdsDiffer } from './id-compare.js';
import { linkRecord } from './link-batch.js';
import { withRule } from './link-decision.js';
import { compareNames, NAME_EXACT, NAME_PINYIN } from './name-similarity.js';
import { compareDates, DATE_DIFFERS } from './date-compare.js';
import { notOwn, preparePerson, type PersonMatchRow, type PreparedRecord } from './record.js';
import type { HousingRecord } from '../adapters/index.js';
import type { SourceRecord, StagedPerson } from './stage-records.js';
import type { Sql } from './sql/sql.js';

/** The persons earlier records of the same agency's properties were linked to (current versions). */
export function earlierOccupantsSql(i: number[], agencies: string[], properties: string[], recordIds: string[]): Sql {
  return {
    text: `SELECT DISTINCT x.i, r.pid, p.id_number, p.name, p.name_norm, p.name_pinyin, p.sex, p.birth_date, p.hukou_division, p.residence_division, p.phone
           FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[]) AS x (i, agency, property, record_id)
           -- A probe of the property index per record (LIMIT keeps the planner from hashing every
           -- housing record: it cannot tell how rare a property is).
           CROSS JOIN LATERAL (SELECT f.agency, f.feed, f.record_id, f.version FROM feed_records f
                               WHERE f.agency = x.agency AND f.feed = 'housing' AND (f.record->>'propertyId') = x.property
                                 AND f.record_id <> x.record_id LIMIT 100) f
           JOIN link_results r ON r.agency = f.agency AND r.feed = f.feed AND r.record_id = f.record_id AND r.version = f.version
                              AND r.role = 'subject' AND r.status = 'linked'
           JOIN persons p ON p.pid = r.pid
           ORDER BY x.i, r.pid`,
    values: [i, agencies, properties, recordIds],
  };
}

/**
 * Settles the undecided (review, new) subjects of housing records from their property: the
 * person an earlier report of it named (decideFromEarlierReports), then a relative of someone
 * linked there (decideFromRelatives). Links are never overruled.
 */
export async function decideFromProperty(ctx: FamilyPassContext): Promise<void> {
  const { client, records, staged, decisions } = ctx;
  const undecided = (i: number) => {
    const source = records[staged[i].rec];
    return source.feed === 'housing' && decisions[i].status !== 'linked' && !!staged[i].prepared.name && !!(source.record as HousingRecord).propertyId;
  };
  const is = staged.map((_, i) => i).filter(undecided);
  if (!is.length) return;
  const sources = is.map((i) => records[staged[i].rec]);
  const earlier = new Map<number, (PersonMatchRow & { pid: string })[]>();
  const sql = earlierOccupantsSql(is, sources.map((r) => r.agency), sources.map((r) => (r.record as HousingRecord).propertyId!), sources.map((r) => r.recordId));
  for (const r of notOwn((await client.query<PersonMatchRow & { i: number; pid: string }>(sql)).rows, ctx.exclude)) earlier.set(r.i, [...(earlier.get(r.i) ?? []), r]);
  decideFromEarlierReports(ctx, earlier);
  // A relative linked makes an anchor for the others of the property (a grandmother found
  // through her son): those are looked at again.
  let open = is.filter(undecided);
  for (let round = 0; round < 3 && open.length; round++) {
    const changed = await decideFromRelatives(ctx, earlier, open);
    open = open.filter((i) => undecided(i) && changed.has(propertyKey(records[staged[i].rec])));
  }
}

const propertyKey = (r: SourceRecord) => `${r.agency}\u0000${(r.record as HousingRecord).propertyId ?? ''}`;

/** Whom a resident of a property may be, on a name and nothing that contradicts the record. */
function sameName(me: PreparedRecord, them: PreparedRecord): boolean {
  const level = compareNames(me.name, them.name);
  return level >= NAME_EXACT && level <= NAME_PINYIN && !verifiedIdsDiffer(me.id, them.id) && compareDates(me.birth, them.birth) !== DATE_DIFFERS;
}

/**
 * Links to the one person an earlier record of the same property was linked to whose name agrees
 * (the same, or the same but for the written form or a homophone), and whose verified ID number
 * does not differ (`same-property-earlier-report`). Two such persons (two 王伟 at one address):
 * left as decided.
 */
function decideFromEarlierReports({ staged, decisions, model, thresholds }: FamilyPassContext, earlier: Map<number, (PersonMatchRow & { pid: string })[]>): void {
  for (const [i, occupants] of earlier) {
    const me = staged[i].prepared;
    const same = occupants.map((o) => ({ pid: o.pid, person: preparePerson(o) })).filter((c) => sameName(me, c.person));
    if (same.length !== 1) continue;
    const d = linkRecord(model, me, same, { thresholds });
    decisions[i] = withRule(d, 'linked', 'same-property-earlier-report', same[0].pid);
  }
}

/** More persons linked at one property than a family has: the relatives rule does not apply there. */
export const MAX_HOUSEHOLD = 12;

/**
 * The register's relatives (within two steps: spouse, parents, children, siblings, grandparents,
 * grandchildren, in-laws) of each anchor, living or moved away, not dead.
 */
export function relativesOfSql(i: number[], anchors: string[]): Sql {
  return {
    // Probes of the two relation indexes per person (LATERAL: the planner cannot tell how few
    // anchors there are, and would hash the whole relation table).
    text: `WITH a AS MATERIALIZED (SELECT DISTINCT * FROM unnest($1::integer[], $2::text[]) AS a (i, anchor)),
           near AS MATERIALIZED (
             SELECT a.i, n.pid FROM a CROSS JOIN LATERAL (
               SELECT r.related_pid AS pid FROM person_relations r WHERE r.pid = a.anchor
               UNION ALL SELECT r.pid FROM person_relations r WHERE r.related_pid = a.anchor) n),
           far AS (
             SELECT n.i, f.pid FROM (SELECT DISTINCT i, pid FROM near) n CROSS JOIN LATERAL (
               SELECT r.related_pid AS pid FROM person_relations r WHERE r.pid = n.pid
               UNION ALL SELECT r.pid FROM person_relations r WHERE r.related_pid = n.pid) f),
           kin AS (SELECT i, pid FROM near UNION SELECT i, pid FROM far)
           SELECT kin.i, p.pid, p.id_number, p.name, p.name_norm, p.name_pinyin, p.sex, p.birth_date, p.hukou_division, p.residence_division, p.phone
           FROM kin JOIN persons p ON p.pid = kin.pid AND p.status <> 2
           ORDER BY kin.i, p.pid`,
    values: [i, anchors],
  };
}

/**
 * Links the undecided subjects of housing records to the one relative, by the register, of a
 * person linked at the same property — in this report or an earlier one — whose name agrees
 * and whom nothing in the record contradicts (`relative-at-same-property`). A person another
 * record of the report was linked to is that record's, not a candidate. Returns the properties
 * where a decision changed.
 */
async function decideFromRelatives(
  { client, records, staged, decisions, model, thresholds, exclude }: FamilyPassContext,
  earlier: Map<number, (PersonMatchRow & { pid: string })[]>,
  is: number[],
): Promise<Set<string>> {
  const propertyOf = (i: number) => (records[staged[i].rec].feed === 'housing' ? propertyKey(records[staged[i].rec]) : null);
  const wanted = new Set(is.map(propertyOf));
  const linkedAt = new Map<string, Set<string>>(); // property → persons this report's records there were linked to
  staged.forEach((_, i) => {
    const key = propertyOf(i);
    if (key === null || !wanted.has(key) || decisions[i].status !== 'linked' || !decisions[i].pid) return;
    linkedAt.set(key, (linkedAt.get(key) ?? new Set()).add(decisions[i].pid!));
  });
  const ii: number[] = [], anchors: string[] = [];
  for (const i of is) {
    const mine = new Set([...(linkedAt.get(propertyOf(i)!) ?? []), ...(earlier.get(i) ?? []).map((o) => o.pid)]);
    // A dormitory or a care home is not a family: its residents' relatives are no evidence (and
    // would be many).
    if (mine.size > MAX_HOUSEHOLD) continue;
    for (const pid of mine) {
      ii.push(i);
      anchors.push(pid);
    }
  }
  const changed = new Set<string>();
  if (!ii.length) return changed;
  const kin = new Map<number, Map<string, PersonMatchRow>>();
  for (const r of notOwn((await client.query<PersonMatchRow & { i: number; pid: string }>(relativesOfSql(ii, anchors))).rows, exclude)) {
    kin.set(r.i, (kin.get(r.i) ?? new Map()).set(r.pid, r));
  }
  for (const [i, relatives] of kin) {
    const me = staged[i].prepared;
    const taken = linkedAt.get(propertyOf(i)!);
    const same = [...relatives]
      .filter(([pid]) => !taken?.has(pid))
      .map(([pid, row]) => ({ pid, person: preparePerson(row) }))
      .filter((c) => sameName(me, c.person));
    if (same.length !== 1) continue;
    const d = linkRecord(model, me, same, { thresholds });
    decisions[i] = withRule(d, 'linked', 'relative-at-same-property', same[0].pid);
    changed.add(propertyOf(i)!);
  }
  return changed;
}
