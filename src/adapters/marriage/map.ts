// A marriage registration → the canonical record: what was registered, when, and both parties.
import type { PersonRef, Sex } from '../types.js';
import { person, vocabulary, type FieldReader } from '../shared/field-reader.js';

export type MarriageKind = 'marriage' | 'divorce' | 'annulment' | 'reissue';

export interface MarriageRecord {
  recordId: string;
  kind: MarriageKind;
  registeredOn: string;
  officeCode: string | null;
  /** 男方 (sex 1). */
  party1: PersonRef;
  /** 女方 (sex 2). */
  party2: PersonRef;
}

const KINDS = vocabulary<MarriageKind>({
  marriage: ['结婚登记', '结婚'],
  divorce: ['离婚登记', '离婚'],
  annulment: ['撤销婚姻', '撤销婚姻登记', '撤销'],
  reissue: ['补领', '补领结婚证', '补领离婚证', '补发'],
});

function party(f: FieldReader, p: 'party1' | 'party2', sex: Sex, who: string): PersonRef {
  const name = f.name(`${p}_name`, true);
  const doc = f.document(`${p}_id_number`);
  const birthDate = f.date(`${p}_birth_date`);
  f.crossCheck(`${p}_id_number`, doc, { birthDate, birthField: `${p}_birth_date`, sex, sexSource: `the registration (${who})` });
  return person(name, doc, sex, birthDate);
}

export function mapMarriage(f: FieldReader, recordId: string): MarriageRecord {
  return {
    recordId,
    kind: f.oneOf('kind', KINDS, 'UNKNOWN_TYPE', 'marriage 结婚登记, divorce 离婚登记, annulment 撤销婚姻, reissue 补领', true),
    registeredOn: f.date('registered_on', true),
    officeCode: f.text('office_code'),
    party1: party(f, 'party1', 1, '男方'),
    party2: party(f, 'party2', 2, '女方'),
  };
}
