// The format of a file whose Content-Type or extension says nothing: the first character that is
// not a byte-order mark or white space decides. ASCII punctuation is the same in UTF-8 and GBK.
import type { FeedFormat } from '../types.js';

export function sniffFormat(firstBytes: Uint8Array): FeedFormat {
  let i = firstBytes[0] === 0xef && firstBytes[1] === 0xbb && firstBytes[2] === 0xbf ? 3 : 0;
  while (i < firstBytes.length && (firstBytes[i] === 0x20 || (firstBytes[i] >= 0x09 && firstBytes[i] <= 0x0d))) i++;
  const c = firstBytes[i];
  if (c === 0x3c /* < */) return 'xml';
  if (c === 0x5b /* [ */ || c === 0x7b /* { */) return 'json';
  return 'csv';
}

/** From a file name or Content-Type, when it tells; undefined otherwise. */
export function formatFromName(nameOrType: string | null | undefined): FeedFormat | undefined {
  const s = (nameOrType ?? '').toLowerCase();
  if (/(\.|\/|\+)json\b/.test(s) || s.endsWith('.json')) return 'json';
  if (/(\.|\/|\+)xml\b/.test(s) || s.endsWith('.xml')) return 'xml';
  if (/(\.|\/)(csv|txt)\b/.test(s) || s.includes('comma-separated-values')) return 'csv';
  return undefined;
}
