// Reading a flat feed (one level of fields: prenatal, birth, marriage, housing) in any format.
// CSV headers, XML element names and JSON keys may be the contract's Chinese names or the
// English keys; all come out keyed by the English key, unknown ones kept as they were.
import type { TObject } from '@sinclair/typebox';
import type { FeedFormat } from '../types.js';
import { readCsv } from './csv-reader.js';
import { mapHeaders, type HeaderField } from './headers.js';
import { readJson } from './json-reader.js';
import { isSafeKey, type RawRow } from './raw-row.js';
import { readXml, type XmlShape } from './xml-reader.js';

/** CSV header fields from the schema: each property's title is its Chinese header; more names in `aliases`. */
export function headerFields(schema: TObject, aliases: Record<string, string[]> = {}): HeaderField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([key, p]) => ({
    key,
    zh: [p.title ?? key, ...(aliases[key] ?? [])],
    required: required.has(key),
  }));
}

export interface FlatShape {
  fields: HeaderField[];
  xml?: XmlShape;
}

const MAX_KEY_SETS = 64;

/** Renames the keys of XML/JSON records to the English keys; key sets repeat, so mappings are cached. */
function keyMapper(fields: HeaderField[]) {
  const optional = fields.map((f) => ({ ...f, required: false }));
  const cache = new Map<string, (string | null)[] | 'same' | { message: string }>();
  return (row: RawRow): RawRow => {
    if (!row.raw || row.error) return row;
    const keys = Object.keys(row.raw);
    const sig = keys.join('\u0000');
    let how = cache.get(sig);
    if (how === undefined) {
      const m = mapHeaders(keys, optional);
      if (!m.ok) how = m.code === 'HEADER_EMPTY' ? 'same' : { message: m.message }; // no keys at all: the schema names what is missing
      else how = m.map.keys.every((k, i) => k === undefined || k === keys[i]) ? 'same' : m.map.keys.map((k) => k ?? null);
      if (cache.size < MAX_KEY_SETS) cache.set(sig, how);
    }
    if (how === 'same') return row;
    if (!Array.isArray(how)) return { ...row, error: { field: null, code: 'HEADER_DUPLICATE', message: `record ${row.position}: ${how.message.replace(/^columns/, 'fields')}` } };
    const raw: Record<string, unknown> = {};
    keys.forEach((k, i) => {
      const to = how[i] ?? k;
      if (isSafeKey(to)) raw[to] = row.raw![k];
    });
    return { position: row.position, raw };
  };
}

export async function* flatRows(text: AsyncIterable<string>, format: FeedFormat, maxChars: number, shape: FlatShape): AsyncGenerator<RawRow[]> {
  if (format === 'csv') return yield* readCsv(text, shape.fields, maxChars);
  const rename = keyMapper(shape.fields);
  const batches = format === 'xml' ? readXml(text, shape.xml!, maxChars) : readJson(text, maxChars);
  for await (const batch of batches) yield batch.map(rename);
}
