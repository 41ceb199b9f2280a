// Small schema pieces every coordination module uses.
import { Type, type TSchema } from '@sinclair/typebox';

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
export const NullableString = Type.Union([Type.String(), Type.Null()]);
export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
export const UnitCode = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'a member unit code (agency code, township or county division code)' });
export const CountyCode = Type.String({ pattern: '^[0-9]{6}$' });
export const MonthKey = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'a calendar month, China Standard Time: 2024-03' });
export const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 }));
export const CursorParam = Type.Optional(Type.String({ maxLength: 200 }));
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const literals = <T extends readonly string[]>(xs: T) => Type.Unsafe<T[number]>(Type.Union(xs.map((x) => Type.Literal(x))));

export const pageOfRef = (id: string, ref: string): TSchema =>
  Type.Object({ items: Type.Array(Type.Ref(ref)), nextCursor: Type.Union([Type.String(), Type.Null()]) }, { $id: id });

export const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
