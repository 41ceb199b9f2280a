// Delivers reminders to the units' webhooks and SMS numbers with the notification module's
// machinery: the same retry policy (NOTIFY_MAX_ATTEMPTS, backoff), the same POST helper, and for
// webhooks a JWS signed with the gateway's key ({ jti, reminder }), verifiable with GET /v1/keys.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { KeyRing } from '../../auth/keys.js';
import type { Config } from '../../config.js';
import { afterFailure } from '../../notify/retry-policy.js';
import { DeliveryError, postOnce } from '../../notify/sender.js';
import { claimDueDeliveriesSql, deliveredSql, deliveryFailedSql, type DeliveryRow } from './reminder-repo.js';

export type ReminderSender = (d: DeliveryRow) => Promise<void>;

export function reminderSender(cfg: Config, keys: KeyRing): ReminderSender {
  return async (d) => {
    const headers = { 'idempotency-key': d.idempotency_key, 'x-yipanqi-event': `coordination.${d.message.kind}` };
    if (d.channel === 'webhook') {
      if (!keys.sign) throw new DeliveryError('webhooks need the local signing key');
      const jws = await keys.sign({ jti: d.idempotency_key, reminder: d.message }, '1h');
      await postOnce(d.target, jws, { ...headers, 'content-type': 'application/jose' }, cfg.notifyTimeoutMs);
      return;
    }
    if (!cfg.notifySmsUrl) throw new DeliveryError('no SMS gateway configured (NOTIFY_SMS_URL)');
    const body = JSON.stringify({ to: d.target, text: `【一盘棋】${d.message.text}`, reference: d.idempotency_key });
    await postOnce(cfg.notifySmsUrl, body, { ...headers, 'content-type': 'application/json' }, cfg.notifyTimeoutMs);
  };
}

export interface DeliverySweep {
  delivered: number;
  retrying: number;
  dead: number;
}

export async function deliverReminders(
  pool: pg.Pool, send: ReminderSender, cfg: Config, o: { now?: Date; limit?: number; log?: Logger } = {},
): Promise<DeliverySweep> {
  const now = o.now ?? new Date();
  const policy = { maxAttempts: cfg.notifyMaxAttempts, baseMs: cfg.notifyBackoffBaseMs, maxMs: cfg.notifyBackoffMaxMs };
  const lease = new Date(now.getTime() + 2 * cfg.notifyTimeoutMs + 5_000);
  const { rows } = await pool.query<DeliveryRow>(claimDueDeliveriesSql(now, o.limit ?? 50, lease));
  const out: DeliverySweep = { delivered: 0, retrying: 0, dead: 0 };
  await Promise.all(
    rows.map(async (d) => {
      try {
        await send(d);
      } catch (err) {
        const next = afterFailure(d.attempts, now, policy);
        await pool.query(deliveryFailedSql(d.id, (err as Error).message, next));
        if (next.dead) out.dead++;
        else out.retrying++;
        o.log?.info({ delivery: d.id, channel: d.channel, attempt: d.attempts, error: (err as Error).message }, 'reminder delivery failed');
        return;
      }
      await pool.query(deliveredSql(d.id, now));
      out.delivered++;
    }),
  );
  return out;
}
