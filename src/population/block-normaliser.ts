// A block of whole CSV records (plain-csv.ts RecordBlocks) → its normalised lines, on a worker
// thread (population-worker.ts) or, for small files, on the main thread. The lines go back
// without row numbers, with each row's pid and hash beside them: the main thread decides, in file
// order, which rows repeat a pid and which a re-import can skip (row-normaliser.ts PopulationRows).
import iconv from 'iconv-lite';
import type { TextEncoding } from '../adapters/shared/encoding.js';
import { NotPlainCsv, PlainCsv } from './plain-csv.js';
import { RowNormaliser } from './row-normaliser.js';

export interface BlockSpec {
  seed: string;
  encoding: TextEncoding;
  /** The header's number of fields. */
  width: number;
  /** Where each of ROW_KEYS is among a record's fields (-1: not in the file). */
  columnOf: number[];
  /**
   * A first load's run: good rows become lines of persons (PERSONS_COLUMNS) and a bad row's
   * problems come back beside the lines. Otherwise (null) every row becomes a line of the
   * normalised table, its problems in it.
   */
  firstLoadRun: number | null;
}

export interface NormalisedBlock {
  rows: number;
  /** The rows' lines, UTF-8, one after the other. */
  lines: Uint8Array;
  /** Where each row's line ends in `lines`. */
  ends: Int32Array;
  /** The rows' pids joined by NUL ('' for a row without a valid pid). */
  pids: string;
  /** The rows' hashes joined by commas. */
  hashes: string;
  /** Per row: 0 when it has an error, 1 when not, 2 when not but its ID number is suspect. */
  goods: string;
  /** A first load's: per row '' (good), or JSON [record key, { field: [code, message] }], joined by NUL. */
  problems: string;
  /** The rows' links (RowNormaliser.links) joined by NUL. */
  links: string;
}

const EMPTY = Buffer.alloc(0);

/** UTF-8 bytes of lines, in a buffer that grows (allocated when the first line comes). */
export class LineBuffer {
  private buf = EMPTY;
  used = 0;
  constructor(private readonly initial: number) {}
  add(line: string): void {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (this.used + line.length * 3 > this.buf.length) this.grow(line.length * 3);
    this.used += this.buf.write(line, this.used);
  }
  addBytes(b: Uint8Array): void {
    if (this.used + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }
  private grow(need: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(this.initial, 2 * this.buf.length, this.used + need));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
  /** The bytes so far, leaving the buffer empty. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.used);
    this.buf = EMPTY;
    this.used = 0;
    return out;
  }
}

/**
 * Bytes of the file → text, piece by piece (a character may be cut between pieces). Bytes that are
 * not valid in the encoding are NotPlainCsv: COPY would refuse them too.
 */
export class TextOf {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly gbk: ReturnType<typeof iconv.getDecoder> | null;

  constructor(encoding: TextEncoding) {
    this.gbk = encoding === 'gb18030' ? iconv.getDecoder('gb18030') : null;
  }

  /** The text of the next piece; null: the end of the file. */
  decode(bytes: Uint8Array | null): string {
    if (!this.gbk) {
      try {
        return bytes ? this.utf8.decode(bytes, { stream: true }) : this.utf8.decode();
      } catch {
        throw new NotPlainCsv('bytes that are not UTF-8');
      }
    }
    const text = bytes ? this.gbk.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) : (this.gbk.end() ?? '');
    // iconv-lite writes U+FFFD for bytes that are not GB18030.
    if (text.includes('\uFFFD')) throw new NotPlainCsv('bytes that are not GB18030');
    return text;
  }
}

export class BlockNormaliser {
  private readonly rows: RowNormaliser;

  constructor(private readonly spec: BlockSpec) {
    this.rows = new RowNormaliser(spec.seed);
  }

  /** @param first the block starts with the header line (the file's first block) */
  normalise(bytes: Uint8Array, first: boolean): NormalisedBlock {
    // A block is whole records, so it decodes on its own.
    const decoder = new TextOf(this.spec.encoding);
    let text = decoder.decode(bytes) + decoder.decode(null);
    if (first) {
      const nl = text.indexOf('\n');
      if (nl < 0) throw new NotPlainCsv('no line break after the header');
      text = text.slice(nl + 1);
    }
    const out = new LineBuffer(Math.max(1024, bytes.length * 2));
    const ends: number[] = [];
    const pids: string[] = [];
    const hashes: string[] = [];
    const links: string[] = [];
    const problems: string[] = [];
    let goods = '';
    const { columnOf, firstLoadRun } = this.spec;
    const rows = this.rows;
    const csv = new PlainCsv(this.spec.width, (fields) => {
      rows.key(fields, columnOf);
      rows.compute(fields, columnOf);
      if (firstLoadRun === null) out.add(rows.normLine());
      else if (rows.good) out.add(rows.personsLine(firstLoadRun));
      else problems[ends.length] = rows.problemsWithKey();
      ends.push(out.used);
      pids.push(rows.pid ?? '');
      hashes.push(rows.hash);
      links.push(rows.links);
      goods += rows.good ? (rows.suspect ? '2' : '1') : '0';
    });
    csv.push(text);
    csv.end();
    const lines = out.take();
    return {
      rows: ends.length, lines, ends: Int32Array.from(ends), pids: pids.join('\0'), hashes: hashes.join(','), goods,
      links: links.join('\0'), problems: firstLoadRun === null ? '' : Array.from({ length: ends.length }, (_, i) => problems[i] ?? '').join('\0'),
    };
  }
}
