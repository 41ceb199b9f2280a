// Agencies export CSV in UTF-8 (with or without BOM) or GBK/GB18030. The choice is made on a
// sample: valid UTF-8 is UTF-8 (GBK text with Chinese is almost never valid UTF-8), anything
// else is read as GB18030, a superset of GBK and GB2312.
import iconv from 'iconv-lite';

export type TextEncoding = 'utf8' | 'gb18030';

export interface Detected {
  encoding: TextEncoding;
  /** Bytes to skip at the start (a UTF-8 byte-order mark). */
  bomLength: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Drop a multi-byte sequence cut off by the end of the sample. */
function trimIncompleteUtf8(b: Buffer): Buffer {
  let i = b.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (b[i] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return b;
  const lead = b[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? b.subarray(0, i) : b;
}

const utf8Lenient = new TextDecoder('utf-8');

/**
 * A UTF-8 file with a few broken bytes (one row pasted from a GBK export) is still UTF-8: read
 * as GB18030 its every other name would be silently mangled, while read as UTF-8 only the broken
 * rows show U+FFFD, and those are rejected. GBK text read as UTF-8 is almost all U+FFFD.
 */
function mostlyUtf8(sample: Buffer): boolean {
  const text = utf8Lenient.decode(sample);
  let wide = 0;
  let broken = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) broken++;
    else if (c > 0x7f) wide++;
  }
  return wide >= 8 && wide >= 4 * broken;
}

export function detectEncoding(sample: Buffer, isComplete = false): Detected {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: 'utf8', bomLength: 3 };
  }
  const whole = isComplete ? sample : trimIncompleteUtf8(sample);
  try {
    utf8.decode(whole);
    return { encoding: 'utf8', bomLength: 0 };
  } catch {
    return { encoding: mostlyUtf8(whole) ? 'utf8' : 'gb18030', bomLength: 0 };
  }
}

/** A streaming decoder for the detected encoding (handles characters split across chunks). */
export function decoderFor(enc: TextEncoding): NodeJS.ReadWriteStream {
  return iconv.decodeStream(enc === 'utf8' ? 'utf8' : 'gb18030');
}

export function decode(buf: Buffer, enc: TextEncoding): string {
  return enc === 'utf8' ? buf.toString('utf8') : iconv.decode(buf, 'gb18030');
}

/** PostgreSQL's name for the encoding, for COPY … (ENCODING …). */
export function pgEncoding(enc: TextEncoding): string {
  return enc === 'utf8' ? 'UTF8' : 'GB18030';
}
