// housing — housing-department residents and tenants (物业小区住户和租户), feeds.md.
import { Type, type Static } from '@sinclair/typebox';
import { Code, DateText, IdText, Opt, Text } from '../shared/schema-types.js';

export const HousingFeedRecord = Type.Object(
  {
    record_id: Code('记录编号', 64),
    property_id: Opt(Code('房屋编号', 64)),
    division: Code('区划代码'),
    address: Opt(Text('房屋地址')),
    name: Text('姓名', 60),
    id_number: Opt(IdText('证件号码')),
    phone: Opt(Code('联系电话')),
    occupancy: Opt(Text('居住类型', 20)),
    moved_in: Opt(DateText('入住日期')),
    moved_out: Opt(DateText('退租日期')),
  },
  {
    $id: 'HousingFeedRecord',
    title: 'housing record (物业小区住户和租户)',
    description: 'One resident or tenant of a property. occupancy: owner 业主, tenant 租户, other 借住; moved_out empty while living there.',
  },
);
export type HousingFeedRecord = Static<typeof HousingFeedRecord>;
