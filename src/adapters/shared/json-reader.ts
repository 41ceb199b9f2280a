// JSON text → one raw object per element of the top-level array, without holding the array.
// A small scanner finds where each element begins and ends (tracking strings and bracket depth)
// and hands the element's text to the native JSON.parse. That keeps memory to one record,
// enforces the per-record size before parsing, parses at native speed, and lets a malformed
// element be rejected alone when its boundaries are certain. The top level must be an array.
import type { RecordError } from '../types.js';
import type { RawRow } from './raw-row.js';
import { unparseable } from './text-input.js';

const enum S {
  Before, // expecting '['
  First, // after '[': an element or ']'
  Element, // inside an element
  After, // after an element: ',' or ']'
  Next, // after ',': an element
  Done, // after the closing ']'
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

class JsonElements {
  readonly out: RawRow[] = [];
  private state = S.Before;
  private line = 1;
  private count = 0;
  // The element being scanned.
  private parts: string[] = [];
  private size = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private startLine = 1;

  constructor(private readonly maxChars: number) {}

  write(text: string): void {
    let from = this.state === S.Element ? 0 : -1; // start of the current element's text in this chunk
    let backslash = -2; // the next backslash at or after the scan position; -1: none left in this chunk
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.line++;
      switch (this.state) {
        case S.Element:
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (c === 92 /* \ */) this.escaped = true;
            else if (c === 34 /* " */) {
              this.inString = false;
              if (this.depth === 0) this.endElement(text, from, i + 1);
            } else {
              // Most of a record is string content: jump to the next quote or backslash.
              const q = text.indexOf('"', i);
              if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
              const next = backslash !== -1 && (q === -1 || backslash < q) ? backslash : q;
              i = (next === -1 ? text.length : next) - 1;
            }
          } else if (c === 34) this.inString = true;
          else if (c === 123 || c === 91 /* { [ */) this.depth++;
          else if (c === 125 || c === 93 /* } ] */) {
            if (this.depth === 0) {
              // ']' closing the array right after a bare value (number, true …)
              this.endElement(text, from, i);
              if (c === 93) this.state = S.Done;
              else throw this.fault('a "}" without its "{"');
            } else if (--this.depth === 0) this.endElement(text, from, i + 1);
          } else if (this.depth === 0 && (c === 44 /* , */ || isSpace(c))) {
            this.endElement(text, from, i);
            if (c === 44) this.state = S.Next;
          }
          break;
        case S.Before:
          if (isSpace(c)) break;
          if (c === 91) this.state = S.First;
          else if (c === 123) throw unparseable('the JSON is a single object; the feed expects an array of records: [ {…}, {…} ]');
          else throw unparseable('the file does not start with a JSON array ("["): is it CSV or XML?');
          break;
        case S.First:
        case S.Next:
          if (isSpace(c)) break;
          if (c === 93 && this.state === S.First) this.state = S.Done;
          else if (c === 93 || c === 44) throw this.fault(`expected a record after "," but found "${String.fromCharCode(c)}"`);
          else {
            from = i;
            this.begin();
            if (c === 34) this.inString = true;
            else if (c === 123 || c === 91) this.depth = 1;
          }
          break;
        case S.After:
          if (isSpace(c)) break;
          if (c === 44) this.state = S.Next;
          else if (c === 93) this.state = S.Done;
          else throw this.fault(`expected "," or "]" after record ${this.count} but found "${String.fromCharCode(c)}"`);
          break;
        case S.Done:
          if (!isSpace(c)) throw this.fault('text after the end of the JSON array');
          break;
      }
      if (this.state !== S.Element) from = -1;
    }
    if (this.state === S.Element) this.keep(text.slice(from));
  }

  private fault(what: string) {
    return unparseable(`line ${this.line}: ${what}`);
  }

  private begin(): void {
    this.state = S.Element;
    this.count++;
    this.parts = [];
    this.size = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.startLine = this.line;
  }

  /** Keeps element text, up to the limit; beyond it only the length is counted. */
  private keep(piece: string): void {
    this.size += piece.length;
    if (this.size <= this.maxChars) this.parts.push(piece);
    else this.parts = [];
  }

  private endElement(text: string, from: number, to: number): void {
    this.keep(text.slice(from, to));
    this.state = S.After;
    const position = this.count;
    const reject = (code: string, message: string): void => void this.out.push({ position, raw: null, error: { field: null, code, message } as RecordError });
    if (this.size > this.maxChars) {
      return reject('RECORD_TOO_LONG', `record ${position} (line ${this.startLine}) is longer than ${this.maxChars} characters (the limit for one record)`);
    }
    const body = this.parts.join('');
    this.parts = [];
    if (body.charCodeAt(0) !== 123) {
      return reject('NOT_AN_OBJECT', `record ${position} (line ${this.startLine}) is ${body.charCodeAt(0) === 91 ? 'an array' : 'a single value'}, not an object with fields`);
    }
    try {
      this.out.push({ position, raw: JSON.parse(body) as Record<string, unknown> });
    } catch (err) {
      // V8's message quotes the text; keep only where it went wrong (records hold personal data).
      const at = /position (\d+)/.exec((err as Error).message)?.[1];
      reject('JSON_SYNTAX', `record ${position} (line ${this.startLine}) is not valid JSON${at === undefined ? '' : ` (at character ${Number(at) + 1} of the record)`}`);
    }
  }

  end(): void {
    if (this.state === S.Done) return;
    if (this.state === S.Before) throw unparseable('the file holds no JSON: it is blank');
    throw unparseable(`the JSON array is not closed: the file ends ${this.state === S.Element ? 'inside' : 'after'} record ${this.count} (truncated?)`);
  }
}

/** Records out of a JSON array, a batch per chunk. Throws YPQ_UNPARSEABLE, after the records completed before the fault. */
export async function* readJson(text: AsyncIterable<string>, maxChars: number): AsyncGenerator<RawRow[]> {
  const json = new JsonElements(maxChars);
  for await (const chunk of text) {
    try {
      json.write(chunk);
    } finally {
      if (json.out.length) yield json.out.splice(0);
    }
  }
  json.end();
}
