// Names for matching: traditional → simplified, minority-name separators and spaces removed,
// and a toneless pinyin key read with surname pronunciations (单 shan, 曾 zeng, 解 xie).
import OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { toAscii } from './fullwidth.js';

const t2s = OpenCC.Converter({ from: 'hk', to: 'cn' });
const t2sTw = OpenCC.Converter({ from: 'tw', to: 'cn' });

// · (U+00B7), ・ (U+30FB), • (U+2022), ‧ (U+2027), ．/. and spaces all occur as separators.
const SEPARATORS = /[\s\u00B7\u30FB\u2022\u2027\u2219\u0387.\uFF0E\u3000]+/g;

/** The display form: trimmed, inner runs of separators unified to a middle dot. */
export function cleanName(raw: string): string {
  return raw.trim().replace(/\s*[\u00B7\u30FB\u2022\u2027\u2219\u0387.\uFF0E]\s*/g, '·').replace(/\s+/g, ' ');
}

/** The comparison form: simplified, no separators, latin letters lower-case. */
export function normaliseName(raw: string): string {
  const s = t2sTw(t2s(toAscii(raw)));
  return s.replace(SEPARATORS, '').toLowerCase();
}

/** Toneless pinyin of a normalised name, syllables joined without spaces. */
export function namePinyin(norm: string): string {
  if (!norm) return '';
  return pinyin(norm, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive', v: true })
    .join('')
    .toLowerCase();
}
