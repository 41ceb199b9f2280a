// yipanqi divisions|agencies|population import FILE (../shared/spec/api.md, "Command line").
import fs from 'node:fs';
import os from 'node:os';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import type pg from 'pg';
import { importPopulation } from '../population/population-import.js';
import { importAgencies } from '../reference/agencies-import.js';
import { importDivisions } from '../reference/divisions-import.js';
import { FileError, type ImportOptions, type ImportProgress, type ImportResult } from '../reference/import-run.js';
import { CliError, withDatabase } from './context.js';

type ImportFn = (pool: pg.Pool, o: ImportOptions) => Promise<ImportResult>;

const CONTRACT = 'columns as in the feed contract (feeds.md, "Reference data"): Chinese or English headers, any order; UTF-8 or GBK';

export function referenceCommands(): Command[] {
  return [
    importGroup('divisions', 'the administrative division directory', importDivisions),
    importGroup('agencies', 'the member agencies and the feeds each may send', importAgencies),
    importGroup('population', 'the population database (全员人口信息库)', importPopulation),
  ];
}

function importGroup(name: string, what: string, run: ImportFn): Command {
  const group = new Command(name).description(`manage ${what}`);
  group
    .command('import')
    .description(
      `load or update ${what} from a CSV file (${CONTRACT}). Bad rows are reported (row, field, code, reason) ` +
        'in a rejects CSV next to the file and in the database, while the good rows load. Re-importing the same file changes nothing.',
    )
    .argument('<file>', 'the CSV file')
    .option('--rejects <path>', 'where to write the rejects CSV (default: <file name>.rejects.csv next to the file)')
    .option('--actor <name>', 'who is importing, recorded with every change', `cli:${os.userInfo().username}`)
    .action(async (file: string, o: { rejects?: string; actor: string }) => {
      // Before the database starts: a typo in the path should fail at once.
      if (!fs.existsSync(file)) throw new CliError(`cannot read ${file}: no such file`);
      await withDatabase(async ({ db, log }) => {
        const bar = progressBar();
        let result: ImportResult;
        try {
          result = await run(db.pool, {
            file,
            actor: o.actor,
            rejectsFile: o.rejects,
            onProgress: bar.update,
            log: bar.active ? log.child({}, { level: 'warn' }) : log,
          });
        } catch (err) {
          if (err instanceof FileError) throw new CliError(`${name} import of ${file} failed, nothing was changed: ${err.message}`);
          throw err;
        } finally {
          bar.stop();
        }
        process.stdout.write(summary(name, file, result));
      }, 2);
    });
  return group;
}

function summary(name: string, file: string, r: ImportResult): string {
  const lines = [
    `${name} import of ${file} (${r.encoding === 'utf8' ? 'UTF-8' : 'GB18030/GBK'}${r.fallback ? ', damaged rows skipped' : ''}, run ${r.runId}) ` +
      `finished in ${(r.ms / 1000).toFixed(1)} s`,
    `read ${r.read}, inserted ${r.inserted}, updated ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejected}, warnings ${r.warnings}`,
  ];
  if (r.rejectsFile) lines.push(`rejected rows and warnings: ${r.rejectsFile}`);
  return lines.join('\n') + '\n';
}

/** A progress bar on a terminal; nothing at all when stderr is a file or a pipe. */
function progressBar(): { active: boolean; update: (p: ImportProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { active: false, update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {percentage}% {detail}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let phase = '';
  return {
    active: true,
    update(p) {
      const detail = p.phase === 'reading' ? `${(p.done / 1e6).toFixed(0)}/${(p.total / 1e6).toFixed(0)} MB` : `step ${p.done}/${p.total}`;
      const label = p.phase.padEnd(11);
      if (!started) {
        bar.start(p.total, p.done, { phase: label, detail });
        started = true;
      } else if (p.phase !== phase) {
        bar.setTotal(p.total);
      }
      phase = p.phase;
      bar.update(p.done, { phase: label, detail });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
