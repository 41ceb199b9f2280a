// What every subcommand needs: configuration, a logger on stderr, the database (embedded or not),
// and a clean exit with a clear message on failure.
import pino from 'pino';
import type { Logger } from 'pino';
import { config, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';
import { createLogger, setLogger } from '../logger.js';

export interface CliContext {
  cfg: Config;
  log: Logger;
  db: Database;
}

export function cliLogger(cfg: Config): Logger {
  // Progress bars own stdout's line; logs go to stderr.
  const log = createLogger(cfg.logLevel, pino.destination(2));
  setLogger(log);
  return log;
}

/** Runs a command body with an open, migrated database, and always closes it. */
export async function withDatabase<T>(body: (ctx: CliContext) => Promise<T>, poolSize?: number): Promise<T> {
  const cfg = config();
  const log = cliLogger(cfg);
  const db = await openDatabase(cfg, log, { poolSize });
  try {
    return await body({ cfg, log, db });
  } finally {
    await db.close();
  }
}

export class CliError extends Error {}
