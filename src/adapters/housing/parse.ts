// housing arrives as CSV or JSON; header names agencies use besides the contract's.
import type { FeedFormat } from '../types.js';
import { flatRows, headerFields } from '../shared/flat-rows.js';
import { HousingFeedRecord } from './schema.js';

export const HOUSING_HEADERS = headerFields(HousingFeedRecord, {
  record_id: ['编号', '序号ID'],
  property_id: ['房屋ID', '房号'],
  division: ['行政区划代码', '所在区划代码'],
  address: ['地址', '住址'],
  id_number: ['身份证号', '身份证号码', '公民身份号码', '证件号'],
  phone: ['电话', '手机号', '手机号码', '联系方式'],
  occupancy: ['居住性质', '住户类型'],
  moved_in: ['入住时间', '迁入日期'],
  moved_out: ['退租时间', '迁出日期'],
});

export function housingRows(text: AsyncIterable<string>, format: FeedFormat, maxChars: number) {
  return flatRows(text, format, maxChars, { fields: HOUSING_HEADERS });
}
