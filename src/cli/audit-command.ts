// `yipanqi audit verify`: recomputes the audit log's hash chain and names the first entry that
// was changed or the place where entries were deleted; exits non-zero when the chain is broken.
// It prints the chain's head (newest entry and its hash): kept outside the database and given
// back with --head, it shows whether the newest entries were cut off since, which the log
// alone cannot tell.
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
  /** The newest entry, null for an empty log. */
  head: { id: number; hash: string } | null;
}

/**
 * The chain is checked inside PostgreSQL in one pass (verifyChainSql), returning only the count
 * and the first break: a county's log of millions of entries never crosses the wire.
 * Truncating the newest entries leaves an intact chain and cannot be seen from the log alone.
 */
export async function verifyAuditChain(db: pg.Pool | pg.PoolClient): Promise<ChainReport> {
  const chain = verifyChainSql();
  const { rows } = await db.query<{
    entries: number; id: number | null; prev_id: number | null; changed: boolean | null; head_id: number | null; head_hash: string | null;
  }>({
    text: `WITH chain AS (${chain.text}),
                broken AS (SELECT id, prev_id, hash <> recomputed AS changed FROM chain
                           WHERE hash <> recomputed OR prev_hash <> expected_prev ORDER BY id LIMIT 1)
           SELECT (SELECT count(*) FROM audit_log)::bigint AS entries, b.id, b.prev_id, b.changed, h.id AS head_id, h.hash AS head_hash
           FROM (SELECT 1) one LEFT JOIN broken b ON true
           LEFT JOIN LATERAL (SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1) h ON true`,
    values: chain.values,
  });
  const r = rows[0];
  return {
    entries: r.entries,
    firstBreak: r.id === null ? null : { id: r.id, prevId: r.prev_id ?? 0, kind: r.changed ? 'changed' : 'deleted' },
    head: r.head_id === null ? null : { id: Number(r.head_id), hash: r.head_hash! },
  };
}

/** `ID:HASH` as verify prints it. */
export function parseHead(text: string): { id: number; hash: string } {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (!m) throw new CliError(`--head must be ENTRY:HASH as "audit verify" printed it (a number, a colon, 64 hex digits), got "${text}"`);
  return { id: Number(m[1]), hash: m[2] };
}

/** Whether the head recorded earlier is still in the chain, with its hash; why not otherwise. */
export async function checkRecordedHead(db: pg.Pool | pg.PoolClient, head: { id: number; hash: string }): Promise<string | null> {
  const { rows } = await db.query<{ hash: string }>('SELECT hash FROM audit_log WHERE id = $1', [head.id]);
  if (!rows.length) return `entry ${head.id}, the head recorded earlier, is gone: the newest entries were deleted (up to and including it)`;
  if (rows[0].hash !== head.hash) return `entry ${head.id}, the head recorded earlier, now has another hash: the chain was rewritten from there`;
  return null;
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
    .option('--head <id:hash>', 'a head an earlier verify printed: check it is still in the chain (the newest entries not cut off)')
    .action(async (o: { head?: string }) => {
      const recorded = o.head === undefined ? null : parseHead(o.head);
      const { report, lost } = await withDatabase(async ({ db }) => {
        process.stderr.write('checking the audit chain…\n');
        const report = await verifyAuditChain(db.pool);
        return { report, lost: recorded ? await checkRecordedHead(db.pool, recorded) : null };
      }, 2);
      if (report.firstBreak) throw new CliError(`audit chain broken after checking ${report.entries} entries: ${describeBreak(report.firstBreak)}`);
      if (lost) throw new CliError(`audit chain cut: ${lost}`);
      process.stdout.write(`audit chain intact: ${report.entries} ${report.entries === 1 ? 'entry' : 'entries'}${recorded ? `, the recorded head (entry ${recorded.id}) still in it` : ''}\n`);
      if (report.head) process.stdout.write(`head: ${report.head.id}:${report.head.hash} (keep it elsewhere; --head ${report.head.id}:${report.head.hash} checks it later)\n`);
    });
  return audit;
}
