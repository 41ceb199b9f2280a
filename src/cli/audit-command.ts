// `yipanqi audit verify`: recomputes the audit log's hash chain and names the first entry that
// was changed or the place where entries were deleted; exits non-zero when the chain is broken.
import { Command } from 'commander';
import type pg from 'pg';
import { verifyChainSql } from '../audit/audit-log.js';
import { CliError, withDatabase } from './context.js';

export interface ChainBreak {
  /** The first entry that does not fit the chain. */
  id: number;
  /** The entry before it that still exists (0 when it is the first). */
  prevId: number;
  /**
   * changed: the entry's content no longer gives its stored hash (an UPDATE);
   * deleted: the entry is intact but does not follow the one before it, so what stood between
   * them was deleted (or the previous entry's stored hash was rewritten).
   */
  kind: 'changed' | 'deleted';
}

export interface ChainReport {
  entries: number;
  firstBreak: ChainBreak | null;
}

/**
 * The chain is checked inside PostgreSQL in one pass (verifyChainSql), returning only the count
 * and the first break: a county's log of millions of entries never crosses the wire.
 * Truncating the newest entries leaves an intact chain and cannot be seen from the log alone.
 */
export async function verifyAuditChain(db: pg.Pool | pg.PoolClient): Promise<ChainReport> {
  const chain = verifyChainSql();
  const { rows } = await db.query<{ entries: number; id: number | null; prev_id: number | null; changed: boolean | null }>({
    text: `WITH chain AS (${chain.text}),
                broken AS (SELECT id, prev_id, hash <> recomputed AS changed FROM chain
                           WHERE hash <> recomputed OR prev_hash <> expected_prev ORDER BY id LIMIT 1)
           SELECT (SELECT count(*) FROM audit_log)::bigint AS entries, b.id, b.prev_id, b.changed
           FROM (SELECT 1) one LEFT JOIN broken b ON true`,
    values: chain.values,
  });
  const r = rows[0];
  return {
    entries: r.entries,
    firstBreak: r.id === null ? null : { id: r.id, prevId: r.prev_id ?? 0, kind: r.changed ? 'changed' : 'deleted' },
  };
}

export function describeBreak(b: ChainBreak): string {
  return b.kind === 'changed'
    ? `entry ${b.id} was changed after it was written (its content does not give its hash)`
    : b.prevId === 0
      ? `entry ${b.id} is not the start of the chain: the entries before it were deleted`
      : `entry ${b.id} does not follow entry ${b.prevId}: the entries between them were deleted, or entry ${b.prevId} was rewritten with a new hash`;
}

export function auditCommand(): Command {
  const audit = new Command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute the audit log\'s hash chain; report the first changed or deleted entry, exit 1 if the chain is broken')
    .action(async () => {
      const report = await withDatabase(async ({ db }) => {
        process.stderr.write('checking the audit chain…\n');
        return verifyAuditChain(db.pool);
      }, 2);
      if (report.firstBreak) throw new CliError(`audit chain broken after checking ${report.entries} entries: ${describeBreak(report.firstBreak)}`);
      process.stdout.write(`audit chain intact: ${report.entries} ${report.entries === 1 ? 'entry' : 'entries'}\n`);
    });
  return audit;
}
