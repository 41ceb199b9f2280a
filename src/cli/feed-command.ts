// yipanqi feed import --feed KIND --agency CODE FILE… — the nightly batch channel: each file
// becomes one batch through the same pipeline as an HTTP push or an SFTP drop.
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import type pg from 'pg';
import { formatFromName, type FeedFormat } from '../adapters/index.js';
import { FEED_KINDS, type FeedKind } from '../auth/principal.js';
import { AppError } from '../errors.js';
import { rejectsSql, type RejectRow } from '../intake/batch-repo.js';
import { cliActor, ingest } from '../intake/ingest.js';
import type { BatchResult } from '../intake/types.js';
import { linkBatchRun, type LinkRunResult } from '../matching/link-run.js';
import { runRulesForBatch } from '../rules/run-rules.js';
import { rulesDeps } from '../rules/rules-jobs.js';
import { loadActiveModel } from '../matching/model-store.js';
import { matchSettings } from '../matching/settings.js';
import { CliError, withDatabase } from './context.js';

const SHOWN_REJECTS = 10;

interface ImportOptions {
  feed: FeedKind;
  agency: string;
  format?: FeedFormat;
  link?: boolean;
}

export function feedCommand(): Command {
  const feed = new Command('feed').description('agency feeds: import files as batches');
  feed
    .command('import')
    .description('ingest files as one agency\'s feed (one batch per file); prints accepted / rejected / duplicate counts')
    .addOption(new Option('--feed <kind>', 'the feed').choices([...FEED_KINDS]).makeOptionMandatory())
    .requiredOption('--agency <code>', 'the sending agency\'s code (it must be registered for the feed)')
    .addOption(new Option('--format <format>', 'the files\' format (default: from the extension, else from the content)').choices(['csv', 'json', 'xml']))
    .option('--no-link', 'leave linking and the rules to the background job of `yipanqi serve`')
    .argument('<files...>', 'the files to import')
    .action(async (files: string[], o: ImportOptions) => {
      const missing = files.filter((f) => !fs.existsSync(f) || !fs.statSync(f).isFile());
      if (missing.length) throw new CliError(`file${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`);
      let failed = 0;
      let hinted = false;
      // Should the process ever end with an import unfinished (its event loop ran dry while work
      // was still awaited), it must say so and exit non-zero, never 0 with the batch 'receiving'.
      let busy: string | null = null;
      const unfinished = () => {
        if (busy === null) return;
        process.stderr.write(`yipanqi: the process ended before the import of ${busy} finished; its batch was not committed\n`);
        if (!process.exitCode) process.exitCode = 1;
      };
      process.on('exit', unfinished);
      try {
        await withDatabase(async ({ db, log, cfg }) => {
          for (const file of files) {
            busy = file;
            const r = await importFile(db.pool, log, file, o);
            process.stdout.write(summary(file, r));
            if (r.status === 'failed') failed++;
            if (r.counts.rejected) process.stdout.write(await rejectList(db.pool, o.agency, r));
            // Then link, apply and run the rules here (the queued job finds it linked, and raising is
            // idempotent, so it raises nothing twice).
            if (r.status === 'committed' && o.link !== false) {
              const linked = await linkBatchRun({ pool: db.pool, log, settings: matchSettings(cfg) }, r.batchId);
              process.stdout.write(linkSummary(linked));
              if (!linked.skipped && !hinted && (await loadActiveModel(db.pool)).id.startsWith('person-default')) {
                hinted = true;
                process.stdout.write('  (linked with the built-in starting model: once a day\'s feeds are in, `yipanqi links estimate` learns the model '
                  + 'from them and `yipanqi links relink` decides again — docs/matching.md)\n');
              }
              const rules = await runRulesForBatch(rulesDeps({ pool: db.pool, cfg, log }), r.batchId);
              process.stdout.write(`  cases: ${rules.raised} raised, ${rules.closed} closed\n`);
            }
            busy = null;
          }
        });
      } finally {
        busy = null;
        process.off('exit', unfinished);
      }
      if (failed) throw new CliError(`${failed} of ${files.length} file${files.length > 1 ? 's' : ''} could not be read (see above); nothing of ${failed > 1 ? 'them' : 'it'} was stored`);
    });
  return feed;
}

async function importFile(pool: pg.Pool, log: import('pino').Logger, file: string, o: ImportOptions): Promise<BatchResult> {
  const size = fs.statSync(file).size;
  // The bar only on a terminal; in a script or a cron job the log says enough.
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: `${path.basename(file)} [{bar}] {percentage}% | {done} of {total_h} MB`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  bar?.start(size, 0, { done: mb(0), total_h: mb(size) });
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    return await ingest(
      // With a bar on screen, routine log lines would tear it; warnings still show.
      { pool, log: bar && log.isLevelEnabled('info') && !log.isLevelEnabled('debug') ? log.child({}, { level: 'warn' }) : log },
      {
        agency: o.agency,
        feed: o.feed,
        channel: 'cli',
        fileName: path.basename(file),
        format: o.format ?? formatFromName(file),
        input,
        actor: cliActor(),
        onProgress: bar ? (n) => bar.update(n, { done: mb(n) }) : undefined,
      },
    );
  } catch (err) {
    if (err instanceof AppError) throw new CliError(`${path.basename(file)}: ${err.message}`);
    throw err;
  } finally {
    bar?.stop();
    input.destroy();
  }
}

function summary(file: string, r: BatchResult): string {
  const c = r.counts;
  if (r.status === 'failed') {
    return `${file}: batch ${r.batchId} FAILED — ${r.error?.code}: ${r.error?.message}\n` +
      `  nothing stored; ${c.received} records read before the failure, ${c.rejected} rejected\n`;
  }
  return `${file}: batch ${r.batchId} committed — ${c.accepted} accepted (${c.superseded} superseded an earlier version), ` +
    `${c.rejected} rejected, ${c.duplicate} duplicate, of ${c.received} records\n`;
}

function linkSummary(r: LinkRunResult): string {
  if (r.skipped) return `  linking: ${r.skipped}\n`;
  return `  linked: ${r.persons} persons — ${r.linked} linked, ${r.review} to review, ${r.new} new (${r.created} persons created)\n`;
}

async function rejectList(pool: pg.Pool, agency: string, r: BatchResult): Promise<string> {
  const rows = (await pool.query<RejectRow>(rejectsSql(agency, r.batchId, 0, SHOWN_REJECTS))).rows;
  let out = '';
  for (const x of rows) out += `  position ${x.position}${x.record_id ? ` [${x.record_id}]` : ''}${x.field ? ` ${x.field}` : ''}: ${x.code} — ${x.message}\n`;
  if (r.counts.rejected > SHOWN_REJECTS) {
    out += `  … ${r.counts.rejected - SHOWN_REJECTS} more rejected records: GET /v1/batches/${r.batchId}/rejects?format=csv\n`;
  }
  return out;
}
