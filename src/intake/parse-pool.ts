// Parsing runs on worker threads so that it uses the cores the main thread (COPY to PostgreSQL)
// leaves free: a CSV file is cut into blocks of whole records that the workers parse side by
// side; JSON and XML stream through one worker. Blocks come back in file order, so record ids
// and positions are seen in the order the file has them.
import { createRequire } from 'node:module';
import os from 'node:os';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { adapterFor } from '../adapters/index.js';
import { AppError, type ErrorCode, ERRORS } from '../errors.js';
import { CsvBlockSplitter } from './csv-blocks.js';
import type { ToMain, ToWorker } from './parse-protocol.js';
import { parseTask, type OutputBlock, type ParseTaskSpec } from './parse-task.js';

/** Bytes sent to a worker and not yet read by its parser (stream mode). */
const MAX_INFLIGHT_BYTES = 4 * 1024 * 1024;
/** Size of one CSV block; two per worker may be in flight. */
export const DEFAULT_BLOCK_BYTES = 1024 * 1024;

export interface ParseInput {
  feed: string;
  spec: ParseTaskSpec;
  input: AsyncIterable<Buffer>;
  /** Cut a CSV file into blocks for several workers (false: stream it through one). */
  split: boolean;
  blockBytes?: number;
}

class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

interface TaskState {
  id: number;
  handle: WorkerHandle;
  blocks: OutputBlock[];
  done: boolean;
  error: AppError | null;
  inflightBytes: number;
  signal: Signal;
}

function toAppError(e: { code: string; message: string }): AppError {
  if (e.code in ERRORS) {
    const err = new AppError(e.code as ErrorCode);
    Object.defineProperty(err, 'message', { value: e.message });
    return err;
  }
  return new AppError('YPQ_INTERNAL', [e.message]);
}

class WorkerHandle {
  readonly worker: Worker;
  readonly tasks = new Map<number, TaskState>();
  dead = false;

  constructor(onDead: (h: WorkerHandle) => void) {
    this.worker = spawnWorker();
    // Idle workers must not keep the process alive. Unref'd before it is online, a worker that
    // registers tsx's loader (development) ends up holding the process anyway: unref again then.
    this.worker.unref();
    this.worker.once('online', () => {
      if (this.tasks.size === 0) this.worker.unref();
    });
    this.worker.on('message', (m: ToMain) => this.onMessage(m));
    const fail = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      onDead(this);
      for (const t of this.tasks.values()) {
        t.error ??= new AppError('YPQ_INTERNAL', [`a parse worker stopped: ${why}`]);
        t.signal.notify();
      }
      this.tasks.clear();
    };
    this.worker.on('error', (err) => fail(err.message));
    this.worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  start(t: TaskState, feed: string, spec: ParseTaskSpec): void {
    if (this.tasks.size === 0) this.worker.ref();
    this.tasks.set(t.id, t);
    this.post({ t: 'start', task: t.id, feed, spec });
  }

  finish(t: TaskState): void {
    if (this.tasks.delete(t.id) && this.tasks.size === 0) this.worker.unref();
  }

  private onMessage(m: ToMain): void {
    const t = this.tasks.get(m.task);
    if (!t) return;
    if (m.t === 'block') t.blocks.push(m.block);
    else if (m.t === 'consumed') t.inflightBytes -= m.bytes;
    else if (m.t === 'done') t.done = true;
    else if (m.t === 'error') {
      t.error = toAppError(m.error);
      t.done = true;
    }
    t.signal.notify();
  }
}

/** A copy unless the bytes already fill an ArrayBuffer of their own (those are transferred, not copied). */
function ownBuffer(b: Buffer): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
}

/** Under tsx (development, tests) a worker must register the TypeScript loader before it imports. */
function spawnWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', here));
  const tsxApi = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./parse-worker.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, {
    eval: true,
  });
}

export class ParsePool {
  private handles: WorkerHandle[] = [];
  private nextTask = 1;
  private turn = 0;

  /** size 0: parse on the calling thread. */
  constructor(readonly size: number) {}

  /** Starts the workers now (they take a moment to load), instead of on first use. */
  warm(): void {
    for (let i = 0; i < this.size; i++) this.handle(i);
  }

  private handle(i: number): WorkerHandle {
    let h = this.handles[i];
    if (!h || h.dead) {
      h = new WorkerHandle((dead) => {
        if (this.handles[i] === dead) this.handles[i] = undefined as unknown as WorkerHandle;
      });
      this.handles[i] = h;
    }
    return h;
  }

  private newTask(feed: string, spec: ParseTaskSpec): TaskState {
    const handle = this.handle(this.turn++ % this.size);
    const t: TaskState = { id: this.nextTask++, handle, blocks: [], done: false, error: null, inflightBytes: 0, signal: new Signal() };
    handle.start(t, feed, spec);
    return t;
  }

  async *parse(p: ParseInput): AsyncGenerator<OutputBlock> {
    if (this.size === 0) {
      yield* parseTask(adapterFor(p.feed), Readable.from(p.input), p.spec);
      return;
    }
    const queue: TaskState[] = [];
    const changed = new Signal();
    let producing = true;
    let producerError: unknown = null;
    let closed = false;
    const maxTasks = p.split ? 2 * this.size : 1;

    const produce = async () => {
      try {
        if (p.split) {
          const splitter = new CsvBlockSplitter(p.blockBytes ?? DEFAULT_BLOCK_BYTES);
          const dispatch = async (blocks: { data: Buffer; positionOffset: number }[]) => {
            for (const b of blocks) {
              while (queue.length >= maxTasks && !closed) await changed.wait();
              if (closed) return;
              const t = this.newTask(p.feed, { ...p.spec, positionOffset: p.spec.positionOffset + b.positionOffset });
              const data = ownBuffer(b.data);
              t.handle.post({ t: 'chunk', task: t.id, data }, [data.buffer as ArrayBuffer]);
              t.handle.post({ t: 'end', task: t.id });
              queue.push(t);
              changed.notify();
            }
          };
          for await (const chunk of p.input) {
            if (closed) return;
            await dispatch(splitter.push(chunk));
          }
          await dispatch(splitter.end());
        } else {
          const t = this.newTask(p.feed, p.spec);
          queue.push(t);
          changed.notify();
          for await (const chunk of p.input) {
            while (t.inflightBytes > MAX_INFLIGHT_BYTES && !t.done && !closed) await t.signal.wait();
            if (closed || t.done) return;
            const data = ownBuffer(chunk);
            t.inflightBytes += data.byteLength;
            t.handle.post({ t: 'chunk', task: t.id, data }, [data.buffer as ArrayBuffer]);
          }
          t.handle.post({ t: 'end', task: t.id });
        }
      } catch (err) {
        producerError = err;
      } finally {
        producing = false;
        changed.notify();
      }
    };
    const producer = produce();

    try {
      while (true) {
        const t = queue[0];
        if (!t) {
          if (producerError) throw producerError;
          if (!producing) break;
          await changed.wait();
          continue;
        }
        const block = t.blocks.shift();
        if (block) {
          t.handle.post({ t: 'taken', task: t.id });
          yield block;
          continue;
        }
        if (t.error) throw t.error;
        if (t.done) {
          t.handle.finish(t);
          queue.shift();
          changed.notify();
          continue;
        }
        if (producerError) throw producerError;
        // Wake on either: the worker answered, or the producer failed (the input broke).
        await Promise.race([t.signal.wait(), changed.wait()]);
      }
    } finally {
      closed = true;
      changed.notify();
      for (const t of queue) {
        t.handle.post({ t: 'abort', task: t.id });
        t.handle.finish(t);
        t.signal.notify();
      }
      // Not awaited: the producer may be waiting for input that will never come (a stalled
      // upload); it stops at its next chunk, or when the caller destroys the input.
      void producer;
    }
  }
}

let shared: ParsePool | undefined;

/** The process's parse pool: one worker per core, at most four (PostgreSQL wants a core too). */
export function parsePool(): ParsePool {
  shared ??= new ParsePool(Math.min(4, Math.max(1, os.availableParallelism())));
  return shared;
}
