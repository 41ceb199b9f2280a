// The valid ID numbers one typing error away from a number that cannot be right, so that the
// blocking SQL finds the resident by exact lookups on the existing persons_id_number index.
//
// Why this works: MOD 11-2 detects every single wrong character and every adjacent
// transposition, so a number with one such error always fails its check (it is "suspect"),
// and among the ~170 numbers one edit away only those whose check digit fits can be the one
// meant: at most one digit per position makes the sum right, so a suspect number has at most
// 17 + 1 + 17 repairs (typically ~20). Numbers with a correct check digit get no repairs: a typo
// cannot produce one (two typos can, and are not looked for — nor are they by ID_KEY_WINDOWS).
// Nor do legacy 15-digit numbers: without a check digit every one of their ~150 one-edit
// variants is possible, and in a real register most of those are the numbers of neighbours born
// the same day or in the same place — a typo in one is left to the name and birth-date keys.
import { checkDigit } from '../normalise/id-number.js';
import { isRealDate } from '../normalise/dates.js';
import type { PreparedId } from './id-compare.js';

const DIGITS = '0123456789';

function realBirth(first17: string): boolean {
  const d = `${first17.slice(6, 10)}-${first17.slice(10, 12)}-${first17.slice(12, 14)}`;
  return d >= '1880-01-01' && isRealDate(d);
}

function swap(s: string, i: number): string {
  return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
}

/** Valid 18-character numbers one substitution or adjacent transposition from a suspect `id`; else []. */
export function idRepairs(id: PreparedId | null): string[] {
  if (!id || id.verified || id.upgraded) return [];
  return suspectRepairs(id.value);
}

function suspectRepairs(s: string): string[] {
  const out = new Set<string>();
  const body = s.slice(0, 17);
  const check = s[17];
  const add = (first17: string, c: string) => {
    if (first17 + c !== s && checkDigit(first17) === c && realBirth(first17)) out.add(first17 + c);
  };
  add(body, checkDigit(body)); // the check character itself mistyped
  for (let i = 0; i < 17; i++) {
    for (const d of DIGITS) if (d !== body[i]) add(body.slice(0, i) + d + body.slice(i + 1), check);
  }
  for (let i = 0; i < 16; i++) if (body[i] !== body[i + 1]) add(swap(body, i), check);
  // The last digit and the check character exchanged (only when the check character is a digit).
  if (check !== 'X' && check !== body[16]) add(body.slice(0, 16) + check, body[16]);
  return [...out];
}
