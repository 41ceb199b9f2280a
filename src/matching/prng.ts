// A small seeded generator (mulberry32): the same seed gives the same sample of random pairs,
// so an estimation can be repeated exactly; tests and the benchmark use it for synthetic data.

export type Random = () => number;

/** Uniform in [0, 1). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
