// The rules' background work: the daily newborn sweep (NEWBORN_SWEEP_CRON). The per-batch run is
// part of the link job (src/matching/link-job.ts calls runRulesForBatch after linking).
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { QUEUES, pollingSeconds } from '../jobs/boss.js';
import { runRulesSweep, type RulesDeps } from './run-rules.js';

export function rulesDeps(ctx: { pool: pg.Pool; cfg: Config; log: Logger }): RulesDeps {
  return {
    pool: ctx.pool,
    log: ctx.log,
    settings: { newbornRegistrationDays: ctx.cfg.newbornRegistrationDays },
    deadlineOverrides: ctx.cfg.caseDeadlineHours,
  };
}

export async function startRulesJobs(boss: PgBoss, ctx: { pool: pg.Pool; cfg: Config; log: Logger }): Promise<void> {
  const deps = rulesDeps({ ...ctx, log: ctx.log.child({ job: QUEUES.rulesNewbornSweep }) });
  await boss.schedule(QUEUES.rulesNewbornSweep, ctx.cfg.newbornSweepCron, {}, { tz: 'Asia/Shanghai' });
  await boss.work(QUEUES.rulesNewbornSweep, { pollingIntervalSeconds: pollingSeconds(ctx.cfg.jobPollIntervalMs) }, async () => {
    const r = await runRulesSweep(deps);
    return { raised: r.raised, closed: r.closed, ms: r.ms };
  });
}
