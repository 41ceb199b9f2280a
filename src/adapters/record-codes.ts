// The stable codes of record-level findings (ParsedReject.errors, ParsedOk.warnings), as agencies
// see them in GET /v1/batches/{id}/rejects. Their systems may branch on these: add, never rename.

export const RECORD_CODES = {
  // Reading the record
  COLUMN_COUNT: 'a CSV line has more or fewer fields than the header',
  CSV_QUOTE: 'a CSV line with a quote in the wrong place',
  RECORD_TOO_LONG: 'a record longer than the limit for one record',
  JSON_SYNTAX: 'an array element that is not valid JSON',
  NOT_AN_OBJECT: 'an array element that is not an object with fields',
  HEADER_DUPLICATE: 'two keys of one record mean the same field',
  ENCODING: "a field with bytes that are not valid in the file's encoding",
  // Shape
  REQUIRED: 'a required field is missing or blank',
  TYPE: 'a field of the wrong type (e.g. a number where text is needed)',
  TOO_LONG: 'a field longer than allowed',
  SCHEMA: 'another mismatch with the feed schema',
  DUPLICATE_ID: 'the record id appeared earlier in the same file',
  // Values
  DATE_FORMAT: 'not a date in any accepted form',
  DATE_INVALID: 'a date or time that does not exist (2024-02-30, 25:00)',
  DATE_ORDER: 'dates in an impossible order (moved out before moving in)',
  ID_FORMAT: 'not a resident ID number (wrong length or characters)',
  ID_TYPE_CODE: 'an unknown document type',
  NAME_FORMAT: 'a name with digits or symbols',
  SEX_CODE: 'an unknown sex code',
  DIVISION_CODE: 'not a division code',
  PHONE_FORMAT: 'not a phone number',
  ETHNICITY_CODE: 'an unknown ethnicity',
  MARITAL_CODE: 'an unknown marital status',
  OCCUPANCY_CODE: 'an unknown occupancy',
  UNKNOWN_TYPE: 'an unknown event type or registration kind',
  GESTATION_FORMAT: 'gestational weeks not given as a number of weeks',
  GESTATION_RANGE: 'gestational weeks outside 1–45',
  // Warnings: the record is accepted and keeps them
  ID_SUSPECT: 'warning: a resident ID with a wrong check digit or birth date, kept but not used as a key',
  ID_BIRTH_DATE_MISMATCH: 'warning: the birth date in the ID number differs from the one the record states',
  ID_SEX_MISMATCH: 'warning: the sex in the ID number differs from the one the record states',
} as const;

export type RecordCode = keyof typeof RECORD_CODES;
