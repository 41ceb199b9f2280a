// The link-batch worker: intake enqueues one job per committed batch (src/intake/link-handoff.ts,
// in the batch's own transaction); any gateway process may run it. Delivery is at least once:
// linkBatchRun does nothing for a batch it has linked already, and a failure rolls the whole
// batch back, so a retry starts clean.
import type PgBoss from 'pg-boss';
import { QUEUES, pollingSeconds } from '../jobs/boss.js';
import type { LinkBatchJob } from '../intake/link-handoff.js';
import { linkBatchRun, type LinkDeps } from './link-run.js';
import { runRulesForBatch, type RulesDeps } from '../rules/run-rules.js';

export async function startLinkWorker(
  boss: PgBoss,
  deps: LinkDeps,
  o: { jobPollIntervalMs: number; rules?: Omit<RulesDeps, 'pool' | 'log'> },
): Promise<{ stop(): Promise<void> }> {
  await boss.work<LinkBatchJob>(
    QUEUES.linkBatch,
    { batchSize: 1, pollingIntervalSeconds: pollingSeconds(o.jobPollIntervalMs) },
    async ([job]) => {
      const r = await linkBatchRun(deps, job.data.batchId);
      // The rules stage, right after link + apply, in the same job. Also when the link was done by
      // an earlier delivery that failed in the rules: raising is idempotent (dedup per cause).
      if (o.rules) await runRulesForBatch({ pool: deps.pool, log: deps.log, ...o.rules }, job.data.batchId);
      // Counts only: the job's output stays in pgboss.job for a while.
      return { runId: r.runId, skipped: r.skipped, persons: r.persons, linked: r.linked, review: r.review, new: r.new, created: r.created };
    },
  );
  deps.log.info({ queue: QUEUES.linkBatch }, 'link worker started');
  return { stop: () => boss.offWork(QUEUES.linkBatch) };
}
