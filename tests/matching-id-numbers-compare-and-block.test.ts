import { describe, expect, it } from 'vitest';
import { checkDigit } from '../src/normalise/id-number.js';
import {
  compareIds, ID_DIFFERS, ID_EXACT, ID_ONE_EDIT, idBlockingKeys, MISSING, prepareId, verifiedIdsDiffer, verifiedIdsEqual,
} from '../src/matching/index.js';
import { mulberry32 } from '../src/matching/prng.js';

const withCheck = (first17: string) => first17 + checkDigit(first17);
const A = withCheck('11010519491231002'); // 11010519491231002X
const B = withCheck('43010219850305123');

/** Replace position i by digit d. */
const sub = (s: string, i: number, d: string) => s.slice(0, i) + d + s.slice(i + 1);
const swap = (s: string, i: number) => s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);

describe('ID numbers: preparation', () => {
  it('upper-cases, strips full-width digits and spaces, and marks the number verified', () => {
    expect(prepareId(' １１０１０５１９４９１２３１００２x ')).toEqual({ value: A, verified: true, upgraded: false });
  });
  it('upgrades a 15-digit number but does not count it as verified (its check digit was computed)', () => {
    expect(prepareId('110105491231002')).toEqual({ value: A, verified: false, upgraded: true });
  });
  it('keeps a number with a wrong check digit as unverified', () => {
    const wrong = sub(A, 17, '1');
    expect(prepareId(wrong)).toEqual({ value: wrong, verified: false, upgraded: false });
  });
  it('treats blank and non-ID strings as missing', () => {
    for (const s of [null, undefined, '', '   ', 'E12345678', '1234']) expect(prepareId(s)).toBeNull();
  });
});

describe('ID numbers: agreement levels', () => {
  it('exact when equal', () => expect(compareIds(prepareId(A), prepareId(A))).toBe(ID_EXACT));
  it('one_edit for one wrong digit anywhere, the check digit included', () => {
    for (let i = 0; i < 18; i++) {
      const d = A[i] === '7' ? '8' : '7';
      expect(compareIds(prepareId(A), prepareId(sub(A, i, d))), `position ${i}`).toBe(ID_ONE_EDIT);
    }
  });
  it('one_edit for one adjacent transposition', () => {
    for (let i = 0; i < 17; i++) {
      if (B[i] === B[i + 1]) continue;
      expect(compareIds(prepareId(B), prepareId(swap(B, i))), `positions ${i},${i + 1}`).toBe(ID_ONE_EDIT);
    }
  });
  it('an X swapped into the digits is no ID number at all: missing', () => {
    expect(compareIds(prepareId(A), prepareId(swap(A, 16)))).toBe(MISSING);
  });
  it('differs for two wrong digits, a non-adjacent swap, or another person', () => {
    expect(compareIds(prepareId(A), prepareId(sub(sub(A, 2, '9'), 15, '9')))).toBe(ID_DIFFERS);
    const farSwap = A.slice(0, 3) + A[5] + A.slice(4, 5) + A[3] + A.slice(6);
    expect(compareIds(prepareId(A), prepareId(farSwap))).toBe(ID_DIFFERS);
    expect(compareIds(prepareId(A), prepareId(B))).toBe(ID_DIFFERS);
  });
  it('legacy 15-digit form: exact against its 18-digit number, one_edit with one typo in the 15 digits', () => {
    expect(compareIds(prepareId('110105491231002'), prepareId(A))).toBe(ID_EXACT);
    // A typo in the 15 digits also changes the computed check digit: still one edit on the 17 that were written.
    expect(compareIds(prepareId('110105491213002'), prepareId(A))).toBe(ID_ONE_EDIT);
    expect(compareIds(prepareId('110104491231002'), prepareId(A))).toBe(ID_ONE_EDIT);
    // …except in the sequence: without a check digit, a neighbour born the same day looks the same.
    expect(compareIds(prepareId('110105491231003'), prepareId(A))).toBe(MISSING);
  });
  it('missing when either side has no number', () => {
    expect(compareIds(null, prepareId(A))).toBe(MISSING);
    expect(compareIds(prepareId(A), null)).toBe(MISSING);
  });
});

describe('ID numbers: the hard rule', () => {
  it('two verified numbers that differ are flagged; unverified or legacy numbers are not', () => {
    expect(verifiedIdsDiffer(prepareId(A), prepareId(B))).toBe(true);
    expect(verifiedIdsDiffer(prepareId(A), prepareId(A))).toBe(false);
    expect(verifiedIdsDiffer(prepareId(A), prepareId(sub(A, 17, '1')))).toBe(false);
    expect(verifiedIdsDiffer(prepareId('110105491231003'), prepareId(A))).toBe(false);
    expect(verifiedIdsDiffer(null, prepareId(A))).toBe(false);
    expect(verifiedIdsEqual(prepareId(A), prepareId(A))).toBe(true);
    expect(verifiedIdsEqual(prepareId('110105491231002'), prepareId(A))).toBe(false);
  });
  it('two verified numbers are never one edit apart (MOD 11-2 catches every single error and adjacent swap)', () => {
    const rnd = mulberry32(11643);
    for (let n = 0; n < 300; n++) {
      let first17 = '430102';
      for (let i = 0; i < 11; i++) first17 += Math.floor(rnd() * 10);
      const id = withCheck(first17);
      for (let i = 0; i < 17; i++) {
        for (let d = 0; d <= 9; d++) {
          const v = sub(id, i, String(d));
          if (v !== id) expect(checkDigit(v) === v[17]).toBe(false);
        }
        if (id[i] !== id[i + 1]) {
          const v = swap(id, i);
          expect(/^\d{17}[\dX]$/.test(v) && checkDigit(v) === v[17]).toBe(false);
        }
      }
    }
  });
});

describe('ID numbers: blocking keys survive one typo', () => {
  const shares = (x: string, y: string) => {
    const kx = new Set(idBlockingKeys(prepareId(x)));
    return idBlockingKeys(prepareId(y)).some((k) => kx.has(k));
  };
  it('gives seven masked variants of the first 17 characters', () => {
    const keys = idBlockingKeys(prepareId(A));
    expect(keys).toHaveLength(7);
    expect(keys).toContain('______19491231002'); // birth date + sequence
    expect(keys).toContain('11010519491231___'); // address code + birth date
    expect(new Set(keys).size).toBe(7);
  });
  it('every single wrong digit and every adjacent transposition still shares a key', () => {
    for (let i = 0; i < 18; i++) for (const d of '0123456789') if (A[i] !== d) expect(shares(A, sub(A, i, d)), `sub ${i}`).toBe(true);
    for (let i = 0; i < 18; i++) for (const d of '0123456789') if (B[i] !== d) expect(shares(B, sub(B, i, d)), `sub ${i}`).toBe(true);
    for (let i = 0; i < 17; i++) expect(shares(B, swap(B, i)), `swap ${i}`).toBe(true);
  });
  it('a legacy 15-digit number shares keys with its 18-digit form', () => {
    expect(shares('110105491231002', A)).toBe(true);
    expect(shares('110105491231003', A)).toBe(true);
  });
  it('another person born elsewhere on another day shares none', () => {
    expect(shares(A, B)).toBe(false);
  });
  it('no keys without a number', () => expect(idBlockingKeys(null)).toEqual([]));
});
