import { Command } from 'commander';
import { config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { loadKeyRing } from '../auth/keys.js';
import { buildApp } from '../gateway/app.js';
import { startBoss } from '../jobs/boss.js';
import { seedDemoCounty } from '../demo/seed.js';
import { demoAccountBanner } from '../demo/seed-activity.js';
import { startCaseJobs } from '../cases/case-jobs.js';
import { startLinkWorker } from '../matching/link-job.js';
import { rulesDeps, startRulesJobs } from '../rules/rules-jobs.js';
import { matchSettings } from '../matching/settings.js';
import { startNotifyWorker } from '../notify/notify-worker.js';
import { startCoordinationJobs } from '../coordination/jobs.js';
import { startSftpPolling } from '../intake/sftp/poll-job.js';
import { cliLogger } from './context.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the gateway: HTTP API, web pages, SFTP polling and background jobs')
    .action(async () => {
      const started = Date.now();
      const cfg = config();
      const log = cliLogger(cfg);
      const db = await openDatabase(cfg, log);
      let stopping = false;
      const boss = await startBoss({ url: db.url, log, pollingIntervalMs: cfg.jobPollIntervalMs, stopping: () => stopping });
      const sftp = await startSftpPolling(
        boss,
        { pool: db.pool, log, dataDir: cfg.dataDir },
        { intervalMs: cfg.sftpPollIntervalMs, jobPollIntervalMs: cfg.jobPollIntervalMs },
      );
      const keys = await loadKeyRing(cfg);
      if (cfg.demoData) await seedDemoCounty(db.pool, log, cfg.demoPersons);
      const app = await buildApp({ cfg, pool: db.pool, keys, log });
      await startCaseJobs(boss, { pool: db.pool, cfg, log });
      // Committed batches are linked and applied as they arrive (the job intake enqueues).
      const { settings: ruleSettings, deadlineOverrides } = rulesDeps({ pool: db.pool, cfg, log });
      const linker = await startLinkWorker(boss, { pool: db.pool, log, settings: matchSettings(cfg) },
        { jobPollIntervalMs: cfg.jobPollIntervalMs, rules: { settings: ruleSettings, deadlineOverrides } });
      await startRulesJobs(boss, { pool: db.pool, cfg, log });
      const notifier = await startNotifyWorker(boss, { pool: db.pool, cfg, keys, log });
      await startCoordinationJobs(boss, { pool: db.pool, cfg, keys, log });

      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'stopping');
        await app.close().catch((err) => log.error({ err }, 'HTTP close failed'));
        notifier.stop();
        await linker.stop().catch((err) => log.error({ err }, 'link worker stop failed'));
        await sftp.stop().catch((err) => log.error({ err }, 'SFTP polling stop failed'));
        await boss.stop({ graceful: true, timeout: 10_000 }).catch((err) => log.error({ err }, 'job queue stop failed'));
        await db.close();
        log.info('stopped');
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));

      const address = await app.listen({ host: cfg.host, port: cfg.port });
      log.info({ address, ms: Date.now() - started }, 'gateway ready');
      process.stderr.write(
        `\nyipanqi is listening on ${address}\n` +
          `  web pages: ${address}/ui/\n` +
          (cfg.demoData ? await demoAccountBanner(db.pool) : '') +
          `  health:  ${address}/healthz\n  API docs: ${address}/docs (needs a token: npx yipanqi token --role admin --unit 00)\n\n`,
      );
    });
}
