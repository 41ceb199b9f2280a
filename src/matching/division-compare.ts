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
 * Best level over every pair of codes. A coarse code consistent with one of the other side's
 * (a city holding the hukou) outranks "differs" with the other: MISSING, not DIFFERS.
 */
export function compareDivisions(a: readonly string[], b: readonly string[]): number {
  let best = DIVISION_DIFFERS;
  let compared = false;
  let consistent = false;
  for (const x of a) {
    for (const y of b) {
      const l = compareDivisionCodes(x, y);
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
