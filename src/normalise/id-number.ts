// Resident ID numbers (GB 11643): 18 characters with a check digit, or the legacy 15-digit form.
import { toAsciiDigits } from './fullwidth.js';
import { isRealDate } from './dates.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK[sum % 11];
}

export type IdStatus = 'valid' | 'suspect';

export interface IdNumber {
  /** Upper-case 18 characters (a 15-digit number upgraded). */
  value: string;
  /** suspect: wrong check digit or impossible embedded birth date — kept, but not a key. */
  status: IdStatus;
  /** Why it is suspect. */
  reason?: string;
  /** Facts the number itself states, for cross-checking with the record. */
  birthDate: string;
  sex: 1 | 2;
  /** The six-digit address code of the place of first registration. */
  addressCode: string;
  upgradedFrom15: boolean;
}

export type IdResult = { ok: true; id: IdNumber } | { ok: false; code: 'ID_FORMAT'; message: string };

const CLEAN_18 = /^\d{17}[\dX]$/;

/** Strip spaces, full-width digits and a lower-case x; returns '' for blank input. */
export function cleanIdNumber(raw: string): string {
  if (CLEAN_18.test(raw)) return raw; // the common case, already clean
  return toAsciiDigits(raw).replace(/[\s\u3000-]+/g, '').toUpperCase();
}

export function parseIdNumber(raw: string): IdResult {
  let s = cleanIdNumber(raw);
  let upgraded = false;
  if (/^\d{15}$/.test(s)) {
    // Legacy numbers were issued to people born in the 1900s: insert the century, add a check digit.
    const first17 = s.slice(0, 6) + '19' + s.slice(6);
    s = first17 + checkDigit(first17);
    upgraded = true;
  }
  if (!/^\d{17}[\dX]$/.test(s)) {
    return {
      ok: false,
      code: 'ID_FORMAT',
      message: `must be 18 characters (17 digits and a digit or X) or 15 digits, got ${s.length} characters`,
    };
  }
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  let status: IdStatus = 'valid';
  let reason: string | undefined;
  if (checkDigit(s) !== s[17]) {
    status = 'suspect';
    reason = `check digit should be ${checkDigit(s)}`;
  } else if (!isRealDate(birth) || birth < '1880-01-01') {
    status = 'suspect';
    reason = 'embedded birth date is not a real date';
  }
  return {
    ok: true,
    id: {
      value: s,
      status,
      reason,
      birthDate: birth,
      sex: Number(s[16]) % 2 === 1 ? 1 : 2,
      addressCode: s.slice(0, 6),
      upgradedFrom15: upgraded,
    },
  };
}
