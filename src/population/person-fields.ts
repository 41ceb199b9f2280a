// The population contract's columns (feeds.md, "Reference data", population) and the rules of
// those normalised once per distinct value.
import type { HeaderField } from '../adapters/shared/headers.js';
import { parseDate, parseDivision, parseEthnicity, parseMarital, parseSex, toAscii } from '../normalise/index.js';
import type { DictColumn, Parsed } from '../reference/dictionary.js';

export const POPULATION_FIELDS: HeaderField[] = [
  { key: 'pid', zh: ['人员编号', '个人编号', '人员ID'], required: true },
  { key: 'id_number', zh: ['公民身份号码', '身份证号码', '身份证号', '证件号码'] },
  { key: 'name', zh: ['姓名'], required: true },
  { key: 'sex', zh: ['性别'] },
  { key: 'birth_date', zh: ['出生日期'] },
  { key: 'ethnicity', zh: ['民族'] },
  { key: 'hukou_division', zh: ['户籍地区划代码', '户籍地区划', '户籍区划代码'] },
  { key: 'residence_division', zh: ['现居住地区划代码', '现居住地区划', '现住址区划代码', '居住地区划代码'] },
  { key: 'marital_status', zh: ['婚姻状况'] },
  { key: 'spouse_pid', zh: ['配偶人员编号'] },
  { key: 'mother_pid', zh: ['母亲人员编号'] },
  { key: 'father_pid', zh: ['父亲人员编号'] },
  { key: 'phone', zh: ['联系电话', '手机号码', '电话'] },
  { key: 'status', zh: ['人员状态', '状态'] },
];

const STATUS: Record<string, string> = {
  '1': '1', '正常': '1', normal: '1',
  '2': '2', '死亡': '2', dead: '2', deceased: '2',
  '3': '3', '迁出': '3', moved_out: '3',
};

/** 人员状态: 1 正常, 2 死亡, 3 迁出. */
export function parsePersonStatus(raw: string): Parsed {
  const v = STATUS[toAscii(raw).trim().toLowerCase()];
  return v
    ? { ok: true, value: v }
    : { ok: false, code: 'STATUS_CODE', message: `"${raw.trim().slice(0, 20)}" is not a person status (1 正常, 2 死亡, 3 迁出)` };
}

const EARLIEST_BIRTH = '1880-01-01';

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A calendar date in any contract form, not after today and not before 1880. */
export function parseBirthDate(raw: string, today = localToday()): Parsed {
  const d = parseDate(raw);
  if (!d.ok) return d;
  if (d.value > today || d.value < EARLIEST_BIRTH) {
    return { ok: false, code: 'DATE_RANGE', message: `${d.value} is not a possible birth date (after today or before 1880)` };
  }
  return d;
}

const codeOf = <T>(parse: (raw: string) => { ok: true; value: T } | { ok: false; code: string; message: string }) =>
  (raw: string): Parsed => {
    const r = parse(raw);
    return r.ok ? { ok: true, value: String(r.value) } : r;
  };

/** Columns normalised once per distinct value (the rest — pid, ID and phone numbers, names — per row or per name). */
export const POPULATION_DICTIONARY: DictColumn[] = [
  { column: 'sex', parse: codeOf(parseSex) },
  { column: 'birth_date', parse: (raw) => parseBirthDate(raw) },
  { column: 'ethnicity', parse: codeOf(parseEthnicity) },
  { column: 'hukou_division', parse: codeOf(parseDivision) },
  { column: 'residence_division', parse: codeOf(parseDivision) },
  { column: 'marital_status', parse: codeOf(parseMarital) },
  { column: 'status', parse: parsePersonStatus },
];
