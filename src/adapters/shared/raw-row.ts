// What the format readers hand to the feed core: one record as received, or a record-level
// problem the reader found (wrong column count, overlong element, an element that is not JSON).
import type { RecordError } from '../types.js';

export interface RawRow {
  /** CSV line where the record starts (header = 1), XML record element index, JSON array index + 1. */
  position: number;
  raw: Record<string, unknown> | null;
  /** Set when the reader could not produce a usable record; the core rejects it. */
  error?: RecordError;
}

/** Object keys a hostile file could use to reach an object's prototype. */
export const isSafeKey = (k: string): boolean => k !== '__proto__';
