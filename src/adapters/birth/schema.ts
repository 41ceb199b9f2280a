// birth — hospital birth records (出生医学证明), feeds.md.
import { Type, type Static } from '@sinclair/typebox';
import { Code, DateText, IdText, Opt, Text } from '../shared/schema-types.js';

export const BirthFeedRecord = Type.Object(
  {
    record_id: Code('出生医学证明编号', 64),
    facility_code: Opt(Code('机构代码', 64)),
    birth_time: DateText('出生时间'),
    child_name: Opt(Text('新生儿姓名', 60)),
    child_sex: Opt(Code('新生儿性别', 20)),
    mother_name: Text('母亲姓名', 60),
    mother_id_number: IdText('母亲证件号码'),
    father_name: Opt(Text('父亲姓名', 60)),
    father_id_number: Opt(IdText('父亲证件号码')),
    birth_division: Opt(Code('出生地区划代码')),
  },
  {
    $id: 'BirthFeedRecord',
    title: 'birth record (出生医学证明)',
    description: 'One birth certificate. XML form: <births><birth>…</birth></births> with child elements named by these keys.',
  },
);
export type BirthFeedRecord = Static<typeof BirthFeedRecord>;
