// A worker thread of normaliser-pool.ts: normalises the blocks it is sent, in the order sent.
import { parentPort, workerData } from 'node:worker_threads';
import { BlockNormaliser, type BlockSpec } from './block-normaliser.js';
import { NotPlainCsv } from './plain-csv.js';

const port = parentPort!;
const blocks = new BlockNormaliser(workerData as BlockSpec);

port.on('message', (m: { seq: number; data: Uint8Array; first: boolean }) => {
  try {
    const b = blocks.normalise(m.data, m.first);
    port.postMessage({ seq: m.seq, ok: true, block: b }, [b.lines.buffer as ArrayBuffer, b.ends.buffer as ArrayBuffer]);
  } catch (err) {
    port.postMessage({ seq: m.seq, ok: false, plain: err instanceof NotPlainCsv, message: (err as Error).message });
  }
});
