// CSV headers: the contract's Chinese names or the English keys, in any order; unknown
// columns are kept in the raw record but ignored.
import { toAscii } from '../../normalise/fullwidth.js';

export interface HeaderField {
  key: string;
  /** Chinese header names (the contract's, plus common variants agencies use). */
  zh: string[];
  required?: boolean;
}

export interface HeaderMap {
  /** For each column: the contract key, or undefined for an unknown column. */
  keys: (string | undefined)[];
  unknown: string[];
}

export type HeaderResult = { ok: true; map: HeaderMap } | { ok: false; code: 'HEADER_DUPLICATE' | 'HEADER_MISSING' | 'HEADER_EMPTY'; message: string };

const clean = (h: string) => toAscii(h).replace(/^\uFEFF/, '').replace(/[\s*＊]/g, '').trim();

export function mapHeaders(headers: string[], fields: HeaderField[]): HeaderResult {
  if (headers.length === 0 || headers.every((h) => clean(h) === '')) {
    return { ok: false, code: 'HEADER_EMPTY', message: 'the file has no header row' };
  }
  const lookup = new Map<string, string>();
  for (const f of fields) {
    lookup.set(f.key.toLowerCase(), f.key);
    for (const z of f.zh) lookup.set(clean(z), f.key);
  }
  const keys: (string | undefined)[] = [];
  const unknown: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < headers.length; i++) {
    const h = clean(headers[i]);
    const key = lookup.get(h) ?? lookup.get(h.toLowerCase());
    if (key === undefined) {
      unknown.push(headers[i]);
      keys.push(undefined);
      continue;
    }
    const prev = seen.get(key);
    if (prev !== undefined) {
      return {
        ok: false,
        code: 'HEADER_DUPLICATE',
        message: `columns ${prev + 1} ("${headers[prev]}") and ${i + 1} ("${headers[i]}") both mean "${key}"`,
      };
    }
    seen.set(key, i);
    keys.push(key);
  }
  const missing = fields.filter((f) => f.required && !seen.has(f.key));
  if (missing.length) {
    return {
      ok: false,
      code: 'HEADER_MISSING',
      message: `required column(s) missing: ${missing.map((f) => `${f.key} (${f.zh[0]})`).join(', ')}; the header row was: ${headers.slice(0, 20).join(',')}`,
    };
  }
  return { ok: true, map: { keys, unknown } };
}
