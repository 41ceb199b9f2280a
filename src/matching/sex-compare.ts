// Sex (GB/T 2261.1): 1 male, 2 female; 0 and 9 (unknown, not stated) carry no evidence.
import { MISSING } from './levels.js';

export const SEX_LEVELS = ['exact', 'differs'] as const;

/** 1 or 2, else 0 (unknown). */
export function prepareSex(s: number | string | null | undefined): 0 | 1 | 2 {
  const n = Number(s);
  return n === 1 || n === 2 ? n : 0;
}

export function compareSex(a: number, b: number): number {
  if (a === 0 || b === 0) return MISSING;
  return a === b ? 0 : 1;
}
