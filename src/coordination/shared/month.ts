// Months are calendar months in China Standard Time (UTC+8 all year, no daylight saving): a
// month's figures cover [first day 00:00 +08:00, first day of the next month 00:00 +08:00).
import { appError } from '../../errors.js';

const CST_OFFSET_MS = 8 * 3_600_000;

export interface Month {
  /** 'YYYY-MM' */
  key: string;
  /** 'YYYY-MM-01', as stored in the monthly tables' date column. */
  firstDay: string;
  start: Date;
  end: Date;
}

export function parseMonth(key: string): Month {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(key);
  if (!m) throw appError('YPQ_VALIDATION', `month must look like 2024-03, got "${key}"`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return {
    key,
    firstDay: `${key}-01`,
    start: new Date(Date.UTC(y, mo - 1, 1) - CST_OFFSET_MS),
    end: new Date(Date.UTC(y, mo, 1) - CST_OFFSET_MS),
  };
}

/** The month an instant falls in, in China Standard Time. */
export function monthOf(at: Date): Month {
  const d = new Date(at.getTime() + CST_OFFSET_MS);
  return parseMonth(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
}

export function addMonths(month: Month, n: number): Month {
  const [y, m] = month.key.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return parseMonth(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
}

/** Every month from `from` to `to`, both included (at most `max`). */
export function monthRange(from: Month, to: Month, max = 120): Month[] {
  if (from.key > to.key) throw appError('YPQ_VALIDATION', `from ${from.key} is after to ${to.key}`);
  const out: Month[] = [];
  for (let m = from; m.key <= to.key; m = addMonths(m, 1)) {
    out.push(m);
    if (out.length > max) throw appError('YPQ_VALIDATION', `at most ${max} months at once`);
  }
  return out;
}

/** A date column value ('2024-03-01') back to 'YYYY-MM'. */
export function monthKey(firstDay: string): string {
  return firstDay.slice(0, 7);
}
