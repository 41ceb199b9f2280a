// Background work runs as pg-boss jobs in the same PostgreSQL: any number of gateway processes
// share the queues. Delivery is at-least-once, so every handler must be idempotent.
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';

export const QUEUES = {
  /** A committed intake batch waiting to be linked (the matching stage). */
  linkBatch: 'link-batch',
  /** Poll one agency's SFTP drop. */
  sftpPoll: 'sftp-poll',
  /** Escalate overdue cases to the county (cron, CASE_ESCALATION_CRON). */
  caseEscalation: 'case-escalation',
  /** Births older than NEWBORN_REGISTRATION_DAYS without a household registration → cases (cron, NEWBORN_SWEEP_CRON). */
  rulesNewbornSweep: 'rules-newborn-sweep',
  /** Deliver what is due in the notification outbox. */
  notifyDeliver: 'notify-deliver',
  /** Overdue business items → reminders, and reminder delivery (cron, COORD_REMINDER_CRON). */
  coordReminders: 'coord-reminders',
  /** Monthly data-sharing and supervision figures (cron, COORD_MONTHLY_CRON). */
  coordMonthly: 'coord-monthly',
} as const;

export interface BossOptions {
  url: string;
  log: Logger;
  pollingIntervalMs: number;
  /** Maintenance and cron scheduling; off for short-lived CLI processes. */
  supervise?: boolean;
  /** True once shutdown began: the database going away then is expected, not an error. */
  stopping?: () => boolean;
}

export async function startBoss(o: BossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: o.url,
    schema: 'pgboss',
    max: 5,
    application_name: 'yipanqi-jobs',
    supervise: o.supervise ?? true,
    schedule: o.supervise ?? true,
  });
  boss.on('error', (err) => {
    if (o.stopping?.()) o.log.debug({ err }, 'job queue error during shutdown');
    else o.log.error({ err }, 'job queue error');
  });
  await boss.start();
  for (const q of Object.values(QUEUES)) {
    if (!(await boss.getQueue(q))) await boss.createQueue(q);
  }
  return boss;
}

export function pollingSeconds(ms: number): number {
  // pg-boss refuses intervals below 0.5 s.
  return Math.max(0.5, ms / 1000);
}
