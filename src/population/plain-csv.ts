// A strict, fast reader of plain CSV text: the files PostgreSQL's COPY would take as they are.
// Anything else — a row with another number of fields than the header, a quote inside an
// unquoted field or text after a closing quote, a bare carriage return, a blank line, a NUL —
// stops it with NotPlainCsv, and the import reads the file the careful way instead
// (reference/csv-stage.ts: COPY, and the record-by-record reader for damaged files).
//
// As in COPY's CSV format, an unquoted empty field is NULL and a quoted one ("") an empty string.

export class NotPlainCsv extends Error {}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
/** A record still open after this much text is not plain (an unclosed quote). */
const MAX_RECORD_CHARS = 1 << 20;

export class PlainCsv {
  private tail = '';

  /** @param width the header's number of fields; the header line itself must not be given */
  constructor(
    private readonly width: number,
    private readonly onRecord: (fields: (string | null)[]) => void,
  ) {}

  /** Reads the complete records of the text so far; the rest waits for the next piece. */
  push(text: string): void {
    if (text.includes('\0')) throw new NotPlainCsv('a NUL character');
    const s = this.tail.length ? this.tail + text : text;
    const used = this.records(s, false);
    this.tail = s.slice(used);
    if (this.tail.length > MAX_RECORD_CHARS) throw new NotPlainCsv('a record longer than 1 MiB (an unclosed quote?)');
  }

  end(): void {
    if (this.tail.length) this.records(this.tail, true);
    this.tail = '';
  }

  /** Parses records from s; returns where the unfinished one starts. */
  private records(s: string, last: boolean): number {
    const n = s.length;
    let start = 0;
    for (;;) {
      if (start >= n) return start;
      const fields: (string | null)[] = [];
      let i = start;
      let done = false;
      while (!done) {
        if (i >= n) {
          if (!last) return start;
          // The last record of a file without a final line break.
          if (fields.length > 0 || i > start) fields.push(null);
          done = true;
          break;
        }
        if (s.charCodeAt(i) === QUOTE) {
          let value = '';
          let j = i + 1;
          for (;;) {
            const q = s.indexOf('"', j);
            if (q < 0) {
              if (!last) return start;
              throw new NotPlainCsv('a quoted field is never closed');
            }
            if (q + 1 >= n && !last) return start; // cannot tell "" from the closing quote yet
            if (s.charCodeAt(q + 1) === QUOTE) {
              value += s.slice(j, q + 1);
              j = q + 2;
              continue;
            }
            value += s.slice(j, q);
            i = q + 1;
            break;
          }
          fields.push(value);
        } else {
          let j = i;
          while (j < n) {
            const c = s.charCodeAt(j);
            if (c === COMMA || c === LF || c === CR) break;
            if (c === QUOTE) throw new NotPlainCsv('a quote inside an unquoted field');
            j++;
          }
          if (j >= n && !last) return start;
          fields.push(j === i ? null : s.slice(i, j));
          i = j;
        }
        // After a field: a comma, or the end of the record.
        if (i >= n) {
          if (!last) return start;
          done = true;
        } else {
          const c = s.charCodeAt(i);
          if (c === COMMA) {
            i++;
            if (i >= n && last) {
              fields.push(null);
              done = true;
            }
          } else if (c === LF) {
            i++;
            done = true;
          } else if (c === CR) {
            if (i + 1 >= n && !last) return start;
            if (s.charCodeAt(i + 1) !== LF) throw new NotPlainCsv('a carriage return without a line feed');
            i += 2;
            done = true;
          } else throw new NotPlainCsv('text after a closing quote');
        }
      }
      if (fields.length !== this.width) {
        throw new NotPlainCsv(fields.length === 1 && fields[0] === null ? 'a blank line' : `a row with ${fields.length} fields, the header has ${this.width}`);
      }
      this.onRecord(fields);
      start = i;
    }
  }
}

/**
 * Cuts bytes of CSV into blocks of whole records, for workers to read side by side: a cut falls
 * after a line feed outside quotes. (In UTF-8 and GB18030 alike, the bytes of " and of a line
 * feed never occur inside a multi-byte character.)
 */
export class RecordBlocks {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private inQuote = false;

  constructor(private readonly targetBytes: number) {}

  /** The blocks complete so far. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    // Quote parity up to each line feed: the last line feed outside quotes ends a block.
    let lastCut = -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === QUOTE) this.inQuote = !this.inQuote;
      else if (c === LF && !this.inQuote) lastCut = i;
    }
    if (lastCut < 0 || this.pendingBytes + lastCut + 1 < this.targetBytes) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return out;
    }
    this.pending.push(chunk.subarray(0, lastCut + 1));
    out.push(Buffer.concat(this.pending));
    const rest = chunk.subarray(lastCut + 1);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }

  /** The last block (the rest of the file). */
  end(): Buffer | null {
    const b = this.pending.length ? Buffer.concat(this.pending) : null;
    this.pending = [];
    this.pendingBytes = 0;
    return b;
  }
}
