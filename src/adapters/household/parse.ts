// household arrives as XML (<householdEvents><event …>…) or a JSON array of the same events.
import type { FeedFormat } from '../types.js';
import { readJson } from '../shared/json-reader.js';
import type { RawRow } from '../shared/raw-row.js';
import { readXml } from '../shared/xml-reader.js';

export const HOUSEHOLD_XML = { root: 'householdEvents', record: 'event' };

/** An empty <previous/> or <person/> reads as blank text: it means "not given", not a wrong type. */
function blankIsAbsent(row: RawRow): RawRow {
  const raw = row.raw;
  if (raw) for (const k of ['person', 'previous']) if (typeof raw[k] === 'string' && (raw[k] as string).trim() === '') delete raw[k];
  return row;
}

export async function* householdRows(text: AsyncIterable<string>, format: FeedFormat, maxChars: number): AsyncGenerator<RawRow[]> {
  const batches = format === 'xml' ? readXml(text, HOUSEHOLD_XML, maxChars) : readJson(text, maxChars);
  for await (const batch of batches) yield batch.map(blankIsAbsent);
}
