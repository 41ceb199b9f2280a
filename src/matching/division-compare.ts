// Division codes (shortest form: 6-digit county, 9-digit township, 12-digit village) compared at
// the most specific level both codes state. A person has two (household registration and current
// residence; they differ for migrants) and a record may have one or two: the best pair counts.
import { parseDivision } from '../normalise/codes.js';
import { MISSING } from './levels.js';

export const DIVISION_LEVELS = ['village', 'township', 'county', 'differs'] as const;
export const DIVISION_VILLAGE = 0;
export const DIVISION_TOWNSHIP = 1;
export const DIVISION_COUNTY = 2;
export const DIVISION_DIFFERS = 3;

/** Shortest-form codes, blanks and malformed codes dropped, duplicates removed. */
export function prepareDivisions(codes: readonly (string | null | undefined)[] | undefined): string[] {
  const out: string[] = [];
  for (const c of codes ?? []) {
    if (!c) continue;
    const r = parseDivision(c);
    if (r.ok && !out.includes(r.value)) out.push(r.value);
  }
  return out;
}

/**
 * village / township / county / differs / MISSING. A code coarser than a county (province,
 * city) says nothing at the county level: inside the other code it is MISSING, outside it differs.
 */
export function compareDivisionCodes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let k = 0; // length of the common prefix
  while (k < n && a.charCodeAt(k) === b.charCodeAt(k)) k++;
  if (k === 12) return DIVISION_VILLAGE;
  if (k >= 9) return DIVISION_TOWNSHIP;
  if (k >= 6) return DIVISION_COUNTY;
  if (n < 6 && k === n) return MISSING;
  return DIVISION_DIFFERS;
}

/**
 * Codes as numbers for the bulk loop: per code its county (6 digits), township (9) and village
 * (12) prefixes, −1 where the code is coarser, so a comparison is three number compares.
 */
export function divisionNumbers(codes: readonly string[]): number[] {
  const out: number[] = [];
  for (const c of codes) {
    out.push(c.length >= 6 ? Number(c.slice(0, 6)) : -1, c.length >= 9 ? Number(c.slice(0, 9)) : -1, c.length === 12 ? Number(c) : -1);
  }
  return out;
}

/**
 * Best level over every pair of codes. A coarse code consistent with one of the other side's
 * (a city holding the hukou) outranks "differs" with the other: MISSING, not DIFFERS.
 * Pass the divisionNumbers of both sides to skip string work on codes of county level or finer.
 */
export function compareDivisions(a: readonly string[], b: readonly string[], an?: readonly number[], bn?: readonly number[]): number {
  let best = DIVISION_DIFFERS;
  let compared = false;
  let consistent = false;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      let l: number;
      if (an && bn && an[i * 3] >= 0 && bn[j * 3] >= 0) {
        if (an[i * 3 + 2] >= 0 && an[i * 3 + 2] === bn[j * 3 + 2]) l = DIVISION_VILLAGE;
        else if (an[i * 3 + 1] >= 0 && an[i * 3 + 1] === bn[j * 3 + 1]) l = DIVISION_TOWNSHIP;
        else l = an[i * 3] === bn[j * 3] ? DIVISION_COUNTY : DIVISION_DIFFERS;
      } else {
        l = compareDivisionCodes(a[i], b[j]);
      }
      if (l === MISSING) consistent = true;
      else {
        compared = true;
        if (l < best) best = l;
      }
    }
  }
  if (best !== DIVISION_DIFFERS) return best;
  return compared && !consistent ? DIVISION_DIFFERS : MISSING;
}
