// The part every feed shares: bytes → text → raw records (the feed's parse.ts) → record id
// check → schema check → field normalisation (the feed's map.ts) → ParsedOk or ParsedReject.
// A feed folder supplies only what differs; adding a feed is filling in a definition.
import type { Readable } from 'node:stream';
import type { TObject } from '@sinclair/typebox';
import { appError } from '../../errors.js';
import {
  DEFAULT_MAX_RECORD_BYTES,
  type FeedAdapter,
  type FeedFormat,
  type FeedKind,
  type ParsedItem,
  type ParseOptions,
  type PersonRole,
  type RecordError,
} from '../types.js';
import { FieldReader } from './field-reader.js';
import type { RawRow } from './raw-row.js';
import { labelsOf } from './schema-types.js';
import { decodeText } from './text-input.js';
import { compileSchema, schemaFindings } from './validate.js';

export interface FeedDefinition<R> {
  kind: FeedKind;
  formats: readonly FeedFormat[];
  /** The incoming record's JSON Schema; it must carry an $id. */
  schema: TObject;
  roles: readonly PersonRole[];
  /** The raw field holding the source record id ('record_id'; 'id' for household events). */
  idField: string;
  /** parse.ts: the raw records in decoded text, keyed like the schema, in batches (one per chunk read). */
  rows(text: AsyncIterable<string>, format: FeedFormat, maxChars: number): AsyncIterable<RawRow[]>;
  /** map.ts: the canonical record; problems go to the reader's errors and warnings. */
  map(f: FieldReader, recordId: string): R;
}

const NO_FINDINGS: ReadonlySet<string> = new Set();

function idOf(raw: Record<string, unknown> | null, idField: string): string | null {
  const v = raw?.[idField];
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
  return s === '' ? null : s;
}

export function defineAdapter<R>(def: FeedDefinition<R>): FeedAdapter<R> {
  const validate = compileSchema(def.schema);
  const labels = labelsOf(def.schema);
  const idLabel = labels.get(def.idField) ?? def.idField;

  /** One raw record → ParsedOk or ParsedReject. `seen`: record id → where it first appeared. */
  function item(row: RawRow, seen: Map<string, number>, where: string): ParsedItem<R> {
    const { position, raw } = row;
    const recordId = idOf(raw, def.idField);
    let errors: RecordError[] = [];
    if (recordId !== null) {
      const first = seen.get(recordId);
      if (first === undefined) seen.set(recordId, position);
      else errors.push({ field: def.idField, code: 'DUPLICATE_ID', message: `${idLabel}: the same id already appeared at ${where} ${first} of this file; record ids must be unique` });
    }
    if (row.error || !raw) return { ok: false, position, recordId, raw, errors: [row.error!, ...errors] };
    let skip = NO_FINDINGS;
    if (!validate(raw)) {
      const found = schemaFindings(validate.errors ?? [], def.schema, labels);
      errors = errors.concat(found.errors);
      skip = found.paths;
    }
    if (recordId === null && !skip.has(def.idField)) {
      errors.push({ field: def.idField, code: 'REQUIRED', message: `${idLabel}: empty; every record needs its source record id` });
    }
    const f = new FieldReader(raw, labels, skip);
    const record = def.map(f, recordId ?? '');
    if (errors.length || f.errors.length) return { ok: false, position, recordId, raw, errors: errors.concat(f.errors) };
    return { ok: true, position, recordId: recordId!, raw, record, warnings: f.warnings };
  }

  async function* parseBatches(input: Readable, opts: ParseOptions): AsyncGenerator<ParsedItem<R>[]> {
    if (!def.formats.includes(opts.format)) {
      throw appError('YPQ_UNSUPPORTED_MEDIA', `${opts.format.toUpperCase()} for the ${def.kind} feed, which accepts ${def.formats.map((f) => f.toUpperCase()).join(', ')}`);
    }
    const max = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    const where = opts.format === 'csv' ? 'line' : 'record';
    const { chunks } = await decodeText(input, opts.format);
    const seen = new Map<string, number>();
    for await (const rows of def.rows(chunks, opts.format, max)) yield rows.map((row) => item(row, seen, where));
  }

  async function* parse(input: Readable, opts: ParseOptions): AsyncGenerator<ParsedItem<R>> {
    for await (const batch of parseBatches(input, opts)) yield* batch;
  }

  return { kind: def.kind, formats: [...def.formats], schema: def.schema, roles: def.roles, idField: def.idField, parse, parseBatches };
}
