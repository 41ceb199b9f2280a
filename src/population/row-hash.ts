// The raw-row hash behind re-imports' no-change path (migration 009, persons.import_hash).
//
// A row is hashed as it was read — every contract column, untrimmed, with an empty field (NULL)
// told apart from an empty string — after a seed naming the file's column set and RULES_VERSION.
// Two rows hash alike when the same columns carry the same text, so a stored hash that matches
// says "this person was set from exactly this row, under the same rules".
//
// The hash is two 32-bit multiply-xor lanes (cyrb53's, widened to 64 bits), fed two UTF-16 units
// at a time: each step is a bijection of the lane, so two rows of the same shape that differ in
// one character never collide, and otherwise a false match is a 64-bit coincidence between a person's old and new
// row. It is not meant to resist someone crafting collisions: whoever writes the file can write
// the person anyway.

/**
 * Bump when a rule in src/normalise or person-fields.ts changes what an accepted raw value
 * becomes (a code read differently, a date form understood anew): every stored row is then
 * normalised and compared once more instead of being skipped as unchanged.
 */
export const RULES_VERSION = 1;

/** The seed for a file with these contract columns (in contract order). */
export function rowHashSeed(columns: string[]): string {
  return `population rules ${RULES_VERSION}: ${columns.join(',')}`;
}

const NULL_MARK = 0x110000; // beyond every UTF-16 unit, as are the length marks after it

/**
 * The hash of a row as a signed 64-bit decimal: the contract columns in contract order, found in
 * the file's `fields` by `columnOf` (-1: not in the file); null for an empty field.
 */
export function rowHash(seed: string, fields: (string | null)[], columnOf: number[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  for (const c of columnOf) {
    const v = c < 0 ? null : fields[c];
    const mark = v === null ? NULL_MARK : NULL_MARK + 1 + v.length;
    h1 = Math.imul(h1 ^ mark, 2654435761);
    h2 = Math.imul(h2 ^ mark, 1597334677);
    if (v === null) continue;
    // Two UTF-16 units a step (the length mark already tells an odd last unit from a pair).
    let i = 0;
    for (; i + 1 < v.length; i += 2) {
      const c = v.charCodeAt(i) | (v.charCodeAt(i + 1) << 16);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    if (i < v.length) {
      const c = v.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return ((BigInt(h2 | 0) << 32n) + BigInt(h1 >>> 0)).toString();
}
