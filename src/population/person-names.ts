// Names are normalised in Node, once per distinct name: the rules (OpenCC traditional → simplified,
// pinyin with surname readings) live in src/normalise and have no SQL twin. A county has far
// fewer distinct names than persons (王伟, 张伟, 李娜 … repeat by the hundred).
import { cleanName, namePinyin, normaliseName } from '../normalise/name.js';

export const MAX_NAME_LENGTH = 50;

export interface NameForms {
  raw: string;
  /** Display form (trimmed, separators unified). */
  name: string;
  norm: string;
  pinyin: string;
  code: string | null;
  message: string | null;
}

export function nameForms(raw: string): NameForms {
  const name = cleanName(raw);
  const norm = normaliseName(raw);
  const bad = (code: string, message: string): NameForms => ({ raw, name, norm, pinyin: '', code, message });
  if (name === '' || norm === '') return bad('NAME_MISSING', 'the person has no 姓名 (name)');
  if (name.includes('\uFFFD')) return bad('ENCODING', 'the name has characters that could not be decoded');
  if ([...name].length > MAX_NAME_LENGTH) return bad('NAME_FORMAT', `the name is longer than ${MAX_NAME_LENGTH} characters`);
  return { raw, name, norm, pinyin: namePinyin(norm), code: null, message: null };
}
