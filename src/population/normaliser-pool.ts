// Worker threads that normalise blocks of a population file side by side (block-normaliser.ts):
// the rules cost a few microseconds a row in JavaScript, and a million rows are the file's
// reading time unless they are shared out. Blocks come back in the order they were sent.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BlockNormaliser, type BlockSpec, type NormalisedBlock } from './block-normaliser.js';
import { NotPlainCsv } from './plain-csv.js';

interface Reply {
  seq: number;
  ok: boolean;
  block?: NormalisedBlock;
  plain?: boolean;
  message?: string;
}

/**
 * A row leaves some twenty short-lived strings behind; a young generation larger than V8's
 * default collects them in fewer, cheaper scavenges and promotes fewer to the old one.
 */
const RESOURCES = { maxYoungGenerationSizeMb: 48 };

/** Under tsx (development, tests) a worker must register the TypeScript loader before it imports. */
function spawnWorker(spec: BlockSpec): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./population-worker.js', here), { workerData: spec, resourceLimits: RESOURCES });
  const tsxApi = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./population-worker.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, {
    eval: true,
    workerData: spec,
    resourceLimits: RESOURCES,
  });
}

export class NormaliserPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (b: NormalisedBlock) => void; reject: (e: Error) => void }>();
  private readonly inline: BlockNormaliser | null;
  private seq = 0;

  /** @param size worker threads; 0 normalises on the calling thread */
  constructor(spec: BlockSpec, size: number) {
    this.inline = size === 0 ? new BlockNormaliser(spec) : null;
    this.workers = Array.from({ length: size }, () => {
      const w = spawnWorker(spec);
      w.on('message', (m: Reply) => this.reply(m));
      const fail = (err: Error) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => fail(new Error(`a population worker stopped (exit code ${code})`)));
      return w;
    });
  }

  private reply(m: Reply): void {
    const p = this.waiting.get(m.seq);
    if (!p) return;
    this.waiting.delete(m.seq);
    if (m.ok) p.resolve(m.block!);
    else p.reject(m.plain ? new NotPlainCsv(m.message) : new Error(m.message));
  }

  /** The block's normalised lines; blocks are handed out to the workers in turn. */
  normalise(data: Buffer, first: boolean): Promise<NormalisedBlock> {
    const seq = this.seq++;
    if (this.inline) {
      try {
        return Promise.resolve(this.inline.normalise(data, first));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    const result = new Promise<NormalisedBlock>((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
    // A copy the worker may own (a slice of a larger buffer cannot be transferred).
    const own = new Uint8Array(data);
    this.workers[seq % this.workers.length].postMessage({ seq, data: own, first }, [own.buffer]);
    return result;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
