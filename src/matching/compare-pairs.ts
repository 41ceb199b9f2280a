// The person comparison: six fields of a prepared record against six of a prepared person, written
// as one Int8Array row per pair, plus the facts the hard rules need and the name frequency for
// term-frequency adjustment. This is the bulk entry point for the blocking stage: it hands over
// two arrays of prepared records and two index arrays naming the candidate pairs.
import type { ComparisonSpec } from './fellegi-sunter.js';
import { compareIds, ID_EXACT, ID_LEVELS, verifiedIdsDiffer, verifiedIdsEqual } from './id-compare.js';
import { compareNames, NAME_EXACT, NAME_LEVELS, NAME_NORMALISED, NAME_PINYIN } from './name-similarity.js';
import { compareDates, DATE_LEVELS } from './date-compare.js';
import { compareSex, SEX_LEVELS } from './sex-compare.js';
import { compareDivisions, DIVISION_LEVELS } from './division-compare.js';
import { comparePhones, PHONE_LEVELS } from './phone-compare.js';
import type { PreparedRecord } from './record.js';

export const PERSON_COMPARISONS: readonly ComparisonSpec[] = [
  { name: 'id_number', levels: ID_LEVELS },
  { name: 'name', levels: NAME_LEVELS, tf: { levels: [NAME_EXACT, NAME_NORMALISED, NAME_PINYIN], uLevel: NAME_EXACT } },
  { name: 'birth_date', levels: DATE_LEVELS },
  { name: 'sex', levels: SEX_LEVELS },
  { name: 'division', levels: DIVISION_LEVELS },
  { name: 'phone', levels: PHONE_LEVELS },
];
export const C_ID = 0, C_NAME = 1, C_BIRTH = 2, C_SEX = 3, C_DIVISION = 4, C_PHONE = 5;
export const PERSON_COMPARISON_COUNT = PERSON_COMPARISONS.length;

/** Both sides carry verified (check digit correct) ID numbers and they differ: never link. */
export const FLAG_VERIFIED_IDS_DIFFER = 1;
/** Both sides carry the same verified ID number. */
export const FLAG_VERIFIED_ID_EQUAL = 2;

/** Relative frequencies (count / population) in the population database; undefined when unknown. */
export interface TermFrequencies {
  name?: (nameNorm: string) => number | undefined;
  pinyin?: (namePinyin: string) => number | undefined;
}

/** Writes one row of levels at vectors[row·6 …]; returns the hard-rule flags. */
export function comparePair(a: PreparedRecord, b: PreparedRecord, vectors: Int8Array, row: number): number {
  const o = row * PERSON_COMPARISON_COUNT;
  const id = compareIds(a.id, b.id);
  vectors[o + C_ID] = id;
  vectors[o + C_NAME] = compareNames(a.name, b.name);
  vectors[o + C_BIRTH] = compareDates(a.birth, b.birth);
  vectors[o + C_SEX] = compareSex(a.sex, b.sex);
  vectors[o + C_DIVISION] = compareDivisions(a.divisions, b.divisions, a.divisionNumbers, b.divisionNumbers);
  vectors[o + C_PHONE] = comparePhones(a.phone, b.phone);
  if (id === ID_EXACT) return verifiedIdsEqual(a.id, b.id) ? FLAG_VERIFIED_ID_EQUAL : 0;
  return verifiedIdsDiffer(a.id, b.id) ? FLAG_VERIFIED_IDS_DIFFER : 0;
}

export interface ComparedPairs {
  /** pairs × 6 levels (see PERSON_COMPARISONS), MISSING = −1. */
  vectors: Int8Array;
  /** FLAG_* bits per pair. */
  flags: Uint8Array;
  /** Name frequency per pair where the name level is tf-adjusted (0: none or unknown). */
  tf: Float64Array;
}

type Indices = ArrayLike<number>;

/**
 * Compare candidate pairs (left[leftIndex[i]], right[rightIndex[i]]). Pairs of the same left record
 * next to each other let the name-frequency lookup run once per record.
 */
export function comparePairs(
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[],
  leftIndex: Indices,
  rightIndex: Indices,
  frequencies: TermFrequencies = {},
): ComparedPairs {
  const n = leftIndex.length;
  if (rightIndex.length !== n) throw new RangeError('leftIndex and rightIndex differ in length');
  const vectors = new Int8Array(n * PERSON_COMPARISON_COUNT);
  const flags = new Uint8Array(n);
  const tf = new Float64Array(n);
  let lastLeft = -1, nameFreq = 0, pinyinFreq = 0;
  for (let i = 0; i < n; i++) {
    const li = leftIndex[i];
    const a = left[li];
    const b = right[rightIndex[i]];
    if (a === undefined || b === undefined) throw new RangeError(`pair ${i}: index out of range`);
    flags[i] = comparePair(a, b, vectors, i);
    const level = vectors[i * PERSON_COMPARISON_COUNT + C_NAME];
    if (level !== NAME_EXACT && level !== NAME_NORMALISED && level !== NAME_PINYIN) continue;
    if (li !== lastLeft) {
      lastLeft = li;
      nameFreq = (a.name && frequencies.name?.(a.name.norm)) || 0;
      pinyinFreq = (a.name && frequencies.pinyin?.(a.name.pinyin)) || 0;
    }
    tf[i] = level === NAME_PINYIN ? pinyinFreq : nameFreq;
  }
  return { vectors, flags, tf };
}
