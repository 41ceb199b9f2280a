// Rates and the score of one agency's feed in one month, as pure functions (docs/coordination.md).
//
//   reporting rate R = min(submissions, expected) / expected          (DHIS2: actual / expected)
//   on-time rate   T = on-time submissions / expected
//   completeness   C = mean over the feed's measured fields of (records giving the field / records)
//   score          = 100 × (0.4·R + 0.3·T + 0.3·C), over the parts that are defined, weights rescaled
//
// R and T are undefined when nothing is expected (expected_per_month = 0); C when nothing was
// stored — except that an agency that was expected to supply and supplied nothing scores C = 0.

export const SCORE_WEIGHTS = { reporting: 0.4, onTime: 0.3, completeness: 0.3 } as const;

const round4 = (x: number) => Math.round(x * 10000) / 10000;

export function reportingRate(submissions: number, expected: number): number | null {
  return expected > 0 ? round4(Math.min(submissions, expected) / expected) : null;
}

export function onTimeRate(onTime: number, expected: number): number | null {
  return expected > 0 ? round4(Math.min(onTime, expected) / expected) : null;
}

export function completeness(fields: readonly string[], records: number, filled: readonly number[]): { perField: Record<string, number>; rate: number | null } {
  if (!records) return { perField: {}, rate: null };
  const perField: Record<string, number> = {};
  fields.forEach((f, i) => (perField[f] = round4((filled[i] ?? 0) / records)));
  const values = Object.values(perField);
  return { perField, rate: values.length ? round4(values.reduce((a, b) => a + b, 0) / values.length) : null };
}

export function sharingScore(r: { reporting: number | null; onTime: number | null; completeness: number | null; expected: number }): number | null {
  const c = r.completeness ?? (r.expected > 0 ? 0 : null);
  const parts: [number | null, number][] = [
    [r.reporting, SCORE_WEIGHTS.reporting],
    [r.onTime, SCORE_WEIGHTS.onTime],
    [c, SCORE_WEIGHTS.completeness],
  ];
  const defined = parts.filter((p): p is [number, number] => p[0] !== null);
  if (!defined.length) return null;
  const weight = defined.reduce((a, [, w]) => a + w, 0);
  return Math.round((1000 * defined.reduce((a, [v, w]) => a + v * w, 0)) / weight) / 10;
}
