// Keyset paging: a page is the next `limit` rows after the cursor, which is the last row's
// (sort key, id). Opaque to clients; stable while rows are added.
import { appError } from '../../errors.js';

export interface Cursor {
  key: string;
  id: number;
}

export function encodeCursor(key: string | Date, id: number): string {
  const k = key instanceof Date ? key.toISOString() : key;
  return Buffer.from(JSON.stringify([k, id])).toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const [key, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof key === 'string' && Number.isSafeInteger(id)) return { key, id: id as number };
  } catch {
    // fall through
  }
  throw appError('YPQ_VALIDATION', 'cursor is not one this API gave out');
}

/** Rows fetched with limit + 1: the page and the cursor for the next one. */
export function pageOf<R, T>(rows: R[], limit: number, map: (r: R) => T, cursorOf: (r: R) => string): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { items: page.map(map), nextCursor: rows.length > limit ? cursorOf(page[page.length - 1]) : null };
}
