// The persons table: SQL next to its owner, one row → domain mapping.
import { Type, type Static } from '@sinclair/typebox';
import { shareSchema } from '../gateway/schemas.js';

export const PersonSchema = shareSchema(
  Type.Object(
    {
      pid: Type.String(),
      idNumber: Type.Union([Type.String(), Type.Null()]),
      idSuspect: Type.Boolean(),
      name: Type.String(),
      sex: Type.Integer({ enum: [0, 1, 2, 9] }),
      birthDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
      ethnicity: Type.Union([Type.String(), Type.Null()]),
      hukouDivision: Type.Union([Type.String(), Type.Null()]),
      residenceDivision: Type.Union([Type.String(), Type.Null()]),
      maritalStatus: Type.Union([Type.String(), Type.Null()]),
      spousePid: Type.Union([Type.String(), Type.Null()]),
      motherPid: Type.Union([Type.String(), Type.Null()]),
      fatherPid: Type.Union([Type.String(), Type.Null()]),
      phone: Type.Union([Type.String(), Type.Null()]),
      status: Type.Integer({ enum: [1, 2, 3], description: '1 正常, 2 死亡, 3 迁出' }),
      updatedAt: Type.String(),
    },
    { $id: 'Person' },
  ),
);
export type Person = Static<typeof PersonSchema>;

export interface PersonRow {
  pid: string;
  id_number: string | null;
  id_suspect: boolean;
  name: string;
  sex: number;
  birth_date: string | null;
  ethnicity: string | null;
  hukou_division: string | null;
  residence_division: string | null;
  marital_status: string | null;
  spouse_pid: string | null;
  mother_pid: string | null;
  father_pid: string | null;
  phone: string | null;
  status: number;
  updated_at: Date;
}

export function toPerson(r: PersonRow): Person {
  return {
    pid: r.pid,
    idNumber: r.id_number,
    idSuspect: r.id_suspect,
    name: r.name,
    sex: r.sex,
    birthDate: r.birth_date,
    ethnicity: r.ethnicity,
    hukouDivision: r.hukou_division,
    residenceDivision: r.residence_division,
    maritalStatus: r.marital_status,
    spousePid: r.spouse_pid,
    motherPid: r.mother_pid,
    fatherPid: r.father_pid,
    phone: r.phone,
    status: r.status,
    updatedAt: r.updated_at.toISOString(),
  };
}

export function personByPidSql(pid: string) {
  return { text: 'SELECT * FROM person_view WHERE pid = $1', values: [pid] };
}

export function personHistorySql(pid: string) {
  return {
    text: 'SELECT changed_at, actor, source, changes FROM person_history WHERE pid = $1 ORDER BY changed_at, id',
    values: [pid],
  };
}
