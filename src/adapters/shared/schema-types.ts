// Building blocks for the feed schemas (schema.ts in each feed folder). A property's `title` is
// the contract's Chinese header: CSV headers and the labels in error messages come from it, so
// the schema stays the one description of a feed's fields.
import { Type, type TSchema } from '@sinclair/typebox';

/** Free text. */
export const Text = (title: string, maxLength = 200) => Type.String({ title, maxLength });

/** A code an agency's JSON may also send as a number (sex 1, division 430102001001, weeks 32). */
export const Code = (title: string, maxLength = 40) => Type.Union([Type.String({ maxLength }), Type.Integer()], { title });

/** A date or datetime in any of the contract's forms; JSON may give 20240305 as a number. */
export const DateText = (title: string) =>
  Type.Union([Type.String({ maxLength: 40 }), Type.Integer()], { title, description: 'e.g. 2024-03-05, 2024/3/5, 20240305 or 2024年3月5日' });

/** A document number: text only, since 18 digits as a JSON number lose their last digits. */
export const IdText = (title: string) =>
  Type.String({ title, maxLength: 40, description: 'as a string: an 18-digit JSON number loses digits' });

/** An optional field: absent, null or blank all mean "not given". */
export const Opt = <T extends TSchema>(t: T) =>
  Type.Optional(Type.Union([t, Type.Null()], { title: t.title, ...(t.description ? { description: t.description } : {}) }));

/** field path → 'title (key)', for messages: '母亲证件号码 (mother_id_number)', 'person.name' → '姓名 (person.name)'. */
export function labelsOf(schema: TSchema, prefix = '', into = new Map<string, string>()): Map<string, string> {
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  for (const [key, prop] of Object.entries(props)) {
    const path = prefix + key;
    into.set(path, prop.title ? `${prop.title} (${path})` : path);
    const objects = [prop, ...((prop.anyOf as TSchema[] | undefined) ?? [])].filter((s) => s.properties);
    for (const o of objects) labelsOf(o, `${path}.`, into);
  }
  return into;
}
