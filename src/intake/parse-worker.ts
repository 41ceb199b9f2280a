// A parse worker thread: runs feed adapters on the bytes the main thread sends and answers with
// blocks of COPY lines (parse-pool.ts holds the other end of the protocol).
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { adapterFor } from '../adapters/index.js';
import { AppError } from '../errors.js';
import { parseTask, transferables, type ParseTaskSpec } from './parse-task.js';
import type { ToMain, ToWorker } from './parse-protocol.js';

/** Blocks sent but not yet taken by the main thread; past this the parse waits. */
const MAX_UNTAKEN = 4;

interface Task {
  chunks: Uint8Array[];
  ended: boolean;
  aborted: boolean;
  wake: (() => void) | null;
  untaken: number;
  taken: (() => void) | null;
}

const port = parentPort!;
const tasks = new Map<number, Task>();
const send = (m: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function* inputOf(id: number, t: Task): AsyncGenerator<Buffer> {
  while (true) {
    if (t.aborted) return;
    const c = t.chunks.shift();
    if (c) {
      send({ t: 'consumed', task: id, bytes: c.byteLength });
      yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      continue;
    }
    if (t.ended) return;
    await new Promise<void>((r) => (t.wake = r));
    t.wake = null;
  }
}

async function run(id: number, feed: string, spec: ParseTaskSpec): Promise<void> {
  const t = tasks.get(id)!;
  try {
    const adapter = adapterFor(feed);
    for await (const block of parseTask(adapter, Readable.from(inputOf(id, t)), spec)) {
      if (t.aborted) break;
      t.untaken++;
      send({ t: 'block', task: id, block }, transferables(block));
      while (t.untaken >= MAX_UNTAKEN && !t.aborted) await new Promise<void>((r) => (t.taken = r));
    }
    send({ t: 'done', task: id });
  } catch (err) {
    const e = err as Error;
    send({
      t: 'error',
      task: id,
      error: err instanceof AppError ? { code: err.code, message: err.message } : { code: 'YPQ_INTERNAL', message: e?.message ?? String(err) },
    });
  } finally {
    tasks.delete(id);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'start') {
    tasks.set(m.task, { chunks: [], ended: false, aborted: false, wake: null, untaken: 0, taken: null });
    void run(m.task, m.feed, m.spec);
    return;
  }
  const t = tasks.get(m.task);
  if (!t) return;
  if (m.t === 'chunk') t.chunks.push(m.data);
  else if (m.t === 'end') t.ended = true;
  else if (m.t === 'abort') t.aborted = true;
  else if (m.t === 'taken') {
    t.untaken--;
    t.taken?.();
    t.taken = null;
    return;
  }
  t.wake?.();
  if (m.t === 'abort') t.taken?.();
});
