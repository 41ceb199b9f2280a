// Birth dates compared as yyyymmdd integers (0 = missing), packed once per record.
import { parseDate } from '../normalise/dates.js';
import { MISSING } from './levels.js';

export const DATE_LEVELS = ['exact', 'day_month_swapped', 'one_part_off', 'differs'] as const;
export const DATE_EXACT = 0;
export const DATE_SWAPPED = 1;
export const DATE_ONE_PART = 2;
export const DATE_DIFFERS = 3;

/**
 * A date as yyyymmdd, or 0 when absent or not a calendar date. Accepts what the feeds send
 * (2024-03-05, 2024/3/5, 20240305, 2024年3月5日) and the Date that node-postgres makes of a
 * `date` column (local midnight).
 */
export function packDate(d: string | Date | null | undefined): number {
  if (!d) return 0;
  if (d instanceof Date) return Number.isNaN(d.getTime()) ? 0 : d.getFullYear() * 10000 + (d.getMonth() + 1) * 100 + d.getDate();
  const r = parseDate(d);
  return r.ok ? Number(r.value.replaceAll('-', '')) : 0;
}

/**
 * exact / day_month_swapped (1985-03-05 vs 1985-05-03) / one_part_off (exactly one of year,
 * month, day differs: a mistyped digit, a wrong year) / differs / MISSING.
 */
export function compareDates(a: number, b: number): number {
  if (a === 0 || b === 0) return MISSING;
  if (a === b) return DATE_EXACT;
  const ya = (a / 10000) | 0, yb = (b / 10000) | 0;
  const ma = ((a / 100) | 0) % 100, mb = ((b / 100) | 0) % 100;
  const da = a % 100, db = b % 100;
  if (ya === yb && ma === db && da === mb) return DATE_SWAPPED;
  const same = (ya === yb ? 1 : 0) + (ma === mb ? 1 : 0) + (da === db ? 1 : 0);
  return same === 2 ? DATE_ONE_PART : DATE_DIFFERS;
}
