// household — police household-registration events (户籍变动), feeds.md. Nested like its XML:
// <event id type date><person>…</person><hukouDivision/>…<previous>…</previous></event>;
// the JSON form is an array of such events with the same names.
import { Type, type Static } from '@sinclair/typebox';
import { Code, DateText, IdText, Opt, Text } from '../shared/schema-types.js';

export const HouseholdPerson = Type.Object(
  {
    idNumber: Opt(IdText('公民身份号码')),
    name: Text('姓名', 60),
    sex: Opt(Code('性别', 20)),
    birthDate: Opt(DateText('出生日期')),
    ethnicity: Opt(Code('民族', 20)),
  },
  { title: '人员' },
);

export const HouseholdPrevious = Type.Object(
  {
    idNumber: Opt(IdText('更正前公民身份号码')),
    name: Opt(Text('更正前姓名', 60)),
  },
  { title: '更正前', description: 'a correction: the old values' },
);

export const HouseholdFeedEvent = Type.Object(
  {
    id: Code('事件编号', 64),
    type: Text('变动类型', 20),
    date: DateText('变动日期'),
    person: HouseholdPerson,
    hukouDivision: Opt(Code('户籍地区划代码')),
    fromDivision: Opt(Code('迁出地区划代码')),
    toDivision: Opt(Code('迁入地区划代码')),
    householdNo: Opt(Code('户号', 64)),
    relationToHead: Opt(Text('与户主关系', 40)),
    previous: Opt(HouseholdPrevious),
  },
  {
    $id: 'HouseholdFeedEvent',
    title: 'household-registration event (户籍变动)',
    description: 'type: birth 出生登记, move_in 迁入, move_out 迁出, death 死亡注销, correction 变更更正 (with previous).',
  },
);
export type HouseholdFeedEvent = Static<typeof HouseholdFeedEvent>;
