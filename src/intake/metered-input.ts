// The bytes of one upload or file as the pipeline reads them: counted (progress, batch size),
// hashed (the batch's sha256), with the first bytes available for format sniffing before
// parsing starts. The caller owns the stream: this never destroys it, so that an HTTP request
// can still be answered after the pipeline stopped reading it.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';

const HEAD_BYTES = 1024;

export class MeteredInput implements AsyncIterable<Buffer> {
  bytes = 0;
  private readonly hash = crypto.createHash('sha256');
  private readonly it: AsyncIterator<unknown>;
  private readonly replay: Buffer[] = [];
  private ended = false;
  private closed = false;
  /** Reads are serialised: a parser that stopped early and a drain may both ask for the next chunk. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    source: Readable,
    private readonly onProgress?: (bytesRead: number) => void,
  ) {
    this.it = source[Symbol.asyncIterator]();
  }

  private pull(): Promise<Buffer | null> {
    const p = this.last.then(async () => {
      if (this.ended || this.closed) return null;
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        return null;
      }
      const v = r.value;
      const b = Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v as Uint8Array);
      this.bytes += b.length;
      this.hash.update(b);
      this.onProgress?.(this.bytes);
      return b;
    });
    this.last = p.catch(() => undefined);
    return p;
  }

  /** The first bytes (at least 1 KiB unless the input is shorter), kept for the parser. */
  async head(): Promise<Buffer> {
    let n = this.replay.reduce((s, b) => s + b.length, 0);
    while (n < HEAD_BYTES) {
      const b = await this.pull();
      if (!b) break;
      this.replay.push(b);
      n += b.length;
    }
    return Buffer.concat(this.replay);
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: async () => {
        const b = this.replay.shift() ?? (await this.pull());
        return b ? { done: false, value: b } : { done: true, value: undefined };
      },
      // Stopping early does not end the source (see drain).
      return: async () => ({ done: true, value: undefined }),
    };
  }

  /** Reads the rest, so that the hash and size cover the whole input. */
  async drain(): Promise<void> {
    this.replay.length = 0;
    while (await this.pull());
  }

  get complete(): boolean {
    return this.ended;
  }

  /** Hex sha256 of the bytes read so far (of the whole input once complete). */
  sha256(): string {
    return this.hash.copy().digest('hex');
  }

  close(): void {
    this.closed = true;
  }
}
