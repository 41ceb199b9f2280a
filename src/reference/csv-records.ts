// The slow, forgiving CSV reader used when PostgreSQL's COPY refuses a file (a row with the wrong
// number of columns, a stray quote, bytes that are not valid in the file's encoding). It works
// line by line so one broken row costs one row: a quoted field may span lines, but a quote that
// is never closed within a few lines is reported on its own line and reading resumes after it.

/** A record and the (1-based) line it starts on; the header is line 1. */
export interface CsvRecord {
  ok: true;
  row: number;
  fields: string[];
}

export interface CsvProblem {
  ok: false;
  row: number;
  code: 'CSV_QUOTE';
  message: string;
}

type LineParse = { state: 'ok'; fields: string[] } | { state: 'open' } | { state: 'stray'; at: number };

/** RFC 4180 fields of one logical line; a quote inside an unquoted field is an error, not data. */
export function parseCsvLine(text: string): LineParse {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return { state: 'open' };
        if (text.charCodeAt(q + 1) === 34) {
          value += text.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        value += text.slice(j, q);
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return { state: 'ok', fields };
      if (text.charCodeAt(i) !== 44 /* , */) return { state: 'stray', at: i };
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      const value = text.slice(i, end);
      const quote = value.indexOf('"');
      if (quote >= 0) return { state: 'stray', at: i + quote };
      fields.push(value);
      if (comma < 0) return { state: 'ok', fields };
      i = comma + 1;
    }
  }
}

/** Lines with a push-back buffer, so lines read ahead for an unclosed quote can be given back. */
class LineReader {
  private readonly back: string[] = [];
  constructor(private readonly it: AsyncIterator<string>) {}
  async next(): Promise<string | undefined> {
    if (this.back.length) return this.back.pop();
    const r = await this.it.next();
    return r.done ? undefined : r.value;
  }
  giveBack(lines: string[]): void {
    for (let i = lines.length - 1; i >= 0; i--) this.back.push(lines[i]);
  }
}

export interface CsvRecordOptions {
  /** Line number of the first line given (2 when the header was already consumed). */
  firstRow?: number;
  /** How many further lines a quoted field may span before the quote is declared unclosed. */
  maxContinuationLines?: number;
}

/**
 * Records from lines. Blank lines and lines of only commas are skipped (exports often end with
 * them); they still count for the line numbers.
 */
export async function* csvRecords(lines: AsyncIterable<string>, opts: CsvRecordOptions = {}): AsyncGenerator<CsvRecord | CsvProblem> {
  const reader = new LineReader(lines[Symbol.asyncIterator]());
  const maxMore = opts.maxContinuationLines ?? 20;
  let row = (opts.firstRow ?? 2) - 1;
  for (;;) {
    const line = await reader.next();
    if (line === undefined) return;
    row++;
    let parsed = parseCsvLine(line);
    if (parsed.state === 'open') {
      // A quoted field with line breaks in it: read on until the quote closes.
      const more: string[] = [];
      let text = line;
      while (parsed.state === 'open' && more.length < maxMore) {
        const next = await reader.next();
        if (next === undefined) break;
        more.push(next);
        text += '\n' + next;
        parsed = parseCsvLine(text);
      }
      if (parsed.state === 'open') {
        reader.giveBack(more);
        yield { ok: false, row, code: 'CSV_QUOTE', message: 'a quoted field is never closed (a " without its closing ")' };
        continue;
      }
      if (parsed.state === 'stray') {
        reader.giveBack(more);
        yield { ok: false, row, code: 'CSV_QUOTE', message: 'text after a closing quote (fields with " must be quoted, with "" inside)' };
        continue;
      }
      const start = row;
      row += more.length;
      if (!parsed.fields.every((f) => f === '')) yield { ok: true, row: start, fields: parsed.fields };
      continue;
    }
    if (parsed.state === 'stray') {
      yield { ok: false, row, code: 'CSV_QUOTE', message: `a stray quote at character ${parsed.at + 1} (fields with " must be quoted, with "" inside)` };
      continue;
    }
    if (parsed.fields.every((f) => f === '')) continue;
    yield { ok: true, row, fields: parsed.fields };
  }
}
