// Phone numbers as parsePhone leaves them (digits only, +86 dropped).
import { parsePhone } from '../normalise/codes.js';
import { MISSING } from './levels.js';

export const PHONE_LEVELS = ['exact', 'last8', 'differs'] as const;

export function preparePhone(raw: string | null | undefined): string {
  if (!raw) return '';
  const r = parsePhone(raw);
  return r.ok ? r.value : '';
}

/**
 * exact / last8 (the last eight digits agree: a mistyped mobile prefix, or a landline with and
 * without its area code; a 7-digit local number is compared on its 7) / differs / MISSING.
 */
export function comparePhones(a: string, b: string): number {
  if (!a || !b) return MISSING;
  if (a === b) return 0;
  const n = Math.min(8, a.length, b.length);
  if (n < 7) return 2;
  for (let i = 1; i <= n; i++) if (a.charCodeAt(a.length - i) !== b.charCodeAt(b.length - i)) return 2;
  return 1;
}
