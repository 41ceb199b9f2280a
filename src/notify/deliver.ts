// Delivers what is due in the outbox: claim, send, record the outcome. Safe to run in several
// processes at once (rows are claimed with SKIP LOCKED) and to crash in (a claimed row's lease
// runs out and it is due again; the receiver recognises the repeat by its Idempotency-Key).
import type pg from 'pg';
import type { Logger } from 'pino';
import { afterFailure, type RetryPolicy } from './retry-policy.js';
import { claimDueSql, markDeliveredSql, markFailedSql, type OutboxRow } from './outbox-repo.js';
import type { Channel } from './notify-schema.js';
import type { Sender } from './sender.js';

export type Senders = Record<Channel, Sender>;

export interface DeliverOptions {
  policy: RetryPolicy;
  /** How long a claimed row stays invisible to other workers: longer than one send may take. */
  leaseMs: number;
  /** The clock, a parameter so that tests can step through the backoff without waiting. */
  now?: Date;
  limit?: number;
  log?: Logger;
}

export interface DeliverResult {
  claimed: number;
  delivered: number;
  retrying: number;
  dead: number;
}

export async function deliverDue(pool: pg.Pool, senders: Senders, o: DeliverOptions): Promise<DeliverResult> {
  const now = o.now ?? new Date();
  const { rows } = await pool.query<OutboxRow>(claimDueSql(now, o.limit ?? 20, new Date(now.getTime() + o.leaseMs)));
  const result: DeliverResult = { claimed: rows.length, delivered: 0, retrying: 0, dead: 0 };
  await Promise.all(
    rows.map(async (n) => {
      const log = o.log?.child({ notification: n.id, caseId: n.case_id, channel: n.channel, attempt: n.attempts });
      try {
        await senders[n.channel].send(n);
      } catch (err) {
        const error = (err as Error).message;
        const next = afterFailure(n.attempts, o.now ?? new Date(), o.policy);
        await pool.query(markFailedSql(n.id, error, next));
        if (next.dead) {
          result.dead++;
          log?.warn({ error }, 'notification dead after its last attempt');
        } else {
          result.retrying++;
          log?.info({ error, retryAt: next.at }, 'notification failed; will retry');
        }
        return;
      }
      await pool.query(markDeliveredSql(n.id, o.now ?? new Date()));
      result.delivered++;
    }),
  );
  return result;
}
