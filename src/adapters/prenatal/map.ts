// A prenatal examination → the canonical record: who (subject), where she lives, when seen.
import { toAscii } from '../../normalise/index.js';
import type { IdType, PersonRef } from '../types.js';
import { person, vocabulary, type FieldReader } from '../shared/field-reader.js';

export interface PrenatalRecord {
  recordId: string;
  facilityCode: string | null;
  examDate: string;
  subject: PersonRef;
  phone: string | null;
  address: string | null;
  residenceDivision: string | null;
  /** Completed weeks. */
  gestationalWeeks: number | null;
  expectedDate: string | null;
}

const ID_TYPES = vocabulary<IdType>({
  '01': ['1', '居民身份证', '身份证'],
  '03': ['3', '护照'],
  '04': ['4', '港澳通行证', '港澳居民来往内地通行证'],
  '05': ['5', '台湾通行证', '台湾居民来往大陆通行证', '台胞证'],
  '99': ['其他'],
});

// '32', '32周', '32+3', '32周+3天', '32w3d': the completed weeks come first.
const WEEKS = /^(\d{1,2})\s*(?:周|w)?\s*(?:\+?\s*\d\s*(?:天|d)?)?$/i;

function weeks(f: FieldReader): number | null {
  const s = f.text('gestational_weeks');
  if (!s) return null;
  const m = WEEKS.exec(toAscii(s));
  if (!m) {
    f.fail('gestational_weeks', 'GESTATION_FORMAT', `"${s.slice(0, 20)}" is not a number of weeks (e.g. 32, 32周 or 32+3)`);
    return null;
  }
  const n = Number(m[1]);
  if (n < 1 || n > 45) {
    f.fail('gestational_weeks', 'GESTATION_RANGE', `${n} weeks is outside 1–45`);
    return null;
  }
  return n;
}

export function mapPrenatal(f: FieldReader, recordId: string): PrenatalRecord {
  const facilityCode = f.text('facility_code');
  const examDate = f.date('exam_date', true);
  const name = f.name('name', true);
  const idType = f.oneOf('id_type', ID_TYPES, 'ID_TYPE_CODE', '01 居民身份证, 03 护照, 04 港澳通行证, 05 台湾通行证, 99 其他');
  const doc = f.document('id_number', { required: true, type: idType });
  const birthDate = f.date('birth_date');
  f.crossCheck('id_number', doc, { birthDate, birthField: 'birth_date' });
  return {
    recordId,
    facilityCode,
    examDate,
    subject: person(name, doc, null, birthDate),
    phone: f.phone('phone'),
    address: f.text('address'),
    residenceDivision: f.division('residence_division'),
    gestationalWeeks: weeks(f),
    expectedDate: f.date('expected_date'),
  };
}
