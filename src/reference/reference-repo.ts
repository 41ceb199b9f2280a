// Divisions and member agencies: SQL and row mapping.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../gateway/schemas.js';

export const DivisionSchema = shareSchema(
  Type.Object(
    {
      code: Type.String(),
      name: Type.String(),
      level: Type.String({ enum: ['province', 'city', 'county', 'township', 'village'] }),
      parentCode: Type.Union([Type.String(), Type.Null()]),
    },
    { $id: 'Division' },
  ),
);
export type Division = Static<typeof DivisionSchema>;

export const AgencySchema = shareSchema(
  Type.Object(
    {
      code: Type.String(),
      name: Type.String(),
      kind: Type.String({ enum: ['hospital', 'police', 'civil_affairs', 'housing'] }),
      division: Type.String(),
      feeds: Type.Array(Type.String()),
      expectedPerMonth: Type.Integer(),
    },
    { $id: 'Agency' },
  ),
);
export type Agency = Static<typeof AgencySchema>;

export const toDivision = (r: { code: string; name: string; level: string; parent_code: string | null }): Division => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
});

export const toAgency = (r: {
  code: string; name: string; kind: string; division: string; feeds: string[]; expected_per_month: number;
}): Agency => ({
  code: r.code,
  name: r.name,
  kind: r.kind,
  division: r.division,
  feeds: r.feeds,
  expectedPerMonth: r.expected_per_month,
});

export function divisionsSql(parent: string | undefined) {
  return parent === undefined
    ? { text: "SELECT * FROM divisions WHERE parent_code IS NULL OR level = 'province' ORDER BY code", values: [] }
    : { text: 'SELECT * FROM divisions WHERE parent_code = $1 ORDER BY code', values: [parent] };
}

export function agenciesSql() {
  return { text: 'SELECT * FROM agencies ORDER BY code', values: [] };
}

export function agencyByCodeSql(code: string) {
  return { text: 'SELECT * FROM agencies WHERE code = $1', values: [code] };
}
