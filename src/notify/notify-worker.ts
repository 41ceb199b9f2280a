// Delivery runs as the notify-deliver pg-boss job. Each gateway process asks for a sweep every
// NOTIFY_POLL_INTERVAL_MS; the request is throttled in pg-boss, so the whole cluster runs about
// one sweep per interval however many processes there are.
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { KeyRing } from '../auth/keys.js';
import { QUEUES, pollingSeconds } from '../jobs/boss.js';
import { deliverDue, type DeliverOptions, type Senders } from './deliver.js';
import { smsSender } from './sms-sender.js';
import { webhookSender } from './webhook-sender.js';

export function sendersFor(cfg: Config, keys: KeyRing): Senders {
  return {
    webhook: webhookSender({ keys, timeoutMs: cfg.notifyTimeoutMs }),
    sms: smsSender({ url: cfg.notifySmsUrl, template: cfg.notifySmsTemplate, timeoutMs: cfg.notifyTimeoutMs }),
  };
}

export function deliverOptions(cfg: Config, log?: Logger): DeliverOptions {
  return {
    policy: { maxAttempts: cfg.notifyMaxAttempts, baseMs: cfg.notifyBackoffBaseMs, maxMs: cfg.notifyBackoffMaxMs },
    leaseMs: 2 * cfg.notifyTimeoutMs + 5_000,
    log,
  };
}

/** One sweep: deliver batches until nothing more is due (bounded, so a job never runs unbounded). */
export async function sweepOutbox(pool: pg.Pool, senders: Senders, o: DeliverOptions): Promise<number> {
  let done = 0;
  for (let round = 0; round < 50; round++) {
    const r = await deliverDue(pool, senders, { ...o, limit: o.limit ?? 20, now: undefined });
    done += r.claimed;
    if (r.claimed < (o.limit ?? 20)) break;
  }
  return done;
}

export interface NotifyWorker {
  /** Ask for a sweep now (throttled). */
  kick(): Promise<void>;
  stop(): void;
}

export async function startNotifyWorker(
  boss: PgBoss,
  ctx: { pool: pg.Pool; cfg: Config; keys: KeyRing; log: Logger },
): Promise<NotifyWorker> {
  const log = ctx.log.child({ job: QUEUES.notifyDeliver });
  const senders = sendersFor(ctx.cfg, ctx.keys);
  const opts = deliverOptions(ctx.cfg, log);
  await boss.work(QUEUES.notifyDeliver, { pollingIntervalSeconds: pollingSeconds(ctx.cfg.jobPollIntervalMs) }, async () => {
    await sweepOutbox(ctx.pool, senders, opts);
  });
  const slotSeconds = Math.max(1, Math.floor(ctx.cfg.notifyPollIntervalMs / 1000));
  const kick = async () => {
    try {
      await boss.sendThrottled(QUEUES.notifyDeliver, {}, {}, slotSeconds, 'sweep');
    } catch (err) {
      log.warn({ err }, 'could not request an outbox sweep');
    }
  };
  const timer = setInterval(() => void kick(), ctx.cfg.notifyPollIntervalMs);
  timer.unref();
  await kick();
  return { kick, stop: () => clearInterval(timer) };
}
