// The case machinery's background work: the escalation cron job.
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { QUEUES, pollingSeconds } from '../jobs/boss.js';
import { escalateOverdueCases } from './escalation.js';

export async function startCaseJobs(boss: PgBoss, ctx: { pool: pg.Pool; cfg: Config; log: Logger }): Promise<void> {
  const log = ctx.log.child({ job: QUEUES.caseEscalation });
  // pg-boss keeps one schedule per queue across all processes and sends each cron tick once.
  await boss.schedule(QUEUES.caseEscalation, ctx.cfg.caseEscalationCron, {}, { tz: 'Asia/Shanghai' });
  await boss.work(QUEUES.caseEscalation, { pollingIntervalSeconds: pollingSeconds(ctx.cfg.jobPollIntervalMs) }, async () => {
    const r = await escalateOverdueCases(ctx.pool, { now: new Date(), level2AfterHours: ctx.cfg.caseEscalationLevel2AfterHours });
    if (r.level1.length || r.level2.length) log.info({ level1: r.level1.length, level2: r.level2.length }, 'overdue cases escalated');
  });
}
