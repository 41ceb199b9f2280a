// Blocking keys: two persons become a candidate pair when they share a key of the same rule. Each
// rule is there to survive one kind of error that the others do not; a pair is compared once
// however many keys it shares. The blocking SQL can store these keys or build the same strings
// with SQL expressions — each rule names its expression over the persons table.
import { idBlockingKeys } from './id-compare.js';
import type { PreparedRecord } from './record.js';

export type BlockingRule =
  | 'id' // one ID variant: survives one wrong digit or transposed pair (see ID_KEY_WINDOWS)
  | 'pinyin_birth' // name_pinyin || birth_date: traditional/simplified, separators, homophones
  | 'pinyin_birth_swapped' // name_pinyin || year || min(month, day) || max(month, day): day–month swapped
  | 'pinyin_year_month' // name_pinyin || yyyymm: a wrong day
  | 'pinyin_year_day' // name_pinyin || yyyy || dd: a wrong month
  | 'pinyin_month_day' // name_pinyin || mmdd: a wrong year
  | 'birth_county_sex' // birth_date || county of a division || sex: look-alike characters, a changed name
  | 'pinyin_county' // name_pinyin || county: no birth date (a mother on a birth record)
  | 'phone'; // last 8 digits of the phone

export interface BlockingKey {
  rule: BlockingRule;
  key: string;
}

/** Every key of a prepared record; the same function serves records and persons. */
export function blockingKeys(r: PreparedRecord): BlockingKey[] {
  const out: BlockingKey[] = [];
  for (const key of idBlockingKeys(r.id)) out.push({ rule: 'id', key });
  const py = r.name?.pinyin ?? '';
  const counties = [...new Set(r.divisions.filter((d) => d.length >= 6).map((d) => d.slice(0, 6)))];
  if (r.birth) {
    const d = String(r.birth);
    const [y, m, dd] = [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8)];
    if (py) {
      out.push({ rule: 'pinyin_birth', key: `${py}|${d}` });
      out.push({ rule: 'pinyin_birth_swapped', key: `${py}|${y}${m < dd ? m + dd : dd + m}` });
      out.push({ rule: 'pinyin_year_month', key: `${py}|${y}${m}` });
      out.push({ rule: 'pinyin_year_day', key: `${py}|${y}..${dd}` });
      out.push({ rule: 'pinyin_month_day', key: `${py}|${m}${dd}` });
    }
    if (r.sex) for (const c of counties) out.push({ rule: 'birth_county_sex', key: `${d}|${c}|${r.sex}` });
  }
  if (py) for (const c of counties) out.push({ rule: 'pinyin_county', key: `${py}|${c}` });
  if (r.phone.length >= 7) out.push({ rule: 'phone', key: r.phone.slice(-8) });
  return out;
}
