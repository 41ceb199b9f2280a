// Writes go through here so that a constraint the input broke answers 400/409, not 500.
import type pg from 'pg';
import { AppError, fromDatabaseError } from '../../errors.js';

export async function write<R extends pg.QueryResultRow>(db: pg.Pool | pg.PoolClient, sql: { text: string; values: unknown[] }): Promise<pg.QueryResult<R>> {
  try {
    return await db.query<R>(sql);
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as { code?: string }).code ?? '';
    // A foreign key names a unit or document that does not exist: the request's fault.
    if (code === '23503') throw new AppError('YPQ_VALIDATION', [(err as { detail?: string }).detail ?? 'unknown reference'], { cause: err });
    throw fromDatabaseError(err);
  }
}
