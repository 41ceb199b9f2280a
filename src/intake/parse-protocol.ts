// Messages between the intake pipeline (main thread) and its parse workers.
import type { OutputBlock, ParseTaskSpec } from './parse-task.js';

export type ToWorker =
  | { t: 'start'; task: number; feed: string; spec: ParseTaskSpec }
  | { t: 'chunk'; task: number; data: Uint8Array }
  | { t: 'end'; task: number }
  /** The main thread has taken one block of the task's output. */
  | { t: 'taken'; task: number }
  | { t: 'abort'; task: number };

export type ToMain =
  | { t: 'block'; task: number; block: OutputBlock }
  /** Input bytes the parser has read: the main thread may send more. */
  | { t: 'consumed'; task: number; bytes: number }
  | { t: 'done'; task: number }
  | { t: 'error'; task: number; error: { code: string; message: string } };
