// What each linked event changes in the population database, as data: a pure function of the
// feed, the role, the decision and the canonical record. apply-sql.ts carries the effects out
// set-based, with history. Keeping the event rules here, in one table-like place, makes them
// testable without a database and reviewable in one read.
import type {
  BirthRecord, FeedKind, HouseholdRecord, HousingRecord, MarriageRecord, PersonRef, PersonRole,
} from '../../adapters/index.js';
import type { LinkStatus } from '../decide.js';
import { nameForms } from '../name-cache.js';

/** Columns of persons an event may set (as stored: snake_case, codes as text or numbers). */
export interface PersonFields {
  id_number?: string;
  id_suspect?: boolean;
  name?: string;
  name_norm?: string;
  name_pinyin?: string;
  sex?: number;
  birth_date?: string;
  ethnicity?: string;
  hukou_division?: string;
  residence_division?: string;
  marital_status?: string;
  phone?: string;
  status?: number;
}

export const PERSON_FIELDS: readonly (keyof PersonFields)[] = [
  'id_number', 'id_suspect', 'name', 'name_norm', 'name_pinyin', 'sex', 'birth_date', 'ethnicity', 'hukou_division',
  'residence_division', 'marital_status', 'phone', 'status',
];

export type RelationKind = 'mother' | 'father' | 'spouse';

/** A family link between the persons of two roles of the same record: from[kind] = to. */
export interface RelationEffect {
  from: PersonRole;
  kind: RelationKind;
  to: PersonRole;
  /** set: replace; setIfAbsent: only where the person has none of that kind; remove: only if it points at `to`. */
  op: 'set' | 'setIfAbsent' | 'remove';
}

export interface Effect {
  /** update: the linked person; create: a new person for this record's role (a newborn, a registered migrant). */
  kind: 'update' | 'create';
  set: PersonFields;
  /** Only where the person has no value yet. */
  fill: PersonFields;
  /** create: live where this role's (linked) person lives — a newborn with its mother. */
  residenceOf?: PersonRole;
  relations: RelationEffect[];
  /** A death: a surviving spouse becomes widowed (marital status 30). */
  widowSpouse?: boolean;
}

const clean = (f: PersonFields): PersonFields => {
  for (const k of Object.keys(f) as (keyof PersonFields)[]) if (f[k] === null || f[k] === undefined || f[k] === '') delete f[k];
  return f;
};

function nameFields(name: string | null | undefined): PersonFields {
  if (!name) return {};
  const forms = nameForms(name);
  return { name, name_norm: forms.norm, name_pinyin: forms.pinyin };
}

function idFields(p: Pick<PersonRef, 'idNumber' | 'idType' | 'idSuspect'>): PersonFields {
  if (!p.idNumber || (p.idType !== null && p.idType !== '01')) return {};
  return { id_number: p.idNumber, id_suspect: p.idSuspect };
}

/** Identity a created person starts with: everything the record states about them. */
function identity(p: PersonRef): PersonFields {
  return clean({ ...idFields(p), ...nameFields(p.name), sex: p.sex ?? undefined, birth_date: p.birthDate ?? undefined });
}

const none = (): Effect => ({ kind: 'update', set: {}, fill: {}, relations: [] });

function birthEffect(r: BirthRecord, role: PersonRole, status: LinkStatus): Effect | null {
  const parents: RelationEffect[] = [
    { from: 'child', kind: 'mother', to: 'mother', op: 'setIfAbsent' },
    ...(r.father ? [{ from: 'child' as const, kind: 'father' as const, to: 'father' as const, op: 'setIfAbsent' as const }] : []),
  ];
  if (role === 'child') {
    if (status === 'linked') return { ...none(), relations: parents };
    const set = clean({ ...identity(r.child), marital_status: '10', status: 1, residence_division: r.birthDivision ?? undefined });
    // A newborn without a name yet is still a person: the name comes with the household registration.
    set.name ??= '';
    return { kind: 'create', set, fill: {}, residenceOf: 'mother', relations: parents };
  }
  if (status !== 'linked') return null;
  return { ...none(), relations: parents.filter((x) => x.to === role) };
}

function householdEffect(r: HouseholdRecord, status: LinkStatus): Effect | null {
  const p = r.subject;
  const ethnicity = r.ethnicity ?? undefined;
  switch (r.type) {
    case 'birth':
    case 'move_in': {
      const hukou = (r.type === 'move_in' ? (r.toDivision ?? r.hukouDivision) : (r.hukouDivision ?? r.toDivision)) ?? undefined;
      if (status === 'new') {
        return {
          kind: 'create',
          set: clean({ ...identity(p), ethnicity, hukou_division: hukou, residence_division: hukou, status: 1, marital_status: r.type === 'birth' ? '10' : undefined }),
          fill: {},
          relations: [],
        };
      }
      return { kind: 'update', set: clean({ hukou_division: hukou, status: 1 }), fill: clean({ ...identity(p), ethnicity }), relations: [] };
    }
    case 'move_out':
      return status === 'linked' ? { ...none(), set: clean({ status: 3, hukou_division: r.toDivision ?? undefined }) } : null;
    case 'death':
      return status === 'linked' ? { ...none(), set: { status: 2 }, widowSpouse: true } : null;
    case 'correction':
      // The subject carries the corrected values; matching found the person by the previous ones.
      return status === 'linked' ? { ...none(), set: clean({ ...identity(p), ethnicity }) } : null;
  }
}

/** Both directions from either party: the other may be decided later, by a clerk. */
const spouses = (a: PersonRole, b: PersonRole, op: RelationEffect['op']): RelationEffect[] => [
  { from: a, kind: 'spouse', to: b, op },
  { from: b, kind: 'spouse', to: a, op },
];

function marriageEffect(r: MarriageRecord, role: PersonRole, status: LinkStatus): Effect | null {
  if (status !== 'linked') return null;
  const other: PersonRole = role === 'party1' ? 'party2' : 'party1';
  switch (r.kind) {
    case 'marriage':
      return { ...none(), set: { marital_status: '20' }, relations: spouses(role, other, 'set') };
    case 'divorce':
      return { ...none(), set: { marital_status: '40' }, relations: spouses(role, other, 'remove') };
    case 'annulment':
      // A void marriage leaves the parties as they were before it: taken here as unmarried.
      return { ...none(), set: { marital_status: '10' }, relations: spouses(role, other, 'remove') };
    case 'reissue':
      return null; // a replacement certificate changes nothing
  }
}

function housingEffect(r: HousingRecord, status: LinkStatus): Effect | null {
  if (status !== 'linked') return null;
  // Living there now: the current residence. After moving out we do not know where they went.
  if (r.movedOut) return null;
  return { ...none(), set: clean({ residence_division: r.division }), fill: clean({ phone: r.phone ?? undefined }) };
}

/** The effect of one decided person of a record, or null when the event changes nothing. */
export function eventEffect(feed: FeedKind, role: PersonRole, status: LinkStatus, record: unknown): Effect | null {
  if (status === 'review') return null;
  switch (feed) {
    case 'prenatal': {
      const phone = (record as { phone: string | null }).phone;
      return status === 'linked' && phone ? { ...none(), fill: { phone } } : null;
    }
    case 'birth':
      return birthEffect(record as BirthRecord, role, status);
    case 'household':
      return householdEffect(record as HouseholdRecord, status);
    case 'marriage':
      return marriageEffect(record as MarriageRecord, role, status);
    case 'housing':
      return housingEffect(record as HousingRecord, status);
  }
}
