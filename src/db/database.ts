// Opens the database the configuration names, or starts the embedded one, and migrates it.
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { startEmbedded, type EmbeddedServer } from './embedded.js';
import { migrate } from './migrate.js';

// Dates stay strings ('2024-03-05'): a JS Date would shift them by the time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface Database {
  pool: pg.Pool;
  url: string;
  embedded: EmbeddedServer | undefined;
  close(): Promise<void>;
}

export async function openDatabase(cfg: Config, log: Logger, opts: { migrate?: boolean; poolSize?: number } = {}): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url = cfg.databaseUrl;
  if (!url) {
    embedded = await startEmbedded({ dir: cfg.dataDir, database: 'yipanqi', log });
    url = embedded.url;
  }
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 20, application_name: 'yipanqi' });
  let closed = false;
  // Ctrl-C reaches the embedded server too (same process group): lost connections are expected then.
  pool.on('error', (err) => (closed || embedded ? log.debug : log.error).call(log, { err }, 'idle database connection failed'));
  try {
    await pool.query('SELECT 1');
    if (opts.migrate !== false) await migrate(pool, log);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  return {
    pool,
    url,
    embedded,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
}

export function dataPath(cfg: Config, ...parts: string[]): string {
  return path.join(cfg.dataDir, ...parts);
}
