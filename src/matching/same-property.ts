// A housing department reports the residents of its properties every month, and a resident's ID
// number is often missing from one report and present in another. The person an earlier report
// of the same property named — linked by an ID number, a phone or a clerk — is the person a later
// report of that property names, when the names agree: a month's doubt is settled by the months
// before it, and a clerk decides a resident once, not every month.
import type { FamilyPassContext } from './family-pass.js';
import { verifiedIdsDiffer } from './id-compare.js';
import { linkRecord } from './link-batch.js';
import { withRule, type LinkDecision } from './link-decision.js';
import { compareNames, NAME_EXACT, NAME_PINYIN } from './name-similarity.js';
import { preparePerson, type PersonMatchRow } from './record.js';
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
 * Links the undecided (review, new) subjects of housing records to the one person an earlier
 * record of the same property was linked to whose name agrees (the same, or the same but for
 * the written form or a homophone), and whose verified ID number does not differ
 * (`same-property-earlier-report`). Two such persons (two 王伟 at one address): left as decided.
 */
export async function decideFromEarlierReports({ client, records, staged, decisions, model, thresholds }: FamilyPassContext): Promise<void> {
  const is: number[] = [], agencies: string[] = [], properties: string[] = [], recordIds: string[] = [];
  staged.forEach((s, i) => {
    const source = records[s.rec];
    if (source.feed !== 'housing' || decisions[i].status === 'linked' || !s.prepared.name) return;
    const property = (source.record as HousingRecord).propertyId;
    if (!property) return;
    is.push(i);
    agencies.push(source.agency);
    properties.push(property);
    recordIds.push(source.recordId);
  });
  if (!is.length) return;
  const found = new Map<number, (PersonMatchRow & { pid: string })[]>();
  const { rows } = await client.query<PersonMatchRow & { i: number; pid: string }>(earlierOccupantsSql(is, agencies, properties, recordIds));
  for (const r of rows) found.set(r.i, [...(found.get(r.i) ?? []), r]);
  for (const [i, occupants] of found) {
    const me = staged[i].prepared;
    const same = occupants
      .map((o) => ({ pid: o.pid, person: preparePerson(o) }))
      .filter((c) => {
        const level = compareNames(me.name, c.person.name);
        return level >= NAME_EXACT && level <= NAME_PINYIN && !verifiedIdsDiffer(me.id, c.person.id);
      });
    if (same.length !== 1) continue;
    const d = linkRecord(model, me, same, { thresholds });
    decisions[i] = withRule(d, 'linked', 'same-property-earlier-report', same[0].pid);
  }
}
