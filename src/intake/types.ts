// The one intake pipeline that HTTP push, SFTP drop and the nightly CLI all call.
import type { Readable } from 'node:stream';
import type { FeedFormat, FeedKind } from '../adapters/types.js';

export type Channel = 'http' | 'sftp' | 'cli';

export interface IngestRequest {
  agency: string;
  feed: FeedKind;
  channel: Channel;
  /** The file's name (CLI, SFTP) or a name given by the pusher; informational. */
  fileName: string | null;
  /** When known from a Content-Type or file extension; otherwise sniffed from the bytes. */
  format?: FeedFormat;
  input: Readable;
  /** Who submitted it (the token's subject, or 'cli:<os user>'). */
  actor: string;
  /** Progress callback for long files (bytes read so far). */
  onProgress?: (bytesRead: number) => void;
}

export interface BatchCounts {
  received: number;
  accepted: number;
  rejected: number;
  duplicate: number;
  superseded: number;
}

export interface BatchResult {
  batchId: number;
  status: 'committed' | 'failed';
  sha256: string;
  counts: BatchCounts;
  /** A batch-level error (the input could not be read at all). */
  error?: { code: string; message: string };
}
