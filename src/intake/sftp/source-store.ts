// The sftp_sources table: SQL as named { text, values } functions, and the one row mapping.
import type pg from 'pg';
import type { FeedRoute } from './routes.js';

export interface SftpSource {
  id: number;
  agency: string;
  host: string;
  port: number;
  username: string;
  /** Name of the environment variable that holds the password (on the gateway hosts). */
  passwordEnv: string | null;
  /** Private-key file; a relative path is taken under the data folder. */
  keyFile: string | null;
  passphraseEnv: string | null;
  /** Pinned host key, "SHA256:<base64>" as `ssh-keygen -lf` prints it. */
  hostKey: string | null;
  folder: string;
  routes: FeedRoute[];
  processedFolder: string;
  rejectedFolder: string;
  settleMs: number;
  enabled: boolean;
  lastPolledAt: Date | null;
  lastOkAt: Date | null;
  lastError: string | null;
}

export type NewSftpSource = Omit<SftpSource, 'id' | 'lastPolledAt' | 'lastOkAt' | 'lastError'>;

interface Query {
  text: string;
  values: unknown[];
}

export function toSource(r: Record<string, unknown>): SftpSource {
  return {
    id: r.id as number,
    agency: r.agency as string,
    host: r.host as string,
    port: r.port as number,
    username: r.username as string,
    passwordEnv: r.password_env as string | null,
    keyFile: r.key_file as string | null,
    passphraseEnv: r.passphrase_env as string | null,
    hostKey: r.host_key as string | null,
    folder: r.folder as string,
    routes: r.routes as FeedRoute[],
    processedFolder: r.processed_folder as string,
    rejectedFolder: r.rejected_folder as string,
    settleMs: r.settle_ms as number,
    enabled: r.enabled as boolean,
    lastPolledAt: r.last_polled_at as Date | null,
    lastOkAt: r.last_ok_at as Date | null,
    lastError: r.last_error as string | null,
  };
}

export function insertSourceSql(s: NewSftpSource): Query {
  return {
    text: `INSERT INTO sftp_sources (agency, host, port, username, password_env, key_file, passphrase_env, host_key,
                                     folder, routes, processed_folder, rejected_folder, settle_ms, enabled)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           RETURNING *`,
    values: [
      s.agency, s.host, s.port, s.username, s.passwordEnv, s.keyFile, s.passphraseEnv, s.hostKey,
      s.folder, JSON.stringify(s.routes), s.processedFolder, s.rejectedFolder, s.settleMs, s.enabled,
    ],
  };
}

export function listSourcesSql(filter: { agency?: string; id?: number; enabledOnly?: boolean } = {}): Query {
  return {
    text: `SELECT * FROM sftp_sources
           WHERE ($1::text IS NULL OR agency = $1) AND ($2::int IS NULL OR id = $2) AND (NOT $3 OR enabled)
           ORDER BY agency, id`,
    values: [filter.agency ?? null, filter.id ?? null, filter.enabledOnly ?? false],
  };
}

export function removeSourceSql(id: number): Query {
  return { text: 'DELETE FROM sftp_sources WHERE id = $1 RETURNING id', values: [id] };
}

export function setEnabledSql(id: number, enabled: boolean): Query {
  return { text: 'UPDATE sftp_sources SET enabled = $2, updated_at = now() WHERE id = $1 RETURNING id', values: [id, enabled] };
}

/** Every poll leaves its trace: when, and what went wrong (NULL when nothing did; a screenful at most). */
export function recordPollSql(id: number, error: string | null): Query {
  return {
    text: `UPDATE sftp_sources
           SET last_polled_at = now(), last_error = $2,
               last_ok_at = CASE WHEN $2::text IS NULL THEN now() ELSE last_ok_at END
           WHERE id = $1`,
    values: [id, error && error.slice(0, 2000)],
  };
}

// Session-level advisory lock per source: one poller at a time across every gateway process
// and CLI run; PostgreSQL frees it if the holder's connection dies, so a crash cannot wedge it.
const LOCK_CLASS = 0x73667470; // "sftp"

export function tryLockSourceSql(id: number): Query {
  return { text: 'SELECT pg_try_advisory_lock($1, $2) AS locked', values: [LOCK_CLASS, id] };
}

export function unlockSourceSql(id: number): Query {
  return { text: 'SELECT pg_advisory_unlock($1, $2)', values: [LOCK_CLASS, id] };
}

export async function listSources(db: pg.Pool | pg.PoolClient, filter?: Parameters<typeof listSourcesSql>[0]): Promise<SftpSource[]> {
  return (await db.query(listSourcesSql(filter))).rows.map(toSource);
}
