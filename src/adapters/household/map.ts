// A household-registration event → the canonical record: what happened to whom, when, where.
import { parseEthnicity } from '../../normalise/index.js';
import type { PersonRef } from '../types.js';
import { person, vocabulary, type FieldReader } from '../shared/field-reader.js';

export type HouseholdEventType = 'birth' | 'move_in' | 'move_out' | 'death' | 'correction';

export interface HouseholdRecord {
  recordId: string;
  type: HouseholdEventType;
  date: string;
  subject: PersonRef;
  /** GB 3304 code. */
  ethnicity: string | null;
  hukouDivision: string | null;
  fromDivision: string | null;
  toDivision: string | null;
  householdNo: string | null;
  relationToHead: string | null;
  /** For a correction: the identifiers before it. */
  previous: { idNumber: string | null; idSuspect: boolean; name: string | null } | null;
}

const TYPES = vocabulary<HouseholdEventType>({
  birth: ['出生登记', '出生'],
  move_in: ['迁入', '迁入登记', 'movein'],
  move_out: ['迁出', '迁出登记', 'moveout'],
  death: ['死亡注销', '死亡'],
  correction: ['变更更正', '变更', '更正'],
});

export function mapHousehold(f: FieldReader, recordId: string): HouseholdRecord {
  const type = f.oneOf('type', TYPES, 'UNKNOWN_TYPE', 'birth 出生登记, move_in 迁入, move_out 迁出, death 死亡注销, correction 变更更正', true);
  const date = f.date('date', true);

  const doc = f.document('person.idNumber', { residentOnly: true });
  const name = f.name('person.name', true);
  const sex = f.sex('person.sex');
  const birthDate = f.date('person.birthDate');
  f.crossCheck('person.idNumber', doc, { birthDate, birthField: 'person.birthDate', sex, sexSource: f.label('person.sex') });

  const hukouDivision = f.division('hukouDivision');
  const fromDivision = f.division('fromDivision');
  const toDivision = f.division('toDivision');
  if (!hukouDivision && !fromDivision && !toDivision && f.errors.every((e) => !e.field?.endsWith('Division'))) {
    f.fail('hukouDivision', 'REQUIRED', 'empty, and so are fromDivision and toDivision; one is needed to know which township the event concerns');
  }

  const prevDoc = f.document('previous.idNumber', { residentOnly: true });
  const prevName = f.name('previous.name');
  if (type === 'correction' && !prevDoc && !prevName && f.errors.every((e) => !e.field?.startsWith('previous'))) {
    f.fail('previous', 'REQUIRED', 'a correction must give the old idNumber or name in <previous>');
  }

  return {
    recordId,
    type,
    date,
    subject: person(name, doc, sex, birthDate),
    ethnicity: f.code('person.ethnicity', parseEthnicity),
    hukouDivision,
    fromDivision,
    toDivision,
    householdNo: f.text('householdNo'),
    relationToHead: f.text('relationToHead'),
    previous: prevDoc || prevName ? { idNumber: prevDoc?.idNumber ?? null, idSuspect: prevDoc?.idSuspect ?? false, name: prevName } : null,
  };
}
