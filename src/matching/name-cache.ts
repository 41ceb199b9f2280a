// Normalised name and pinyin key per distinct raw name. opencc and the pinyin conversion are the
// dearest part of preparing a record (~10 µs a name); a day's feeds repeat names (王伟, 李娜)
// and the same person across feeds, so each distinct string is converted once per process.
import { cleanName, namePinyin, normaliseName } from '../normalise/name.js';

export interface NameForms {
  norm: string;
  pinyin: string;
}

const MAX_ENTRIES = 500_000;
let cache = new Map<string, NameForms>();

export function nameForms(raw: string): NameForms {
  let f = cache.get(raw);
  if (!f) {
    const norm = normaliseName(cleanName(raw));
    f = { norm, pinyin: namePinyin(norm) };
    // A generation-style reset keeps memory bounded without the bookkeeping of an LRU.
    if (cache.size >= MAX_ENTRIES) cache = new Map();
    cache.set(raw, f);
  }
  return f;
}
