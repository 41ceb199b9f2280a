// Routes the parsed blocks of one batch into its transaction: new records stream by COPY into
// feed_records, corrections into the staging table, rejects into batch_rejects; records equal
// to their stored version are only counted. One connection can run one COPY at a time, so the
// new-records COPY stays open and the other two are buffered (and flushed in between when large).
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { fromDatabaseError } from '../errors.js';
import { rawFieldOf, rejectLines, type LineContext } from './copy-text.js';
import type { OutputBlock } from './parse-task.js';
import {
  applyChangedSql, copyChangedRecordsSql, createStageSql, copyNewRecordsSql, copyRejectsSql, dropBatchRecordsSql, historyOfChangedSql,
} from './merge-sql.js';
import type { BatchCounts } from './types.js';

/** Above this, buffered corrections or rejects are flushed (interrupting the records COPY). */
const FLUSH_BYTES = 16 * 1024 * 1024;

type CopyStream = ReturnType<typeof copyFrom>;

/** Stored content hash by record id, for the ids asked about that exist. */
export type StoredHashes = (recordIds: string[]) => Promise<Map<string, string>>;

export interface WriterOptions {
  ctx: LineContext;
  /** How to find stored versions; null when the agency has stored nothing of this feed yet. */
  stored: StoredHashes | null;
  /**
   * Record ids must be unique within a file. An adapter checks within what it parsed; when a
   * file was split between workers, ids seen in earlier blocks are checked here.
   */
  crossBlockIds: { idLabel: string; idField: string } | null;
}

/** Waits for 'drain', failing if the COPY fails meanwhile. */
function drained(s: CopyStream): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => {
      s.off('drain', onDrain);
      s.off('error', done);
      s.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(s.errored ?? new Error('the COPY stream closed'));
    s.once('drain', onDrain);
    s.once('error', done);
    s.once('close', onClose);
  });
}

export class BatchWriter {
  readonly counts: BatchCounts = { received: 0, accepted: 0, rejected: 0, duplicate: 0, superseded: 0 };
  private records: CopyStream | null = null;
  private changed: Uint8Array[] = [];
  private changedBytes = 0;
  private rejects: Uint8Array[] = [];
  private rejectBytes = 0;
  private readonly seen = new Map<string, number>();
  private stageCreated = false;

  private stored: StoredHashes | null;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly o: WriterOptions,
  ) {
    this.stored = o.stored;
  }

  /** Decided only once the feed lock is held (ingest.ts): whether, and how, to look up stored versions. */
  useStored(stored: StoredHashes): void {
    this.stored = stored;
  }

  async add(b: OutputBlock): Promise<void> {
    const n = b.ids.length;
    this.counts.received += n + b.rejectIds.length;
    this.counts.rejected += b.rejectIds.length;
    if (b.rejects.length) this.bufferReject(b.rejects);

    const repeated = this.o.crossBlockIds ? this.repeatedIds(b) : null;
    const stored = this.stored ? await this.stored(repeated ? b.ids.filter((_, i) => !repeated.has(i)) : b.ids) : null;
    if (!repeated && (!stored || stored.size === 0)) {
      // The common case: every record is new.
      this.counts.accepted += n;
      if (n) await this.writeRecords(b.records);
    } else {
      const fresh: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const line = b.records.subarray(b.starts[i], b.starts[i + 1]);
        const first = repeated?.get(i);
        if (first !== undefined) {
          this.rejectRepeated(b, i, line, first);
          continue;
        }
        const hash = stored?.get(b.ids[i]);
        if (hash === undefined) {
          fresh.push(line);
          this.counts.accepted++;
        } else if (hash === b.hashes.substr(i * 64, 64)) {
          this.counts.duplicate++;
        } else {
          this.changed.push(line);
          this.changedBytes += line.length;
          this.counts.accepted++;
          this.counts.superseded++;
        }
      }
      if (fresh.length) await this.writeRecords(Buffer.concat(fresh));
    }
    if (this.changedBytes > FLUSH_BYTES) await this.flushChanged();
    if (this.rejectBytes > FLUSH_BYTES) await this.flushRejects();
  }

  /** Indexes of records whose id an earlier block already had, with where it first appeared. */
  private repeatedIds(b: OutputBlock): Map<number, number> | null {
    let repeated: Map<number, number> | null = null;
    for (let i = 0; i < b.ids.length; i++) {
      const first = this.seen.get(b.ids[i]);
      if (first !== undefined) (repeated ??= new Map()).set(i, first);
    }
    for (let i = 0; i < b.ids.length; i++) if (!repeated?.has(i)) this.seen.set(b.ids[i], b.positions[i]);
    for (let i = 0; i < b.rejectIds.length; i++) {
      const id = b.rejectIds[i];
      if (id !== null && !this.seen.has(id)) this.seen.set(id, b.rejectPositions[i]);
    }
    return repeated;
  }

  private rejectRepeated(b: OutputBlock, i: number, line: Uint8Array, first: number): void {
    const { idLabel, idField } = this.o.crossBlockIds!;
    const text = Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString();
    const lines = rejectLines(
      {
        position: b.positions[i],
        recordId: b.ids[i],
        raw: null,
        errors: [{ field: idField, code: 'DUPLICATE_ID', message: `${idLabel}: the same id already appeared at line ${first} of this file; record ids must be unique` }],
      },
      { ...this.o.ctx, positionOffset: 0 },
      rawFieldOf(text),
    );
    this.bufferReject(Buffer.from(lines));
    this.counts.rejected++;
  }

  private bufferReject(bytes: Uint8Array): void {
    this.rejects.push(bytes);
    this.rejectBytes += bytes.length;
  }

  private async writeRecords(bytes: Uint8Array): Promise<void> {
    if (!this.records) {
      this.records = this.client.query(copyFrom(copyNewRecordsSql()));
      // An error surfaces at write or at close; keep it from being an unhandled 'error' event.
      this.records.on('error', () => undefined);
    }
    if (!this.records.write(bytes)) await drained(this.records);
  }

  private async closeRecords(): Promise<void> {
    const s = this.records;
    if (!s) return;
    this.records = null;
    s.end();
    await finished(s);
  }

  private async copyAll(sql: string, chunks: Uint8Array[]): Promise<void> {
    await this.closeRecords();
    const s = this.client.query(copyFrom(sql));
    s.on('error', () => undefined);
    for (const c of chunks) if (!s.write(c)) await drained(s);
    s.end();
    await finished(s);
  }

  private async flushChanged(): Promise<void> {
    if (!this.changed.length) return;
    const chunks = this.changed;
    this.changed = [];
    this.changedBytes = 0;
    await this.closeRecords();
    // Created on first use: most batches (every first load) have no corrections at all.
    if (!this.stageCreated) await this.client.query(createStageSql());
    this.stageCreated = true;
    await this.copyAll(copyChangedRecordsSql(), chunks);
  }

  private async flushRejects(): Promise<void> {
    if (!this.rejects.length) return;
    const chunks = this.rejects;
    this.rejects = [];
    this.rejectBytes = 0;
    await this.copyAll(copyRejectsSql(), chunks);
  }

  /** All lines are in; apply the corrections. */
  async finish(): Promise<BatchCounts> {
    try {
      await this.closeRecords();
      await this.flushRejects();
      await this.flushChanged();
      if (this.counts.superseded) {
        const { agency, feed, batchId } = this.o.ctx;
        await this.client.query(historyOfChangedSql(agency, feed, batchId));
        await this.client.query(applyChangedSql(agency, feed));
      }
    } catch (err) {
      throw fromDatabaseError(err);
    }
    return this.counts;
  }

  /** Fails an open COPY (the transaction is then rolled back by the caller). */
  async abort(): Promise<void> {
    const s = this.records;
    if (!s) return;
    this.records = null;
    s.destroy(new Error('intake aborted'));
    await finished(s).catch(() => undefined);
  }

  /** The file turned out unreadable: keep its rejects, take back its records. */
  async abandon(): Promise<BatchCounts> {
    try {
      await this.closeRecords();
      this.changed = [];
      await this.flushRejects();
      const { agency, feed, batchId } = this.o.ctx;
      await this.client.query(dropBatchRecordsSql(agency, feed, batchId));
    } catch (err) {
      throw fromDatabaseError(err);
    }
    const c = this.counts;
    return { received: c.received, accepted: 0, rejected: c.rejected, duplicate: 0, superseded: 0 };
  }
}
