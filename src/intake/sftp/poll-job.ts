// Polling every enabled SFTP source on SFTP_POLL_INTERVAL_MS, through pg-boss.
//
// Why a timer and throttled jobs rather than a pg-boss cron: cron is minute-granular and the
// interval may be shorter; a self-rescheduling chain (each job sending the next with
// startAfter) dies silently when one link is lost and needs a watchdog anyway. Here every
// gateway process ticks on its own and sends one job per source with
// singletonKey + singletonSeconds = the interval, so the database admits one job per source
// per time slot however many processes tick; any process's worker may run it. The per-source
// advisory lock (pollSource) covers what throttling cannot: a poll that outlasts its slot, a
// job retried after expiry, or an operator's `yipanqi sftp poll` at the same moment.
import type PgBoss from 'pg-boss';
import { QUEUES, pollingSeconds } from '../../jobs/boss.js';
import { pollSource, type PollDeps, type PollResult } from './poll-source.js';
import { listSources } from './source-store.js';

export interface PollJobData {
  sourceId: number;
}

/** pg-boss refuses a throttle slot longer than its archive interval (12 h by default). */
const MAX_SLOT_SECONDS = 12 * 3600;
/** A large file is ingested in minutes; past this pg-boss gives the job up (the lock still holds). */
const JOB_EXPIRE_SECONDS = 4 * 3600;

export function slotSeconds(intervalMs: number): number {
  return Math.min(MAX_SLOT_SECONDS, Math.max(1, Math.floor(intervalMs / 1000)));
}

/** Sends one poll job per enabled source, at most one per source per slot across all processes. */
export async function enqueuePolls(boss: PgBoss, deps: Pick<PollDeps, 'pool'>, intervalMs: number): Promise<number> {
  let sent = 0;
  for (const s of await listSources(deps.pool, { enabledOnly: true })) {
    const id = await boss.send(QUEUES.sftpPoll, { sourceId: s.id } satisfies PollJobData, {
      singletonKey: `sftp-source-${s.id}`,
      singletonSeconds: slotSeconds(intervalMs),
      // A failed poll is recorded on the source and simply tried again in the next slot.
      retryLimit: 0,
      expireInSeconds: JOB_EXPIRE_SECONDS,
    });
    if (id) sent++;
  }
  return sent;
}

/** The worker's body: the source as it is now (it may have been disabled since the job was sent). */
export async function runPollJob(deps: PollDeps, data: PollJobData): Promise<PollResult | { skipped: string }> {
  const [source] = await listSources(deps.pool, { id: data.sourceId, enabledOnly: true });
  if (!source) return { skipped: `source ${data.sourceId} is disabled or removed` };
  return pollSource(deps, source);
}

export interface SftpPolling {
  stop(): Promise<void>;
}

export async function startSftpPolling(boss: PgBoss, deps: PollDeps, o: { intervalMs: number; jobPollIntervalMs: number }): Promise<SftpPolling> {
  const log = deps.log.child({ queue: QUEUES.sftpPoll });
  await boss.work<PollJobData>(
    QUEUES.sftpPoll,
    { batchSize: 1, pollingIntervalSeconds: pollingSeconds(o.jobPollIntervalMs) },
    async ([job]) => {
      const r = await runPollJob(deps, job.data);
      // Only names and counts go into the job's output: it is kept in pgboss.job for a while.
      return 'skipped' in r ? r : { status: r.status, files: r.files.map((f) => ({ file: f.file, outcome: f.outcome })), error: r.error };
    },
  );
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await enqueuePolls(boss, deps, o.intervalMs);
    } catch (err) {
      log.error({ err }, 'could not schedule SFTP polls');
    }
    if (!stopped) timer = setTimeout(() => void tick(), o.intervalMs);
  };
  await tick();
  log.info({ intervalMs: o.intervalMs }, 'SFTP polling started');
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await boss.offWork(QUEUES.sftpPoll);
    },
  };
}
