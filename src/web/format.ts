// How values look on the pages: dates in Beijing time (Chinese or ISO-like order), and masked
// ID numbers and phones (data minimisation: a full number only where the handler asks for it).
import type { Lang } from './i18n/index.js';

const TZ = 'Asia/Shanghai';
const cache = new Map<string, Intl.DateTimeFormat>();

function fmt(lang: Lang, kind: 'date' | 'datetime' | 'month'): Intl.DateTimeFormat {
  const key = `${lang}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'month' ? { year: 'numeric', month: 'long', timeZone: TZ }
      : kind === 'date' ? { year: 'numeric', month: lang === 'zh' ? 'long' : '2-digit', day: lang === 'zh' ? 'numeric' : '2-digit', timeZone: TZ }
      : { year: 'numeric', month: lang === 'zh' ? 'long' : '2-digit', day: lang === 'zh' ? 'numeric' : '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TZ };
    f = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-CA', opts);
    cache.set(key, f);
  }
  return f;
}

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));

/** 2025年3月5日 14:30 (zh) or 2025-03-05, 14:30 (en); '—' for nothing. */
export function dateTime(lang: Lang, v: string | Date | null | undefined): string {
  if (!v) return '—';
  const d = toDate(v);
  return Number.isNaN(d.getTime()) ? String(v) : fmt(lang, 'datetime').format(d).replace(',', '');
}

export function date(lang: Lang, v: string | Date | null | undefined): string {
  if (!v) return '—';
  // A plain calendar date (birth dates) has no time zone of its own.
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const [y, m, d] = v.split('-').map(Number);
    return lang === 'zh' ? `${y}年${m}月${d}日` : v;
  }
  const d = toDate(v);
  return Number.isNaN(d.getTime()) ? String(v) : fmt(lang, 'date').format(d);
}

/** '2025-03' → 2025年3月 / 2025-03. */
export function month(lang: Lang, key: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m) return key;
  return lang === 'zh' ? `${m[1]}年${Number(m[2])}月` : key;
}

/** The current month and the ones before it, as YYYY-MM in Beijing time. */
export function monthKey(d: Date = new Date(), back = 0): string {
  const bj = new Date(d.getTime() + 8 * 3_600_000);
  const y = bj.getUTCFullYear();
  const m = bj.getUTCMonth() - back;
  const t = new Date(Date.UTC(y, m, 1));
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Start of today in Beijing, as an instant. */
export function startOfToday(now: Date = new Date()): Date {
  const bj = new Date(now.getTime() + 8 * 3_600_000);
  return new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate()) - 8 * 3_600_000);
}

/** 430124********1234: the address code and the last four (the check digit among them) stay. */
export function maskId(id: string | null | undefined): string {
  if (!id) return '—';
  if (id.length <= 8) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}

/** 138****5678; a landline keeps its area code and last two. */
export function maskPhone(p: string | null | undefined): string {
  if (!p) return '—';
  const digits = p.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return digits.slice(0, Math.min(4, digits.length - 4)) + '*'.repeat(digits.length - Math.min(4, digits.length - 4) - 2) + digits.slice(-2);
}

export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
}

export function num(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
