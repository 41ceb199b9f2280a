// prenatal arrives as CSV or JSON; header names agencies use besides the contract's.
import type { FeedFormat } from '../types.js';
import { flatRows, headerFields } from '../shared/flat-rows.js';
import { PrenatalFeedRecord } from './schema.js';

export const PRENATAL_HEADERS = headerFields(PrenatalFeedRecord, {
  record_id: ['编号', '登记编号'],
  facility_code: ['医疗机构代码', '检查机构代码'],
  exam_date: ['检查时间', '登记日期'],
  id_number: ['身份证号', '身份证号码', '公民身份号码', '证件号'],
  phone: ['电话', '手机号', '手机号码'],
  address: ['现居住地址', '居住地址', '住址'],
  residence_division: ['现居住地区划代码', '居住地区划代码'],
  gestational_weeks: ['孕周数', '孕周(周)'],
  expected_date: ['预产期日期'],
});

export function prenatalRows(text: AsyncIterable<string>, format: FeedFormat, maxChars: number) {
  return flatRows(text, format, maxChars, { fields: PRENATAL_HEADERS });
}
