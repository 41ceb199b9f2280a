// CSV text → rows keyed by contract field, with the physical line each row starts on.
// fast-csv's synchronous row parser (the engine inside its CsvParserStream) is driven directly:
// it hands back the unfinished tail of each chunk, which lets us bound a record's size (a stray
// quote must not make us buffer — and rescan — the rest of a 100 MB file) and count lines
// exactly, including quoted fields that span lines.
import { ParserOptions } from '@fast-csv/parse';
import { Parser } from '@fast-csv/parse/build/src/parser/index.js';
import type { RecordError } from '../types.js';
import { mapHeaders, type HeaderField } from './headers.js';
import { isSafeKey, type RawRow } from './raw-row.js';
import { unparseable } from './text-input.js';

/** Line breaks inside a quoted field: CRLF counts once. */
function breaksIn(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && s.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/** fast-csv throws on bad quoting; null then, so the caller can re-read slowly. */
function tryParse(parser: Parser, input: string, more: boolean): { line: string; rows: string[][] } | null {
  try {
    return parser.parse(input, more);
  } catch {
    return null;
  }
}

/** Whether the text ends inside a quoted field (an odd number of quotes, doubled ones counting twice). */
function unclosedQuote(s: string): boolean {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; i = s.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

const isBlank = (row: string[]) => row.every((v) => v.trim() === '');

/** Tab-separated exports exist; a header line with tabs and no commas is one. */
function delimiterOf(text: string): string {
  const nl = text.search(/[\r\n]/);
  const first = nl === -1 ? text : text.slice(0, nl);
  return first.includes('\t') && !first.includes(',') ? '\t' : ',';
}

class CsvRows {
  private parser: Parser | null = null;
  /** The line the next row starts on. */
  private line = 1;
  private keys: string[] | null = null;
  private width = 0;
  /** A row must reach the last contract column; only unknown columns after it may be left out. */
  private minWidth = 0;
  private tail = '';
  /** Dropping the rest of an overlong line. */
  private skipping = false;
  readonly out: RawRow[] = [];

  constructor(
    private readonly fields: HeaderField[],
    private readonly maxChars: number,
  ) {}

  feed(text: string, more: boolean): void {
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      text = text.slice(nl + 1);
      this.skipping = false;
      this.line++;
    }
    const input = this.tail + text;
    if (!this.parser) {
      // The delimiter is read off the whole first line.
      if (more && !/[\r\n]/.test(input)) {
        this.tail = input;
        if (this.tail.length > this.maxChars) this.overlong();
        return;
      }
      this.parser = new Parser(new ParserOptions({ delimiter: delimiterOf(input) }));
    }
    const r = tryParse(this.parser, input, more);
    if (r) {
      for (const row of r.rows) this.row(row);
      this.tail = r.line;
    } else {
      this.tail = this.slowly(input, more);
    }
    if (this.tail.length > this.maxChars) this.overlong();
  }

  /** After a quoting error somewhere in `input`: re-read it line by line to keep every good row. */
  private slowly(input: string, more: boolean): string {
    const parser = this.parser!;
    let buf = '';
    const pieces = input.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    for (let i = 0; i < pieces.length; i++) {
      buf += pieces[i];
      const last = i === pieces.length - 1;
      const r = tryParse(parser, buf, more || !last);
      if (r) {
        for (const row of r.rows) this.row(row);
        buf = r.line;
      } else {
        if (last && !more && unclosedQuote(buf)) {
          throw unparseable(
            `line ${this.line}: a quoted field opened here is never closed; the file ends inside it (truncated, or a stray ")`,
          );
        }
        this.reject(this.line, {
          field: null,
          code: 'CSV_QUOTE',
          message: `line ${this.line}: a quoted field is followed by other characters; a " inside a field must be written twice ("")`,
        });
        this.line += breaksIn(buf) + (/[\r\n]$/.test(buf) ? 0 : 1);
        buf = '';
      }
    }
    return buf;
  }

  private overlong(): void {
    if (!this.keys) throw unparseable(`the header line is longer than ${this.maxChars} characters`);
    if (this.tail.includes('"')) {
      throw unparseable(
        `line ${this.line}: a record is longer than ${this.maxChars} characters; probably a quote (") was opened and never closed`,
      );
    }
    this.reject(this.line, { field: null, code: 'RECORD_TOO_LONG', message: `line ${this.line} is longer than ${this.maxChars} characters (the limit for one record)` });
    this.tail = '';
    this.skipping = true;
  }

  private reject(position: number, error: RecordError, raw: Record<string, unknown> | null = null): void {
    this.out.push({ position, raw, error });
  }

  private row(row: string[]): void {
    const position = this.line;
    let size = row.length;
    let breaks = 0;
    for (const v of row) {
      size += v.length;
      if (v.includes('\n') || v.includes('\r')) breaks += breaksIn(v);
    }
    this.line += 1 + breaks;
    if (row.length === 0 || isBlank(row)) return;
    if (!this.keys) return this.header(row, position);
    // A long line that arrived whole within one chunk (the tail check catches the others).
    if (size > this.maxChars) {
      return this.reject(position, { field: null, code: 'RECORD_TOO_LONG', message: `line ${position} is longer than ${this.maxChars} characters (the limit for one record)` });
    }
    const keys = this.keys;
    const raw: Record<string, unknown> = {};
    const n = Math.min(row.length, keys.length);
    for (let i = 0; i < n; i++) raw[keys[i]] = row[i];
    for (let i = n; i < row.length; i++) raw[`column${i + 1}`] = row[i];
    // Short rows are fine when only unknown (ignored) columns are missing at the end.
    if (row.length < this.minWidth || (row.length > this.width && !isBlank(row.slice(this.width)))) {
      this.reject(position, {
        field: null,
        code: 'COLUMN_COUNT',
        message: `line ${position} has ${row.length} fields but the header has ${this.width}; an unquoted comma or line break inside a value?`,
      }, raw);
      return;
    }
    this.out.push({ position, raw });
  }

  private header(row: string[], position: number): void {
    const m = mapHeaders(row, this.fields);
    if (!m.ok) throw unparseable(`line ${position}: ${m.message}`);
    // Unknown columns keep their header as the key; a blank one, or one naming the prototype, its column number.
    this.keys = row.map((h, i) => m.map.keys[i] ?? (isSafeKey(h.trim()) && h.trim() ? h.trim() : `column${i + 1}`));
    this.width = row.length;
    let tail = row.length;
    while (tail > 0 && m.map.keys[tail - 1] === undefined) tail--;
    this.minWidth = tail;
  }

  finish(): void {
    if (!this.keys) throw unparseable('the file has no header row: it holds no CSV text');
  }
}

/**
 * Rows out of CSV text, a batch per chunk. Throws YPQ_UNPARSEABLE for a file that cannot be read
 * as a whole, after handing out the rows read before the fault.
 */
export async function* readCsv(text: AsyncIterable<string>, fields: HeaderField[], maxChars: number): AsyncGenerator<RawRow[]> {
  const csv = new CsvRows(fields, maxChars);
  for await (const chunk of text) {
    try {
      csv.feed(chunk, true);
    } finally {
      if (csv.out.length) yield csv.out.splice(0);
    }
  }
  try {
    csv.feed('', false);
    csv.finish();
  } finally {
    if (csv.out.length) yield csv.out.splice(0);
  }
}
