// birth arrives as CSV, XML (<births><birth>…) or JSON; header names agencies use besides the contract's.
import type { FeedFormat } from '../types.js';
import { flatRows, headerFields } from '../shared/flat-rows.js';
import { BirthFeedRecord } from './schema.js';

export const BIRTH_HEADERS = headerFields(BirthFeedRecord, {
  record_id: ['出生证编号', '出生医学证明号', '证明编号'],
  facility_code: ['医疗机构代码', '接生机构代码'],
  birth_time: ['出生日期时间', '出生日期'],
  child_name: ['婴儿姓名', '新生儿名字'],
  child_sex: ['婴儿性别', '性别'],
  mother_id_number: ['母亲身份证号', '母亲身份证号码', '母亲公民身份号码'],
  father_id_number: ['父亲身份证号', '父亲身份证号码', '父亲公民身份号码'],
  birth_division: ['出生地区划', '出生地行政区划代码'],
});

export function birthRows(text: AsyncIterable<string>, format: FeedFormat, maxChars: number) {
  return flatRows(text, format, maxChars, { fields: BIRTH_HEADERS, xml: { root: 'births', record: 'birth' } });
}
