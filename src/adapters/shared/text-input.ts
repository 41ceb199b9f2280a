// Bytes → text, as a stream: refuse what is plainly not a text export (empty, a workbook, a
// PDF, binary), choose UTF-8 or GB18030 on the first 64 KiB, then decode chunk by chunk.
// Bytes that are invalid in the chosen encoding become U+FFFD; the field reader rejects the
// record that holds one, so a mis-decoded name is never accepted and the rest of the file is.
import iconv from 'iconv-lite';
import { appError, type AppError } from '../../errors.js';
import type { FeedFormat } from '../types.js';
import { detectEncoding, type TextEncoding } from './encoding.js';

const SAMPLE_BYTES = 64 * 1024;

export function unparseable(detail: string): AppError {
  return appError('YPQ_UNPARSEABLE', detail);
}

const MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an Excel .xlsx workbook?); export the sheet as CSV'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an Office document (an Excel .xls workbook?); export the sheet as CSV'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document, not a data export'],
  [[0x1f, 0x8b], 'gzip-compressed; send it uncompressed'],
  [[0xff, 0xfe], 'UTF-16 text; export it as UTF-8 or GBK'],
  [[0xfe, 0xff], 'UTF-16 text; export it as UTF-8 or GBK'],
];

function refuseKnownBinary(sample: Buffer): void {
  for (const [magic, what] of MAGIC) {
    if (magic.every((b, i) => sample[i] === b)) throw unparseable(`the file is ${what}`);
  }
}

/** XML may name its encoding; a GBK declaration wins over an all-ASCII sample. */
function declaresGb(sample: Buffer): boolean {
  const head = sample.subarray(0, 200).toString('latin1');
  return /^\s*<\?xml[^>]*encoding\s*=\s*["'](gbk|gb2312|gb18030|cp936)["']/i.test(head);
}

interface Decoder {
  write(b: Buffer): string;
  end(): string;
}

function decoder(enc: TextEncoding): Decoder {
  if (enc === 'utf8') {
    const td = new TextDecoder('utf-8', { ignoreBOM: true });
    return { write: (b) => td.decode(b, { stream: true }), end: () => td.decode() };
  }
  const d = iconv.getDecoder('gb18030');
  return { write: (b) => d.write(b), end: () => d.end() ?? '' };
}

// Control characters other than tab/CR/LF, and U+FFFD from undecodable bytes.
const SUSPICIOUS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFD]/g;

function refuseBinaryText(text: string): void {
  if (text.includes('\0')) throw unparseable('the file contains NUL bytes: it is binary data, not CSV, XML or JSON text');
  const bad = text.match(SUSPICIOUS)?.length ?? 0;
  if (bad > 8 && bad > text.length / 50) {
    throw unparseable(`the file does not look like text: ${bad} of its first ${text.length} characters are control characters or undecodable bytes`);
  }
}

const toBuffer = (c: unknown): Buffer => (Buffer.isBuffer(c) ? c : typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));

const PIECE_BYTES = 256 * 1024;

/** The input as buffers of at most 256 KiB: a caller handing over one huge buffer still gets batches of bounded size. */
async function* pieces(input: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const c of input) {
    const b = toBuffer(c);
    if (b.length <= PIECE_BYTES) yield b;
    else for (let i = 0; i < b.length; i += PIECE_BYTES) yield b.subarray(i, i + PIECE_BYTES);
  }
}

export interface TextInput {
  encoding: TextEncoding;
  chunks: AsyncGenerator<string>;
}

/** Reads the sample, decides the encoding, and returns the decoded text as a stream of chunks. */
export async function decodeText(input: AsyncIterable<unknown>, format: FeedFormat): Promise<TextInput> {
  const it = pieces(input);
  const head: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < SAMPLE_BYTES) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    headLength += r.value.length;
  }
  const sample = head.length === 1 ? head[0] : Buffer.concat(head);
  let encoding: TextEncoding;
  let dec: Decoder;
  // The sample is decoded piece by piece as it arrived, so what follows sees the input's own chunking.
  let first: string[];
  try {
    if (sample.length === 0) throw unparseable('the file is empty (0 bytes)');
    refuseKnownBinary(sample);
    const detected = detectEncoding(sample, ended);
    encoding = detected.encoding === 'utf8' && format === 'xml' && declaresGb(sample) ? 'gb18030' : detected.encoding;
    dec = decoder(encoding);
    let skip = detected.bomLength;
    first = head.map((b) => {
      const piece = dec.write(b.subarray(Math.min(skip, b.length)));
      skip = Math.max(0, skip - b.length);
      return piece;
    });
    refuseBinaryText(first.join(''));
  } catch (err) {
    await it.return(undefined);
    throw err;
  }

  async function* chunks(): AsyncGenerator<string> {
    try {
      for (const piece of first.splice(0)) if (piece) yield piece;
      let offset = headLength;
      if (!ended) {
        for (let r = await it.next(); !r.done; r = await it.next()) {
          const b = r.value;
          const text = dec.write(b);
          if (text.includes('\0')) throw unparseable(`NUL bytes near byte ${offset}: binary data inside the text (a corrupted file?)`);
          offset += b.length;
          yield text;
        }
        ended = true;
      }
      const rest = dec.end();
      if (rest) yield rest;
    } finally {
      // The consumer stopped early or failed: release the input (closes a file, ends a request).
      if (!ended) await it.return(undefined);
    }
  }
  return { encoding, chunks: chunks() };
}
