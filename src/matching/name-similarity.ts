// Names compared level by level, strongest first. Everything a comparison needs is computed once
// per record (prepareName), so comparing a pair allocates nothing; the persons table already
// stores name_norm and name_pinyin, which prepareName accepts instead of recomputing them.
import { cleanName, namePinyin, normaliseName } from '../normalise/name.js';
import { charInfo, infoConfusable, infoHomophones, type CharInfo } from './confusable-chars.js';
import { MISSING } from './levels.js';

export const NAME_LEVELS = ['exact', 'normalised', 'pinyin', 'confusable', 'partial', 'differs'] as const;
export const NAME_EXACT = 0;
export const NAME_NORMALISED = 1;
export const NAME_PINYIN = 2;
export const NAME_CONFUSABLE = 3;
export const NAME_PARTIAL = 4;
export const NAME_DIFFERS = 5;

// Two-character surnames (复姓) still in use; a name starting with one splits after it.
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒',
  '夏侯', '令狐', '轩辕', '端木', '独孤', '南宫', '西门', '百里', '呼延', '澹台', '公冶', '宗政',
  '濮阳', '淳于', '单于', '太叔', '申屠', '仲孙', '钟离', '闻人', '万俟', '赫连', '司空', '亓官',
  '司寇', '巫马', '公西', '拓跋', '乐正', '壤驷', '公良', '谷梁', '左丘', '梁丘', '东郭', '第五',
  '鲜于', '闾丘', '子车', '颛孙', '羊舌', '微生', '梁丘', '段干', '南门', '呼衍', '归海', '东门',
]);

export interface PreparedName {
  /** Display form (cleanName): exact means these are equal. */
  display: string;
  /** normaliseName: simplified, no separators. */
  norm: string;
  /** namePinyin(norm). */
  pinyin: string;
  /** The characters of norm, as shared CharInfo objects (compared by identity, readings precomputed). */
  chars: readonly CharInfo[];
  surname: string;
  /** Characters in the surname: 2 for a compound surname, 0 for a name in another script. */
  surnameLength: number;
  given: string;
  /** Normalised parts of a name written with separators (阿依古丽·买买提); one part otherwise. */
  parts: readonly string[];
}

/** Han names split after a compound or single-character surname; other scripts have no split. */
export function splitSurname(norm: string): { surname: string; given: string } {
  if (!/^\p{Script=Han}/u.test(norm)) return { surname: '', given: norm };
  const chars = [...norm];
  const n = chars.length >= 3 && COMPOUND_SURNAMES.has(chars[0] + chars[1]) ? 2 : 1;
  return { surname: chars.slice(0, n).join(''), given: chars.slice(n).join('') };
}

/**
 * Prepare a name once per record. Pass the stored name_norm / name_pinyin of a person row to skip
 * the opencc and pinyin work (the pinyin conversion dominates preparation time).
 */
export function prepareName(raw: string | null | undefined, stored?: { norm?: string | null; pinyin?: string | null }): PreparedName | null {
  if (!raw) return null;
  const display = cleanName(raw);
  const norm = stored?.norm ?? normaliseName(display);
  if (!norm) return null;
  const pinyin = stored?.pinyin ?? namePinyin(norm);
  // A middle dot always separates parts; a space only in a long name (王 伟 is a typing slip).
  const rawParts = display.split(norm.length >= 5 ? /[·\s]+/ : /·+/).filter(Boolean);
  const parts = rawParts.length > 1 ? rawParts.map(normaliseName).filter(Boolean) : [norm];
  const { surname, given } = splitSurname(norm);
  return { display, norm, pinyin, chars: [...norm].map(charInfo), surname, surnameLength: [...surname].length, given, parts };
}

/** exact / normalised / pinyin / confusable / partial / differs / MISSING. */
export function compareNames(a: PreparedName | null, b: PreparedName | null): number {
  if (!a || !b) return MISSING;
  if (a.display === b.display) return NAME_EXACT;
  if (a.norm === b.norm) return NAME_NORMALISED;
  if (a.pinyin === b.pinyin && a.pinyin !== '') return NAME_PINYIN;
  if (a.chars.length === b.chars.length && allConfusable(a.chars, b.chars)) return NAME_CONFUSABLE;
  if (partialAgreement(a, b)) return NAME_PARTIAL;
  return NAME_DIFFERS;
}

function allConfusable(a: readonly CharInfo[], b: readonly CharInfo[]): boolean {
  for (let i = 0; i < a.length; i++) if (!infoConfusable(a[i], b[i])) return false;
  return true;
}

/**
 * Surname-aware partial agreement:
 * - minority and foreign names with separators: one name's parts are among the other's
 *   (阿依古丽·买买提 vs 阿依古丽 — the father's name is often left off);
 * - same surname (or a homophone of it) and given names one character apart by an insertion,
 *   deletion or swap — a two-character name written as three or the other way round
 *   (王伟 / 王伟华 / 王小伟, 李华伟 / 李伟华);
 * - same given name of two or more characters, and a compound surname cut to its first
 *   character (欧阳娜娜 / 欧娜娜).
 */
function partialAgreement(a: PreparedName, b: PreparedName): boolean {
  if ((a.parts.length > 1 || b.parts.length > 1) && partsAgree(a.parts, b.parts)) return true;
  if (!a.surnameLength || !b.surnameLength) return false;
  const sameSurname = a.surname === b.surname || (a.surnameLength === 1 && b.surnameLength === 1 && infoHomophones(a.chars[0], b.chars[0]));
  if (sameSurname) return oneEditApart(a.chars, a.surnameLength, b.chars, b.surnameLength);
  if (a.given === b.given && a.chars.length - a.surnameLength >= 2) {
    return a.surname.startsWith(b.surname) || b.surname.startsWith(a.surname);
  }
  return false;
}

function partsAgree(a: readonly string[], b: readonly string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.every((p) => p.length >= 2 && long.includes(p))) return true;
  // A side written without separators and a part left off: 阿依古丽买买提 vs 阿依古丽·买买提·艾力.
  if (short.length !== 1) return false;
  let run = '';
  for (const p of long) if ((run += p) === short[0]) return true;
  return false;
}

/**
 * Given names a[from…] and b[from…] one insertion, deletion or adjacent swap apart, the shorter
 * keeping at least one character. CharInfo objects are shared, so identity is equality.
 */
function oneEditApart(a: readonly CharInfo[], aFrom: number, b: readonly CharInfo[], bFrom: number): boolean {
  const na = a.length - aFrom, nb = b.length - bFrom;
  if (na === nb) {
    if (na < 2) return false;
    let i = 0;
    while (i < na && a[aFrom + i] === b[bFrom + i]) i++;
    if (i >= na - 1 || a[aFrom + i] !== b[bFrom + i + 1] || a[aFrom + i + 1] !== b[bFrom + i]) return false;
    for (let j = i + 2; j < na; j++) if (a[aFrom + j] !== b[bFrom + j]) return false;
    return true;
  }
  if (Math.abs(na - nb) !== 1 || Math.min(na, nb) < 1) return false;
  const [s, sFrom, ns, l, lFrom] = na < nb ? [a, aFrom, na, b, bFrom] : [b, bFrom, nb, a, aFrom];
  let i = 0;
  while (i < ns && s[sFrom + i] === l[lFrom + i]) i++;
  for (let j = i; j < ns; j++) if (s[sFrom + j] !== l[lFrom + j + 1]) return false;
  return true;
}
