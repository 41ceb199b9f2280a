// The fields whose completeness is measured per feed: paths into the canonical record
// (src/adapters/<feed>/map.ts) that identify the person and route the work. Required fields are
// left out (a record without them is rejected, so they are always complete). No field here judges
// a pregnancy or birth: completeness is a property of the agency's supply, not of a resident.
import type { FeedKind } from '../../auth/principal.js';

export const COMPLETENESS_FIELDS: Readonly<Record<FeedKind, readonly string[]>> = {
  prenatal: ['facilityCode', 'subject.idNumber', 'subject.birthDate', 'phone', 'address', 'residenceDivision'],
  birth: ['facilityCode', 'birthDivision', 'child.sex', 'mother.idNumber', 'mother.birthDate', 'father.name', 'father.idNumber'],
  household: ['subject.idNumber', 'subject.birthDate', 'subject.sex', 'ethnicity', 'hukouDivision', 'householdNo', 'relationToHead'],
  marriage: ['officeCode', 'party1.idNumber', 'party1.birthDate', 'party2.idNumber', 'party2.birthDate'],
  housing: ['propertyId', 'address', 'subject.idNumber', 'phone', 'occupancy', 'movedIn'],
};

/** 'subject.idNumber' → ['subject', 'idNumber'], for the #>> operator. */
export function jsonPath(field: string): string[] {
  return field.split('.');
}
