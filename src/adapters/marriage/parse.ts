// marriage arrives as CSV, XML (<marriages><marriage>…) or JSON; header names agencies use besides the contract's.
import type { FeedFormat } from '../types.js';
import { flatRows, headerFields } from '../shared/flat-rows.js';
import { MarriageFeedRecord } from './schema.js';

export const MARRIAGE_HEADERS = headerFields(MarriageFeedRecord, {
  record_id: ['登记证号', '结婚证字号', '登记证字号'],
  kind: ['业务类型', '登记种类'],
  registered_on: ['登记时间', '办理日期'],
  office_code: ['登记机关', '婚姻登记机关代码'],
  party1_id_number: ['男方身份证号', '男方身份证号码', '男方公民身份号码'],
  party2_id_number: ['女方身份证号', '女方身份证号码', '女方公民身份号码'],
});

export function marriageRows(text: AsyncIterable<string>, format: FeedFormat, maxChars: number) {
  return flatRows(text, format, maxChars, { fields: MARRIAGE_HEADERS, xml: { root: 'marriages', record: 'marriage' } });
}
