// Cuts a CSV byte stream into blocks of whole records, so that two threads can parse one file.
// Each block after the first is parsed with the header line put in front of it; its positions
// are shifted by the lines that came before.
//
// Cutting on bytes is safe in both encodings the contract allows: in UTF-8 and GBK/GB18030 the
// bytes 0x0A (\n) and 0x22 (") never occur inside a multi-byte character. A newline ends a
// record only outside quotes, so the cutter keeps the quote parity of everything before it.

const NL = 0x0a;
const QUOTE = 0x22;

export interface CsvBlock {
  /** Bytes to parse: for blocks after the first, the header line followed by whole records. */
  data: Buffer;
  /** What to add to the adapter's position (header = line 1) to get the line in the whole file. */
  positionOffset: number;
}

export class CsvBlockSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Quote parity of the pending bytes up to `scanned`. */
  private inQuote = false;
  private scanned = 0;
  /** Offset in the pending bytes of the last record boundary found so far (after its \n). */
  private lastCut = -1;
  private header: Buffer | null = null;
  private headerLines = 0;
  /** Physical lines in the file before the pending bytes. */
  private linesBefore = 0;
  private first = true;

  /**
   * @param targetBytes cut at the first record boundary after this many bytes
   * @param forceBytes past this without a boundary (an unbalanced quote in a malformed file),
   *   cut at any newline and let the adapter report the broken record; well above the largest
   *   record an adapter accepts (1 MiB)
   */
  constructor(
    private readonly targetBytes: number,
    private readonly forceBytes = Math.max(4 * targetBytes, 16 * 1024 * 1024),
  ) {}

  /** Whether the file has a header line ended by \n (otherwise it is not split: old Mac \r files, one-line files). */
  get splittable(): boolean {
    return this.header !== null;
  }

  push(chunk: Buffer): CsvBlock[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.targetBytes) return [];
    const buf = this.joined();
    this.scan(buf);
    if (this.header === null) return [];
    // An unbalanced quote (a malformed file) must not make one block swallow the whole file.
    let cut = this.lastCut;
    if (cut <= 0 && buf.length > this.forceBytes) cut = buf.lastIndexOf(NL) + 1;
    if (cut <= 0) return [];
    return [this.take(buf, cut)];
  }

  end(): CsvBlock[] {
    const buf = this.joined();
    if (buf.length === 0) return this.first ? [{ data: buf, positionOffset: 0 }] : [];
    return [this.take(buf, buf.length)];
  }

  private joined(): Buffer {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending)];
    return this.pending[0] ?? Buffer.alloc(0);
  }

  private scan(buf: Buffer): void {
    let i = this.scanned;
    let inQuote = this.inQuote;
    while (i < buf.length) {
      if (inQuote) {
        const q = buf.indexOf(QUOTE, i);
        if (q === -1) {
          i = buf.length;
          break;
        }
        inQuote = false;
        i = q + 1;
      } else {
        const q = buf.indexOf(QUOTE, i);
        const nlEnd = q === -1 ? buf.length : q;
        const nl = nlEnd > i ? buf.lastIndexOf(NL, nlEnd - 1) : -1;
        if (nl >= i) {
          if (this.header === null && this.first) this.setHeader(buf, buf.indexOf(NL, i));
          this.lastCut = nl + 1;
        }
        if (q === -1) {
          i = buf.length;
          break;
        }
        inQuote = true;
        i = q + 1;
      }
    }
    this.scanned = i;
    this.inQuote = inQuote;
  }

  private setHeader(buf: Buffer, firstNl: number): void {
    this.header = Buffer.from(buf.subarray(0, firstNl + 1));
    this.headerLines = countLines(this.header);
  }

  private take(buf: Buffer, cut: number): CsvBlock {
    const body = buf.subarray(0, cut);
    const rest = buf.subarray(cut);
    let block: CsvBlock;
    if (this.first) {
      block = { data: Buffer.from(body), positionOffset: 0 };
    } else {
      // The block's first line is file line linesBefore + 1; the adapter calls it headerLines + 1.
      block = { data: Buffer.concat([this.header!, body]), positionOffset: this.linesBefore - this.headerLines };
    }
    this.linesBefore += countLines(body);
    this.first = false;
    this.pending = rest.length ? [Buffer.from(rest)] : [];
    this.pendingBytes = rest.length;
    // A cut is made only outside quotes, so the rest starts outside quotes.
    this.scanned = 0;
    this.inQuote = false;
    this.lastCut = -1;
    return block;
  }
}

function countLines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(NL); i !== -1; i = b.indexOf(NL, i + 1)) n++;
  return n;
}
