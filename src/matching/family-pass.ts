// Newborns on birth certificates are decided within their family, not among all babies born that
// day: a child often has no name yet, and two babies born on the same day in the same county
// look alike to any field comparison. When the certificate's mother is linked, the child is
// the mother's child born that day (registered earlier by the police, say) or a new person.
import type pg from 'pg';
import type { Thresholds } from './decide.js';
import type { Model } from './fellegi-sunter.js';
import { linkRecord } from './link-batch.js';
import { withRule, type LinkDecision } from './link-decision.js';
import { compareNames, NAME_DIFFERS } from './name-similarity.js';
import { preparePerson, type PersonMatchRow } from './record.js';
import type { SourceRecord, StagedPerson } from './stage-records.js';
import type { Sql } from './sql/sql.js';

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

/** Re-decides the children of birth records whose mother was linked; changes `decisions` in place. */
export async function decideChildren(
  client: pg.PoolClient,
  records: readonly SourceRecord[],
  staged: readonly StagedPerson[],
  decisions: LinkDecision[],
  model: Model,
  thresholds: Thresholds,
): Promise<void> {
  const motherOf = new Map<number, number>(); // record index → staged index of its mother
  staged.forEach((s, i) => {
    if (s.role === 'mother' && records[s.rec].feed === 'birth') motherOf.set(s.rec, i);
  });
  const is: number[] = [], mothers: string[] = [], births: string[] = [];
  staged.forEach((s, i) => {
    if (s.role !== 'child' || records[s.rec].feed !== 'birth' || !s.prepared.birth) return;
    const m = motherOf.get(s.rec);
    const mother = m === undefined ? null : decisions[m];
    if (mother?.status !== 'linked' || !mother.pid) return;
    is.push(i);
    mothers.push(mother.pid);
    births.push(isoOf(s.prepared.birth));
  });
  if (!is.length) return;

  const found = new Map<number, { pid: string; row: PersonMatchRow }[]>();
  const { rows } = await client.query<PersonMatchRow & { i: number; pid: string }>(childrenOfMothersSql(is, mothers, births));
  for (const r of rows) {
    const list = found.get(r.i) ?? [];
    list.push({ pid: r.pid, row: r });
    found.set(r.i, list);
  }
  for (const i of is) {
    const child = staged[i].prepared;
    const candidates = (found.get(i) ?? [])
      .map((c) => ({ pid: c.pid, person: preparePerson(c.row) }))
      // A stated sex or name that disagrees makes it the sibling (a twin), not this child.
      .filter((c) => !(child.sex && c.person.sex && child.sex !== c.person.sex))
      .filter((c) => !(child.name && c.person.name && compareNames(child.name, c.person.name) === NAME_DIFFERS));
    const current = decisions[i];
    if (candidates.length === 0) {
      if (current.status === 'linked') decisions[i] = withRule(current, 'review', 'not-a-child-of-linked-mother');
      continue;
    }
    const d = linkRecord(model, child, candidates, { thresholds });
    decisions[i] = candidates.length === 1
      ? withRule(d, 'linked', 'child-of-linked-mother', candidates[0].pid)
      : withRule(d, 'review', 'child-of-linked-mother');
  }
}
