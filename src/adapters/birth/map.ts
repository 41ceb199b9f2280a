// A birth certificate → the canonical record: the child, the mother and (when given) the father.
import type { PersonRef } from '../types.js';
import { person, type FieldReader } from '../shared/field-reader.js';

export interface BirthRecord {
  recordId: string;
  facilityCode: string | null;
  /** YYYY-MM-DDTHH:MM:SS, Beijing time. */
  birthTime: string;
  birthDivision: string | null;
  /** No document number yet; birthDate is the date of birthTime. */
  child: PersonRef;
  mother: PersonRef;
  /** null when the certificate names no father. */
  father: PersonRef | null;
}

// What hospitals write when the child has no name yet.
const NO_NAME_YET = new Set(['无', '未取名', '未命名', '待定', '暂无', '/', '-']);

export function mapBirth(f: FieldReader, recordId: string): BirthRecord {
  const facilityCode = f.text('facility_code');
  const birthTime = f.dateTime('birth_time', true);
  const childName = NO_NAME_YET.has(f.text('child_name') ?? '') ? null : f.name('child_name');
  const childSex = f.sex('child_sex');

  const motherName = f.name('mother_name', true);
  const motherDoc = f.document('mother_id_number', { required: true });
  f.crossCheck('mother_id_number', motherDoc, { sex: 2, sexSource: 'the certificate (it is the mother)' });

  const fatherName = f.name('father_name');
  const fatherDoc = f.document('father_id_number');
  f.crossCheck('father_id_number', fatherDoc, { sex: 1, sexSource: 'the certificate (it is the father)' });

  return {
    recordId,
    facilityCode,
    birthTime,
    birthDivision: f.division('birth_division'),
    child: person(childName, null, childSex, birthTime ? birthTime.slice(0, 10) : null),
    mother: person(motherName, motherDoc, 2),
    father: fatherName || fatherDoc ? person(fatherName, fatherDoc, 1) : null,
  };
}
