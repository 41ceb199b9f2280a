// Helpers for the adapter tests: feed bytes in (optionally in small chunks, to cross every
// boundary), collect what comes out, and keep the error a parse ended with.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { AppError } from '../src/errors.js';
import type { FeedAdapter, FeedFormat, ParsedItem, ParsedOk, ParsedReject } from '../src/adapters/types.js';

export function fixture(feed: string, name: string): Buffer {
  return fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'feeds', feed, name));
}

/** A readable giving `bytes` in pieces of `size` bytes (default: one piece). */
export function streamOf(bytes: Buffer | string, size = 0): Readable {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  if (size <= 0) return Readable.from([b]);
  const pieces: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) pieces.push(b.subarray(i, i + size));
  return Readable.from(pieces);
}

export interface Outcome<R> {
  items: ParsedItem<R>[];
  ok: ParsedOk<R>[];
  rejects: ParsedReject[];
  error: AppError | null;
}

export async function run<R>(adapter: FeedAdapter<R>, bytes: Buffer | string, format: FeedFormat, opts: { chunk?: number; maxRecordBytes?: number } = {}): Promise<Outcome<R>> {
  const items: ParsedItem<R>[] = [];
  let error: AppError | null = null;
  try {
    for await (const it of adapter.parse(streamOf(bytes, opts.chunk), { format, maxRecordBytes: opts.maxRecordBytes })) items.push(it);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    error = err;
  }
  return {
    items,
    ok: items.filter((i): i is ParsedOk<R> => i.ok),
    rejects: items.filter((i): i is ParsedReject => !i.ok),
    error,
  };
}

/** Parse that must succeed as a whole. */
export async function parseAll<R>(adapter: FeedAdapter<R>, bytes: Buffer | string, format: FeedFormat, opts: { chunk?: number; maxRecordBytes?: number } = {}) {
  const out = await run(adapter, bytes, format, opts);
  if (out.error) throw out.error;
  return out;
}

export const codes = (r: ParsedReject) => r.errors.map((e) => e.code).sort();
