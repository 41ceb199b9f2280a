// Rules of the reference-data columns that src/normalise does not cover: division levels, agency
// kinds, feed lists, monthly counts. Each takes a non-blank raw value.
import { FEED_KINDS, type FeedKind } from '../auth/principal.js';
import { toAscii } from '../normalise/fullwidth.js';
import type { Parsed } from './dictionary.js';

const word = (raw: string) => toAscii(raw).trim().toLowerCase();

const LEVELS: Record<string, string> = {
  province: 'province', '省': 'province', '省级': 'province',
  city: 'city', '市': 'city', '地': 'city', '地级': 'city', '市级': 'city',
  county: 'county', '县': 'county', '县级': 'county', '区': 'county',
  township: 'township', '乡': 'township', '乡级': 'township', '镇': 'township', '乡镇': 'township', '街道': 'township',
  village: 'village', '村': 'village', '村级': 'village', '社区': 'village', '居委会': 'village', '村委会': 'village',
};

export function parseDivisionLevel(raw: string): Parsed {
  const v = LEVELS[word(raw)];
  return v
    ? { ok: true, value: v }
    : { ok: false, code: 'LEVEL_CODE', message: `"${raw.trim().slice(0, 20)}" is not a level (省/市/县/乡/村 or province/city/county/township/village)` };
}

const KINDS: Record<string, string> = {
  hospital: 'hospital', '医疗机构': 'hospital', '医院': 'hospital', '医疗卫生机构': 'hospital',
  police: 'police', '公安': 'police', '公安局': 'police', '公安机关': 'police',
  civil_affairs: 'civil_affairs', '民政': 'civil_affairs', '民政局': 'civil_affairs',
  housing: 'housing', '房产': 'housing', '住建': 'housing', '房管': 'housing', '住房和城乡建设': 'housing',
};

export function parseAgencyKind(raw: string): Parsed {
  const v = KINDS[word(raw)];
  return v
    ? { ok: true, value: v }
    : { ok: false, code: 'KIND_CODE', message: `"${raw.trim().slice(0, 20)}" is not an agency kind (hospital 医疗机构, police 公安, civil_affairs 民政, housing 房产)` };
}

const FEED_WORDS: Record<string, FeedKind> = {
  ...Object.fromEntries(FEED_KINDS.map((f) => [f, f])),
  '产前检查': 'prenatal', '产检': 'prenatal',
  '出生': 'birth', '出生医学证明': 'birth',
  '户籍': 'household', '户籍变动': 'household',
  '婚姻': 'marriage', '婚姻登记': 'marriage',
  '住房': 'housing', '物业': 'housing', '住户': 'housing',
};

/** "prenatal、birth" → "birth,prenatal" (sorted, without repeats, so a re-import compares equal). */
export function parseFeeds(raw: string): Parsed {
  const words = toAscii(raw).split(/[,、，;；\s]+/).map((w) => w.trim()).filter(Boolean);
  const bad = words.filter((w) => !FEED_WORDS[w.toLowerCase()]);
  if (bad.length) {
    return { ok: false, code: 'FEED_KIND', message: `${bad.join(', ').slice(0, 60)}: not a feed (${FEED_KINDS.join(', ')})` };
  }
  return { ok: true, value: [...new Set(words.map((w) => FEED_WORDS[w.toLowerCase()]))].sort().join(',') };
}

export function parseCount(raw: string): Parsed {
  const s = toAscii(raw).trim();
  return /^\d{1,4}$/.test(s)
    ? { ok: true, value: String(Number(s)) }
    : { ok: false, code: 'COUNT_FORMAT', message: `"${s.slice(0, 20)}" is not a whole number of submissions per month` };
}
