// pino everywhere; personal data is removed centrally here, never at call sites.
import pino, { type Logger } from 'pino';

/** Field names that carry personal data wherever they appear (two levels deep, and in arrays of records). */
export const PERSONAL_FIELDS = [
  'id_number', 'idNumber', 'name', 'phone', 'address', 'birth_date', 'birthDate',
  'mother_name', 'mother_id_number', 'father_name', 'father_id_number', 'child_name',
  'party1_name', 'party1_id_number', 'party2_name', 'party2_id_number', 'password',
];

export const REDACT_PATHS = [
  ...PERSONAL_FIELDS,
  ...PERSONAL_FIELDS.map((f) => `*.${f}`),
  ...PERSONAL_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'headers.authorization',
  'record', '*.record', 'raw', '*.raw', 'row', '*.row',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'yipanqi' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

let root: Logger | undefined;
export function logger(): Logger {
  root ??= createLogger(process.env.LOG_LEVEL || 'info');
  return root;
}
export function setLogger(l: Logger): void {
  root = l;
}
