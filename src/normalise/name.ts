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

// Standard simplified characters (通用规范汉字表) that opencc's tw→cn table still rewrites, which
// turns 王乾 (qian) into 王干 (gan) and 李著 (zhu) into 李着 (zhe): they are kept as written.
const KEEP = /([乾著])/;

/**
 * The comparison form: simplified, no separators, latin letters lower-case. NFKC first, so
 * Kangxi radicals (⽇ U+2F47) and compatibility ideographs pasted from old systems fold too.
 */
export function normaliseName(raw: string): string {
  const parts = toAscii(raw).normalize('NFKC').split(KEEP);
  const s = parts.map((p, i) => (i % 2 === 1 ? p : t2sTw(t2s(p)))).join('');
  return s.replace(SEPARATORS, '').toLowerCase();
}

/** Toneless pinyin of a normalised name, syllables joined without spaces. */
export function namePinyin(norm: string): string {
  if (!norm) return '';
  return pinyin(norm, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive', v: true })
    .join('')
    .toLowerCase();
}
