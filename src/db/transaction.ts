// Changes that write several tables (a row, its history, outbox, audit) commit together.
import type pg from 'pg';

/** A pool, or a client inside a transaction the caller opened (the rules raise cases within theirs). */
export type Db = pg.Pool | pg.PoolClient;

function isClient(db: Db): db is pg.PoolClient {
  return typeof (db as pg.PoolClient).release === 'function';
}

/**
 * Runs body in a transaction: its own when given a pool; the caller's when given a client (the
 * caller then owns BEGIN and COMMIT, and a failure here aborts its transaction).
 */
export async function inTransaction<T>(db: Db, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  if (isClient(db)) return body(db);
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Builds a parameter list while a query is assembled: only values become parameters. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
