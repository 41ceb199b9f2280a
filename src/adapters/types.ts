// What every feed adapter gives the intake pipeline. One folder per feed under src/adapters,
// each with the same files: parse.ts (bytes → rows), schema.ts (ajv JSON Schema of a row),
// map.ts (row → canonical record), index.ts (the adapter object).
import type { Readable } from 'node:stream';
import type { FeedKind } from '../auth/principal.js';

export type { FeedKind };
export type FeedFormat = 'csv' | 'xml' | 'json';

/** One problem with one record: where, which field, a stable code and a sentence for a person. */
export interface RecordError {
  field: string | null;
  code: string;
  message: string;
}

export interface ParsedOk<R = Record<string, unknown>> {
  ok: true;
  /** 1-based: the CSV line (header is line 1), the XML element index or the JSON array index + 1. */
  position: number;
  recordId: string;
  /** The record as received (strings), unknown columns included. */
  raw: Record<string, unknown>;
  /** The canonical, normalised record. */
  record: R;
  /** Non-fatal findings kept with the record, e.g. a suspect ID number. */
  warnings: RecordError[];
}

export interface ParsedReject {
  ok: false;
  position: number;
  recordId: string | null;
  raw: Record<string, unknown> | null;
  errors: RecordError[];
}

export type ParsedItem<R = Record<string, unknown>> = ParsedOk<R> | ParsedReject;

export interface ParseOptions {
  format: FeedFormat;
  /** Longest accepted line / element / record, in bytes. */
  maxRecordBytes?: number;
}

export interface FeedAdapter<R = Record<string, unknown>> {
  kind: FeedKind;
  formats: FeedFormat[];
  /** JSON Schema (with $id) of one incoming record with English keys — published in OpenAPI. */
  schema: Record<string, unknown>;
  /**
   * Streams records out of the bytes. Throws an AppError YPQ_UNPARSEABLE only when the input
   * as a whole cannot be read (not CSV/XML/JSON at all, wrong header, empty); a bad record is
   * yielded as a ParsedReject and parsing goes on.
   */
  parse(input: Readable, opts: ParseOptions): AsyncIterable<ParsedItem<R>>;
}
