// The intake pipeline as the SFTP poller calls it.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { BatchResult, IngestRequest } from '../types.js';

export function sftpIngest(_cfg: Config, _pool: pg.Pool, _log: Logger): (req: IngestRequest) => Promise<BatchResult> {
  return async () => {
    throw new Error('intake pipeline not available yet');
  };
}
