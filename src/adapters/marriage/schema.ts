// marriage — civil-affairs marriage registrations (婚姻登记), feeds.md.
import { Type, type Static } from '@sinclair/typebox';
import { Code, DateText, IdText, Opt, Text } from '../shared/schema-types.js';

export const MarriageFeedRecord = Type.Object(
  {
    record_id: Code('登记编号', 64),
    kind: Text('登记类型', 20),
    registered_on: DateText('登记日期'),
    office_code: Opt(Code('登记机关代码', 64)),
    party1_name: Text('男方姓名', 60),
    party1_id_number: Opt(IdText('男方证件号码')),
    party1_birth_date: Opt(DateText('男方出生日期')),
    party2_name: Text('女方姓名', 60),
    party2_id_number: Opt(IdText('女方证件号码')),
    party2_birth_date: Opt(DateText('女方出生日期')),
  },
  {
    $id: 'MarriageFeedRecord',
    title: 'marriage registration (婚姻登记)',
    description:
      'One registration. kind: marriage 结婚登记, divorce 离婚登记, annulment 撤销婚姻, reissue 补领. party1 is 男方, party2 女方. XML form: <marriages><marriage>…</marriage></marriages>.',
  },
);
export type MarriageFeedRecord = Static<typeof MarriageFeedRecord>;
