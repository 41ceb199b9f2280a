// prenatal — hospital prenatal examinations (产前检查登记), feeds.md. Only the contract's fields:
// the gateway uses them to enrol a resident in free maternal care at her current township.
import { Type, type Static } from '@sinclair/typebox';
import { Code, DateText, IdText, Opt, Text } from '../shared/schema-types.js';

export const PrenatalFeedRecord = Type.Object(
  {
    record_id: Code('记录编号', 64),
    facility_code: Opt(Code('机构代码', 64)),
    exam_date: DateText('检查日期'),
    name: Text('姓名', 60),
    id_type: Opt(Code('证件类型', 20)),
    id_number: IdText('证件号码'),
    birth_date: Opt(DateText('出生日期')),
    phone: Opt(Code('联系电话')),
    address: Opt(Text('现住址')),
    residence_division: Opt(Code('现住址区划代码')),
    gestational_weeks: Opt(Code('孕周', 20)),
    expected_date: Opt(DateText('预产期')),
  },
  {
    $id: 'PrenatalFeedRecord',
    title: 'prenatal examination (产前检查登记)',
    description: 'One examination. id_type: 01 居民身份证 (default), 03 护照, 04 港澳通行证, 05 台湾通行证, 99 其他.',
  },
);
export type PrenatalFeedRecord = Static<typeof PrenatalFeedRecord>;
