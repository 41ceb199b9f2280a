// One run of a feed adapter over some bytes, packed into blocks of COPY lines. Runs in a parse
// worker (parse-worker.ts), or inline when workers are turned off.
import type { Readable } from 'node:stream';
import type { FeedAdapter, FeedFormat } from '../adapters/types.js';
import { recordLine, rejectLines, type LineContext } from './copy-text.js';

export interface ParseTaskSpec extends LineContext {
  format: FeedFormat;
  maxRecordBytes?: number;
}

/** What the main thread needs of a run of parsed records. Buffers are transferable. */
export interface OutputBlock {
  /** Record lines (feed_records / staging COPY format), UTF-8. */
  records: Uint8Array;
  /** Byte offset where each record line starts, plus the end: length = ids.length + 1. */
  starts: Uint32Array;
  ids: string[];
  positions: Int32Array;
  /** sha256 hex of each record, 64 characters each, concatenated. */
  hashes: string;
  /** batch_rejects lines, UTF-8. */
  rejects: Uint8Array;
  rejectIds: (string | null)[];
  rejectPositions: Int32Array;
}

const BLOCK_ITEMS = 2000;

class BlockBuilder {
  private lines: string[] = [];
  private lineBytes: number[] = [];
  private ids: string[] = [];
  private positions: number[] = [];
  private hashes: string[] = [];
  private rejects: string[] = [];
  private rejectIds: (string | null)[] = [];
  private rejectPositions: number[] = [];

  get size(): number {
    return this.ids.length + this.rejectIds.length;
  }

  ok(line: string, id: string, position: number, hash: string): void {
    this.lines.push(line);
    this.ids.push(id);
    this.positions.push(position);
    this.hashes.push(hash);
  }

  reject(lines: string, id: string | null, position: number): void {
    this.rejects.push(lines);
    this.rejectIds.push(id);
    this.rejectPositions.push(position);
  }

  build(): OutputBlock {
    const text = this.lines.join('');
    const records = encode(text);
    const starts = new Uint32Array(this.lines.length + 1);
    let at = 0;
    for (let i = 0; i < this.lines.length; i++) {
      starts[i] = at;
      at += Buffer.byteLength(this.lines[i]);
    }
    starts[this.lines.length] = at;
    return {
      records,
      starts,
      ids: this.ids,
      positions: Int32Array.from(this.positions),
      hashes: this.hashes.join(''),
      rejects: encode(this.rejects.join('')),
      rejectIds: this.rejectIds,
      rejectPositions: Int32Array.from(this.rejectPositions),
    };
  }
}

/** A buffer of its own (never a slice of Node's shared pool), so that it can be transferred. */
function encode(s: string): Uint8Array {
  const out = new Uint8Array(Buffer.byteLength(s));
  Buffer.from(out.buffer).write(s);
  return out;
}

export async function* parseTask(adapter: FeedAdapter<unknown>, input: Readable, spec: ParseTaskSpec): AsyncGenerator<OutputBlock> {
  let b = new BlockBuilder();
  try {
    // parseBatches: one await per chunk of input rather than one per record.
    for await (const items of adapter.parseBatches(input, { format: spec.format, maxRecordBytes: spec.maxRecordBytes })) {
      for (const item of items) {
        if (item.ok) {
          const r = recordLine(item, spec);
          b.ok(r.line, r.recordId, r.position, r.hash);
        } else {
          b.reject(rejectLines(item, spec), item.recordId, item.position + spec.positionOffset);
        }
        if (b.size >= BLOCK_ITEMS) {
          yield b.build();
          b = new BlockBuilder();
        }
      }
    }
  } finally {
    // Also when the file turns out unreadable: the rejects read before the fault are kept.
    if (b.size > 0) yield b.build();
  }
}

export function transferables(b: OutputBlock): ArrayBuffer[] {
  return [b.records.buffer, b.starts.buffer, b.positions.buffer, b.rejects.buffer, b.rejectPositions.buffer] as ArrayBuffer[];
}
