// Resident ID numbers (GB 11643) compared for matching, the hard rule that two verified numbers
// that differ are two people, and blocking keys that still meet when one digit was mistyped.
import { parseIdNumber } from '../normalise/id-number.js';
import { MISSING } from './levels.js';

export const ID_LEVELS = ['exact', 'one_edit', 'differs'] as const;
export const ID_EXACT = 0;
export const ID_ONE_EDIT = 1;
export const ID_DIFFERS = 2;

export interface PreparedId {
  /** 18 upper-case characters; a 15-digit number is upgraded (century 19, computed check digit). */
  value: string;
  /** The number carries its own correct check digit and a real birth date (not upgraded from 15). */
  verified: boolean;
  upgraded: boolean;
}

/**
 * A resident ID ready for comparison, or null when blank or not an ID number at all.
 * Only pass 居民身份证 numbers: a passport number (证件类型 03…) is not comparable with one.
 */
export function prepareId(raw: string | null | undefined): PreparedId | null {
  if (!raw) return null;
  const r = parseIdNumber(raw);
  if (!r.ok) return null;
  return { value: r.id.value, verified: r.id.status === 'valid' && !r.id.upgradedFrom15, upgraded: r.id.upgradedFrom15 };
}

/**
 * exact / one_edit (one wrong character or one adjacent transposition) / differs / MISSING
 * (no number, or numbers without check digits that differ only in the sequence).
 * When either side was a 15-digit number its check digit was computed, not written, so only the
 * first 17 characters are evidence: a typo in a legacy number is still one edit.
 */
export function compareIds(a: PreparedId | null, b: PreparedId | null): number {
  if (!a || !b) return MISSING;
  const x = a.value;
  const y = b.value;
  const n = a.upgraded || b.upgraded ? 17 : 18;
  let first = -1;
  let diffs = 0;
  for (let i = 0; i < n; i++) {
    if (x.charCodeAt(i) !== y.charCodeAt(i)) {
      if (++diffs > 2) return ID_DIFFERS;
      if (first < 0) first = i;
      else if (i !== first + 1 || x[first] !== y[i] || x[i] !== y[first]) return ID_DIFFERS;
    }
  }
  if (diffs === 0) return ID_EXACT;
  // Without a check digit (a legacy 15-digit number on either side) a difference in the
  // sequence digits is no evidence either way: people born the same day in the same county hold
  // numbers that differ just there, and nothing tells a typo from a neighbour. (With a check
  // digit it is: a typo fails the check, a neighbour's number differs in the check digit too.)
  if (n === 17 && first >= 14) return MISSING;
  return ID_ONE_EDIT;
}

/**
 * Hard rule: two numbers that both carry a correct check digit and differ belong to two people
 * (twins share everything else). MOD 11-2 catches every single-character error and every
 * adjacent transposition, so such a pair is never "one typo apart". Never link them.
 */
export function verifiedIdsDiffer(a: PreparedId | null, b: PreparedId | null): boolean {
  return !!a && !!b && a.verified && b.verified && a.value !== b.value;
}

/** Both sides carry the same verified number. */
export function verifiedIdsEqual(a: PreparedId | null, b: PreparedId | null): boolean {
  return !!a && !!b && a.verified && b.verified && a.value === b.value;
}

/**
 * Blocking windows over the first 17 characters (the check digit is never part of a key, so a
 * wrong check digit meets every key). Each key masks one window: the four segments address
 * (0–5), birth year (6–9), month-day (10–13), sequence (14–16), and the three segment borders,
 * so any one substitution or adjacent transposition leaves at least one key intact.
 * [start, end) — the SQL stage can build the same keys with overlay(... placing repeat('_', n)).
 */
export const ID_KEY_WINDOWS: readonly (readonly [number, number])[] = [
  [0, 6], // address code mistyped: birth date + sequence
  [6, 10], // year mistyped: address + month-day + sequence
  [10, 14], // month-day mistyped: address + year + sequence
  [14, 17], // sequence mistyped: address + birth date
  [5, 7], // transposition across address | year
  [9, 11], // year | month
  [13, 15], // day | sequence
];

/** The seven masked variants of a number's first 17 characters, e.g. '______19491231002'. */
export function idBlockingKeys(id: PreparedId | null): string[] {
  if (!id) return [];
  const s = id.value.slice(0, 17);
  return ID_KEY_WINDOWS.map(([a, b]) => s.slice(0, a) + '_'.repeat(b - a) + s.slice(b));
}
