// Dates in every form agencies send: 2024-03-05, 2024/3/5, 20240305, 2024年3月5日, 2024.3.5,
// optionally followed by a time (' HH:MM[:SS]' or ISO 'T…').
import { toAscii } from './fullwidth.js';

export function isRealDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const y = +m[1], mo = +m[2], d = +m[3];
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[mo - 1];
}

const pad = (n: string) => n.padStart(2, '0');

export type DateResult = { ok: true; value: string } | { ok: false; code: 'DATE_FORMAT' | 'DATE_INVALID'; message: string };

const DATE_RE = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$/;

export function parseDate(raw: string): DateResult {
  const s = toAscii(raw).trim();
  const m = DATE_RE.exec(s);
  if (!m) return { ok: false, code: 'DATE_FORMAT', message: `"${s.slice(0, 40)}" is not a date (expected e.g. 2024-03-05, 2024/3/5, 20240305 or 2024年3月5日)` };
  const iso = `${m[1]}-${pad(m[2] ?? m[4])}-${pad(m[3] ?? m[5])}`;
  if (!isRealDate(iso)) return { ok: false, code: 'DATE_INVALID', message: `${iso} is not a calendar date` };
  return { ok: true, value: iso };
}

export type DateTimeResult = { ok: true; value: string } | { ok: false; code: 'DATE_FORMAT' | 'DATE_INVALID'; message: string };

/** A date with an optional time; the result is 'YYYY-MM-DDTHH:MM:SS' in local (Beijing) time, no zone. */
export function parseDateTime(raw: string): DateTimeResult {
  const s = toAscii(raw).trim();
  const m = /^(.*?)(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  const d = parseDate(m ? m[1] : s);
  if (!d.ok) return d;
  if (!m || m[2] === undefined) return { ok: true, value: `${d.value}T00:00:00` };
  const h = +m[2], mi = +m[3], se = m[4] === undefined ? 0 : +m[4];
  if (h > 23 || mi > 59 || se > 59) return { ok: false, code: 'DATE_INVALID', message: `${m[2]}:${m[3]} is not a time of day` };
  return { ok: true, value: `${d.value}T${pad(String(h))}:${pad(String(mi))}:${pad(String(se))}` };
}
