// What every feed adapter gives the intake pipeline. One folder per feed under src/adapters,
// each with the same files: parse.ts (bytes → rows), schema.ts (ajv JSON Schema of a row),
// map.ts (row → canonical record), index.ts (the adapter object).
import type { Readable } from 'node:stream';
import type { FeedKind } from '../auth/principal.js';

export type { FeedKind };
export type FeedFormat = 'csv' | 'xml' | 'json';

/** One problem with one record: which field, a stable code (RECORD_CODES) and a sentence for a person. */
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
  /**
   * Longest accepted line / element / record, in bytes (counted as characters of the decoded
   * text, so a Chinese character counts once). Default DEFAULT_MAX_RECORD_BYTES (1 MiB).
   */
  maxRecordBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/** GB/T 2261.1: 0 not known, 1 male, 2 female, 9 not stated. */
export type Sex = 0 | 1 | 2 | 9;
/** Document types of the prenatal contract: 01 resident ID (GB 11643), 03 passport, 04 HK/Macau pass, 05 Taiwan pass, 99 other. */
export type IdType = '01' | '03' | '04' | '05' | '99';
/** The roles of the link-results contract (feeds.md, "Link results"). */
export type PersonRole = 'subject' | 'mother' | 'father' | 'child' | 'party1' | 'party2';

/** A person named in a canonical record, in the normalised form matching reads. */
export interface PersonRef {
  /** Display form (trimmed, separators unified to '·'); null when the record gives none. */
  name: string | null;
  /** null when no document number is given. Only '01' numbers are GB 11643 resident IDs. */
  idType: IdType | null;
  /** For '01': 18 upper-case characters (15-digit numbers upgraded); otherwise as given, upper-cased. */
  idNumber: string | null;
  /** A resident ID whose check digit or embedded birth date is wrong: kept, but not a key. */
  idSuspect: boolean;
  sex: Sex | null;
  /** YYYY-MM-DD as the record states it (not derived from the ID number). */
  birthDate: string | null;
}

export interface FeedAdapter<R = Record<string, unknown>> {
  kind: FeedKind;
  formats: FeedFormat[];
  /** JSON Schema (with $id) of one incoming record with English keys — published in OpenAPI. */
  schema: Record<string, unknown>;
  /** The persons each canonical record names: record[role] is a PersonRef (or null) for each role. */
  roles: readonly PersonRole[];
  /** The raw field holding the source record id: 'record_id', or 'id' for household events. */
  idField: string;
  /**
   * Streams records out of the bytes. Throws an AppError YPQ_UNPARSEABLE only when the input
   * as a whole cannot be read (not CSV/XML/JSON at all, wrong header, empty); a bad record is
   * yielded as a ParsedReject and parsing goes on.
   */
  parse(input: Readable, opts: ParseOptions): AsyncIterable<ParsedItem<R>>;
  /**
   * The same items in the same order, batched by the chunk of input they were read from
   * (never an empty batch). Cheaper per record than parse() for bulk intake: one await per
   * chunk instead of one per record. Throws as parse() does, after the batches before the fault.
   */
  parseBatches(input: Readable, opts: ParseOptions): AsyncIterable<ParsedItem<R>[]>;
}
