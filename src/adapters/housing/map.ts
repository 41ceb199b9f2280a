// A housing row → the canonical record: the resident (subject) and where and how they live.
import type { PersonRef } from '../types.js';
import { person, vocabulary, type FieldReader } from '../shared/field-reader.js';

export type Occupancy = 'owner' | 'tenant' | 'other';

export interface HousingRecord {
  recordId: string;
  propertyId: string | null;
  /** Division code, shortest form (feeds.md). */
  division: string;
  address: string | null;
  subject: PersonRef;
  phone: string | null;
  occupancy: Occupancy | null;
  movedIn: string | null;
  /** null while the resident still lives there. */
  movedOut: string | null;
}

const OCCUPANCY = vocabulary<Occupancy>({
  owner: ['业主', '产权人', '房主'],
  tenant: ['租户', '承租人', '租客'],
  other: ['借住', '其他'],
});

export function mapHousing(f: FieldReader, recordId: string): HousingRecord {
  const doc = f.document('id_number');
  const movedIn = f.date('moved_in');
  const movedOut = f.date('moved_out');
  if (movedIn && movedOut && movedOut < movedIn) f.fail('moved_out', 'DATE_ORDER', `${movedOut} is before the move-in date ${movedIn}`);
  return {
    recordId,
    propertyId: f.text('property_id'),
    division: f.division('division', true) ?? '',
    address: f.text('address'),
    subject: person(f.name('name', true), doc),
    phone: f.phone('phone'),
    occupancy: f.oneOf('occupancy', OCCUPANCY, 'OCCUPANCY_CODE', 'owner 业主, tenant 租户, other 借住'),
    movedIn,
    movedOut,
  };
}
