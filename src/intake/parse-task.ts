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

/**
 * Lines are encoded into one reused buffer as they are made, so that each line string dies
 * young (cheap to collect) instead of being kept until the block is joined: that alone was a
 * fifth of a worker's time in the garbage collector.
 */
class ByteSink {
  private buf = Buffer.allocUnsafeSlow(1 << 20);
  length = 0;

  write(s: string): void {
    if (this.length + s.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.length + s.length * 3));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(s, this.length);
  }

  /** The bytes so far, in an ArrayBuffer of their own (transferable); the sink starts over. */
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

class BlockBuilder {
  private readonly records = new ByteSink();
  private readonly rejects = new ByteSink();
  private starts: number[] = [0];
  private ids: string[] = [];
  private positions: number[] = [];
  private hashes: string[] = [];
  private rejectIds: (string | null)[] = [];
  private rejectPositions: number[] = [];

  get size(): number {
    return this.ids.length + this.rejectIds.length;
  }

  ok(line: string, id: string, position: number, hash: string): void {
    this.records.write(line);
    this.starts.push(this.records.length);
    this.ids.push(id);
    this.positions.push(position);
    this.hashes.push(hash);
  }

  reject(lines: string, id: string | null, position: number): void {
    this.rejects.write(lines);
    this.rejectIds.push(id);
    this.rejectPositions.push(position);
  }

  build(): OutputBlock {
    const block: OutputBlock = {
      records: this.records.take(),
      starts: Uint32Array.from(this.starts),
      ids: this.ids,
      positions: Int32Array.from(this.positions),
      hashes: this.hashes.join(''),
      rejects: this.rejects.take(),
      rejectIds: this.rejectIds,
      rejectPositions: Int32Array.from(this.rejectPositions),
    };
    this.starts = [0];
    this.ids = [];
    this.positions = [];
    this.hashes = [];
    this.rejectIds = [];
    this.rejectPositions = [];
    return block;
  }
}

export async function* parseTask(adapter: FeedAdapter<unknown>, input: Readable, spec: ParseTaskSpec): AsyncGenerator<OutputBlock> {
  const b = new BlockBuilder();
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
        if (b.size >= BLOCK_ITEMS) yield b.build();
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
