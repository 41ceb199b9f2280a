import type pg from 'pg';
import type { Logger } from 'pino';

/** Loads the synthetic demo county on the first start of an empty database. */
export async function seedDemoCounty(_pool: pg.Pool, _log: Logger, _persons: number): Promise<void> {
  // Filled in with the fixture generator (issue 2, population import).
}
