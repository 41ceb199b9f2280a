// The persons a canonical feed record names, each with the role of the link-results contract and
// what matching reads about them. Only resident ID numbers (document type 01) are compared: a
// passport number says nothing about a 居民身份证 number.
import type {
  BirthRecord, CanonicalRecords, FeedKind, HouseholdRecord, HousingRecord, MarriageRecord, PersonRef, PersonRole, PrenatalRecord,
} from '../adapters/index.js';
import type { MatchInput } from './record.js';

export interface RolePerson {
  role: PersonRole;
  input: MatchInput;
  /**
   * Where to look for the person by name when the record gives no birth date (blocking rule
   * pinyin_residence): a division code prefix, or null.
   */
  lookIn: string | null;
}

const residentId = (p: PersonRef): string | null => (p.idType === '01' || (p.idType === null && p.idNumber) ? p.idNumber : null);

function personInput(p: PersonRef, extra: Partial<MatchInput> = {}): MatchInput {
  return { idNumber: residentId(p), name: p.name, sex: p.sex, birthDate: p.birthDate, ...extra };
}

const nonNull = (xs: (string | null | undefined)[]): string[] => xs.filter((x): x is string => !!x);
const county = (d: string | null): string | null => (d && d.length >= 6 ? d.slice(0, 6) : null);

type Extractor<K extends FeedKind> = (r: CanonicalRecords[K]) => RolePerson[];

const EXTRACT: { [K in FeedKind]: Extractor<K> } = {
  prenatal: (r: PrenatalRecord) => [
    { role: 'subject', input: personInput(r.subject, { divisions: nonNull([r.residenceDivision]), phone: r.phone }), lookIn: r.residenceDivision },
  ],
  birth: (r: BirthRecord) => {
    const divisions = nonNull([r.birthDivision]);
    // Parents are looked for in the county of the birth place: hospitals serve the whole county.
    const out: RolePerson[] = [
      { role: 'child', input: personInput(r.child, { divisions }), lookIn: r.birthDivision },
      { role: 'mother', input: personInput(r.mother, { divisions }), lookIn: county(r.birthDivision) },
    ];
    if (r.father) out.push({ role: 'father', input: personInput(r.father, { divisions }), lookIn: county(r.birthDivision) });
    return out;
  },
  household: (r: HouseholdRecord) => {
    // A correction carries the new values; the population database still holds the old ones.
    const id = r.type === 'correction' && r.previous?.idNumber ? r.previous.idNumber : residentId(r.subject);
    const name = r.type === 'correction' && r.previous?.name ? r.previous.name : r.subject.name;
    const divisions = nonNull([r.hukouDivision, r.fromDivision, r.toDivision]);
    const lookIn = r.type === 'move_in' ? (r.fromDivision ?? r.hukouDivision) : (r.hukouDivision ?? r.fromDivision ?? r.toDivision);
    return [{ role: 'subject', input: { idNumber: id, name, sex: r.subject.sex, birthDate: r.subject.birthDate, divisions }, lookIn }];
  },
  marriage: (r: MarriageRecord) => [
    { role: 'party1', input: personInput(r.party1), lookIn: null },
    { role: 'party2', input: personInput(r.party2), lookIn: null },
  ],
  housing: (r: HousingRecord) => [
    { role: 'subject', input: personInput(r.subject, { divisions: nonNull([r.division]), phone: r.phone }), lookIn: r.division || null },
  ],
};

export function personsOfRecord(feed: FeedKind, record: unknown): RolePerson[] {
  return (EXTRACT[feed] as Extractor<FeedKind>)(record as CanonicalRecords[FeedKind]);
}

/**
 * The record's own division: where the event happened or the person lives. It scopes the review
 * queue; a record without one (a marriage registration) falls back to the agency's division.
 */
export function recordDivision(feed: FeedKind, record: unknown): string | null {
  switch (feed) {
    case 'prenatal':
      return (record as PrenatalRecord).residenceDivision;
    case 'birth':
      return (record as BirthRecord).birthDivision;
    case 'household': {
      const r = record as HouseholdRecord;
      if (r.type === 'move_in') return r.toDivision ?? r.hukouDivision ?? r.fromDivision;
      if (r.type === 'move_out') return r.fromDivision ?? r.hukouDivision ?? r.toDivision;
      return r.hukouDivision ?? r.toDivision ?? r.fromDivision;
    }
    case 'marriage':
      return null;
    case 'housing':
      return (record as HousingRecord).division || null;
  }
}
