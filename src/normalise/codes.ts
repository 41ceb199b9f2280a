// National code tables: sex (GB/T 2261.1), marital status (GB/T 2261.2), ethnicity (GB 3304),
// division codes (statistical codes PPCCDDTTTVVV) and phone numbers.
import { toAscii } from './fullwidth.js';

export type CodeResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const SEX: Record<string, 0 | 1 | 2 | 9> = {
  '0': 0, '未知': 0, '未知的性别': 0,
  '1': 1, '男': 1, '男性': 1, m: 1, male: 1,
  '2': 2, '女': 2, '女性': 2, f: 2, female: 2,
  '9': 9, '未说明': 9, '未说明的性别': 9, unknown: 9,
};

export function parseSex(raw: string): CodeResult<0 | 1 | 2 | 9> {
  const v = SEX[toAscii(raw).trim().toLowerCase()];
  return v === undefined
    ? { ok: false, code: 'SEX_CODE', message: `"${raw.trim().slice(0, 20)}" is not a sex code (1 男, 2 女, 9 unknown)` }
    : { ok: true, value: v };
}

const MARITAL: Record<string, string> = {
  '10': '10', '未婚': '10', single: '10',
  '20': '20', '21': '20', '22': '20', '23': '20', '已婚': '20', '初婚': '20', '再婚': '20', '复婚': '20', married: '20',
  '30': '30', '丧偶': '30', widowed: '30',
  '40': '40', '离婚': '40', divorced: '40',
  '90': '90', '未说明': '90', '未说明的婚姻状况': '90', unknown: '90',
};

export function parseMarital(raw: string): CodeResult<string> {
  const v = MARITAL[toAscii(raw).trim().toLowerCase()];
  return v === undefined
    ? { ok: false, code: 'MARITAL_CODE', message: `"${raw.trim().slice(0, 20)}" is not a marital status (10, 20, 30, 40, 90 or 未婚/已婚/丧偶/离婚)` }
    : { ok: true, value: v };
}

export const ETHNICITIES = [
  '汉', '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家',
  '哈尼', '哈萨克', '傣', '黎', '傈僳', '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜',
  '土', '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬', '锡伯', '阿昌', '普米', '塔吉克', '怒',
  '乌孜别克', '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔', '独龙', '鄂伦春', '赫哲', '门巴',
  '珞巴', '基诺',
];
const ETHNIC_BY_NAME = new Map<string, string>();
ETHNICITIES.forEach((n, i) => {
  const code = String(i + 1).padStart(2, '0');
  ETHNIC_BY_NAME.set(n, code);
  ETHNIC_BY_NAME.set(n + '族', code);
});
ETHNIC_BY_NAME.set('其他', '97').set('外国血统', '98').set('外国血统中国籍人士', '98');

export function parseEthnicity(raw: string): CodeResult<string> {
  const s = toAscii(raw).trim();
  if (/^\d{1,2}$/.test(s)) {
    const n = Number(s);
    if ((n >= 1 && n <= 56) || n === 97 || n === 98) return { ok: true, value: String(n).padStart(2, '0') };
  }
  const v = ETHNIC_BY_NAME.get(s);
  return v === undefined
    ? { ok: false, code: 'ETHNICITY_CODE', message: `"${s.slice(0, 20)}" is not an ethnicity (GB 3304 code 01–56 or its name)` }
    : { ok: true, value: v };
}

/**
 * Division codes to their shortest form: '430102000000' and '430102' are both the county 430102.
 * Levels are 2/4/6/9/12 digits; all-zero trailing groups mean "not this level".
 */
export function parseDivision(raw: string): CodeResult<string> {
  const s = toAscii(raw).trim();
  if (!/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/.test(s)) {
    return { ok: false, code: 'DIVISION_CODE', message: `"${s.slice(0, 20)}" is not a division code (2, 4, 6, 9 or 12 digits)` };
  }
  let c = s;
  if (c.length === 12 && c.endsWith('000')) c = c.slice(0, 9);
  if (c.length === 9 && c.endsWith('000')) c = c.slice(0, 6);
  if (c.length === 6 && c.endsWith('00')) c = c.slice(0, 4);
  if (c.length === 4 && c.endsWith('00')) c = c.slice(0, 2);
  if (c === '00') return { ok: false, code: 'DIVISION_CODE', message: `"${s}" is not a division code` };
  return { ok: true, value: c };
}

export function divisionLevel(code: string): 'province' | 'city' | 'county' | 'township' | 'village' {
  return ({ 2: 'province', 4: 'city', 6: 'county', 9: 'township', 12: 'village' } as const)[code.length as 2 | 4 | 6 | 9 | 12];
}

/** The township (9 digits) a code lies in, or undefined for a county or higher. */
export function townshipOf(code: string): string | undefined {
  return code.length >= 9 ? code.slice(0, 9) : undefined;
}

/** Mobile (11 digits from 1) or landline (area code from 0, 10–12 digits); +86 and separators dropped. */
export function parsePhone(raw: string): CodeResult<string> {
  let s = toAscii(raw).replace(/[\s()\-–—]+/g, '');
  s = s.replace(/^(\+?86|0086)(?=1\d{10}$)/, '');
  if (/^1[3-9]\d{9}$/.test(s) || /^0\d{9,11}$/.test(s) || /^[2-9]\d{6,7}$/.test(s)) return { ok: true, value: s };
  return { ok: false, code: 'PHONE_FORMAT', message: `"${s.slice(0, 20)}" is not a phone number (11-digit mobile or landline with area code)` };
}
