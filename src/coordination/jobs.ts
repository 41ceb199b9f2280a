// The coordination module's background work, as pg-boss cron jobs (each cron tick is sent once
// across all gateway processes; handlers are idempotent because delivery is at-least-once):
// - coord-reminders (COORD_REMINDER_CRON): overdue business items → reminders, then deliver
//   what is due; and count the fields of batches that landed since (coord_batch_fields), so that
//   the monthly summary finds them counted;
// - coord-monthly (COORD_MONTHLY_CRON): recompute last month's and this month's data-sharing and
//   supervision figures, and remind agencies that were late or incomplete last month.
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { KeyRing } from '../auth/keys.js';
import type { Config } from '../config.js';
import { QUEUES, pollingSeconds } from '../jobs/boss.js';
import { computeSharing, remindLateAgencies } from './data-sharing/sharing-service.js';
import { countBatchFields } from './data-sharing/batch-fields.js';
import { deliverReminders, reminderSender } from './reminders/deliver.js';
import { raiseOverdueReminders } from './reminders/overdue-reminders.js';
import { addMonths, monthOf } from './shared/month.js';
import { computeSupervision } from './supervision/supervision-service.js';

export interface CoordinationJobContext {
  pool: pg.Pool;
  cfg: Config;
  keys: KeyRing;
  log: Logger;
}

export async function runReminderSweep(ctx: CoordinationJobContext, now = new Date()): Promise<{ raised: number; delivered: number; counted: number }> {
  const raised = await raiseOverdueReminders(ctx.pool, now);
  // A tick's budget: a backlog (the first start on a year of data) is worked off over a few ticks.
  const counted = (await countBatchFields(ctx.pool, { maxBatches: 2000, now })).batches;
  const send = reminderSender(ctx.cfg, ctx.keys);
  let delivered = 0;
  for (let round = 0; round < 20; round++) {
    const r = await deliverReminders(ctx.pool, send, ctx.cfg, { now, log: ctx.log });
    delivered += r.delivered;
    if (r.delivered + r.retrying + r.dead < 50) break;
  }
  return { raised, delivered, counted };
}

export async function runMonthly(ctx: CoordinationJobContext, now = new Date()) {
  const current = monthOf(now);
  const previous = addMonths(current, -1);
  const sharing = await computeSharing(ctx.pool, { from: previous, to: current, onTimeDays: ctx.cfg.coordOnTimeDays, now });
  const supervision = await computeSupervision(ctx.pool, { from: previous, to: current, asOf: now });
  const reminded = await remindLateAgencies(ctx.pool, previous, ctx.cfg.coordCompletenessThreshold, null, now);
  return { sharing, supervision, reminded };
}

export async function startCoordinationJobs(boss: PgBoss, ctx: CoordinationJobContext): Promise<void> {
  const poll = { pollingIntervalSeconds: pollingSeconds(ctx.cfg.jobPollIntervalMs) };
  await boss.schedule(QUEUES.coordReminders, ctx.cfg.coordReminderCron, {}, { tz: 'Asia/Shanghai' });
  await boss.schedule(QUEUES.coordMonthly, ctx.cfg.coordMonthlyCron, {}, { tz: 'Asia/Shanghai' });
  const remLog = ctx.log.child({ job: QUEUES.coordReminders });
  await boss.work(QUEUES.coordReminders, poll, async () => {
    const r = await runReminderSweep({ ...ctx, log: remLog });
    if (r.raised || r.delivered || r.counted) remLog.info(r, 'coordination reminders and batch field counts');
  });
  const monLog = ctx.log.child({ job: QUEUES.coordMonthly });
  await boss.work(QUEUES.coordMonthly, poll, async () => {
    const r = await runMonthly({ ...ctx, log: monLog });
    monLog.info({ sharingRows: r.sharing.rows, sharingMs: r.sharing.ms, supervisionRows: r.supervision.rows, supervisionMs: r.supervision.ms, reminded: r.reminded }, 'monthly coordination figures');
  });
}
