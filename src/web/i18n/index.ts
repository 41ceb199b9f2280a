// Chinese first, English on request: one dictionary per language with the same keys (the
// compiler checks that en.ts has every key of zh.ts), a cookie to remember the choice.
import type { FastifyRequest } from 'fastify';
import { LANG_COOKIE, parseCookies } from '../session.js';
import { en } from './en.js';
import { zh } from './zh.js';

export type Lang = 'zh' | 'en';
export const LANGS: readonly Lang[] = ['zh', 'en'];
export type Key = keyof typeof zh;
export type Dict = Record<Key, string>;

const DICTS: Record<Lang, Dict> = { zh, en };

export interface T {
  (key: Key, params?: Record<string, string | number>): string;
  /** A label for a code (status, feed, role…): `${prefix}.${code}`, or the code itself when unknown. */
  code(prefix: string, code: string | null | undefined): string;
  lang: Lang;
}

export function translator(lang: Lang): T {
  const d = DICTS[lang];
  const t = ((key: Key, params?: Record<string, string | number>) => {
    const s = d[key] ?? key;
    return params ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : s;
  }) as T;
  t.code = (prefix, code) => {
    if (code === null || code === undefined || code === '') return '—';
    return (d as Record<string, string>)[`${prefix}.${code}`] ?? code;
  };
  t.lang = lang;
  return t;
}

export function langOf(req: FastifyRequest): Lang {
  const c = parseCookies(req.headers.cookie)[LANG_COOKIE];
  return c === 'en' ? 'en' : 'zh';
}
