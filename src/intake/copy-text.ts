// Parsed records → lines of PostgreSQL's COPY text format, built where the records are parsed
// (a worker thread) so that the main thread only moves bytes. Pure functions.
import crypto from 'node:crypto';
import type { ParsedOk, ParsedReject, RecordError } from '../adapters/types.js';

/** COPY text escaping: backslash, and the delimiter / row-separator characters. */
export function copyEscape(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

const copyNullable = (s: string | null | undefined): string => (s === null || s === undefined ? '\\N' : copyEscape(s));

/** JSON.stringify never emits a raw tab or line break, so only backslashes need doubling. */
function jsonForCopy(json: string): string {
  return json.includes('\\') ? json.replace(/\\/g, '\\\\') : json;
}

/**
 * The content hash is taken over the canonical record as the adapter builds it. Adapters build
 * records as object literals, so the key order is fixed by the adapter's code, and the same
 * content arriving as CSV, JSON or XML hashes alike. (Sorting keys here would cost more than
 * the rest of the serialisation, and buy nothing: an adapter change that reorders fields
 * usually adds or renames one too, which changes every hash anyway.)
 */
export function contentHash(canonicalJson: string): string {
  return crypto.hash('sha256', canonicalJson);
}

/** Constant per batch: written into every line so that lines can go straight to feed_records. */
export interface LineContext {
  agency: string;
  feed: string;
  batchId: number;
  /** Added to the adapter's positions (a block of a split CSV file). */
  positionOffset: number;
}

/** Column order of a record line: feed_records' COPY columns, also the staging table's. */
export const RECORD_COLUMNS = ['record_id', 'content_hash', 'record', 'raw', 'warnings', 'position', 'agency', 'feed', 'batch_id', 'version'] as const;
/** Column order of a reject line: batch_rejects' COPY columns. */
export const REJECT_COLUMNS = ['agency', 'batch_id', 'position', 'seq', 'record_id', 'field', 'code', 'message', 'raw'] as const;

export interface RecordLine {
  recordId: string;
  hash: string;
  position: number;
  line: string;
}

export function recordLine(item: ParsedOk<unknown>, ctx: LineContext): RecordLine {
  const record = JSON.stringify(item.record);
  const hash = contentHash(record);
  const position = item.position + ctx.positionOffset;
  const warnings = item.warnings.length ? jsonForCopy(JSON.stringify(item.warnings)) : '\\N';
  const line =
    `${copyEscape(item.recordId)}\t\\\\x${hash}\t${jsonForCopy(record)}\t${jsonForCopy(JSON.stringify(item.raw))}\t${warnings}\t` +
    `${position}\t${copyEscape(ctx.agency)}\t${ctx.feed}\t${ctx.batchId}\t1\n`;
  return { recordId: item.recordId, hash, position, line };
}

const FALLBACK_ERROR: RecordError = { field: null, code: 'INVALID', message: 'the record was rejected' };

/** One line per problem; the record as received goes with the first. */
export function rejectLines(item: Pick<ParsedReject, 'position' | 'recordId' | 'raw' | 'errors'>, ctx: LineContext, rawJson?: string): string {
  const errors = item.errors.length ? item.errors : [FALLBACK_ERROR];
  const position = item.position + ctx.positionOffset;
  const raw = rawJson ?? (item.raw ? jsonForCopy(JSON.stringify(item.raw)) : '\\N');
  let out = '';
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i];
    out +=
      `${copyEscape(ctx.agency)}\t${ctx.batchId}\t${position}\t${i}\t${copyNullable(item.recordId)}\t${copyNullable(e.field)}\t` +
      `${copyEscape(e.code)}\t${copyEscape(e.message)}\t${i === 0 ? raw : '\\N'}\n`;
  }
  return out;
}

/** The raw-record field of a record line, still COPY-escaped (to turn a record into a reject). */
export function rawFieldOf(line: string): string {
  let start = 0;
  for (let i = 0; i < 3; i++) start = line.indexOf('\t', start) + 1;
  return line.slice(start, line.indexOf('\t', start));
}
