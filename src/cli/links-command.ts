// yipanqi links export|run|relink|estimate — the matching stage from the command line.
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { linkBatchRun } from '../matching/link-run.js';
import { saveModel } from '../matching/model-store.js';
import { relinkAll, relinkBatch, type RelinkResult } from '../matching/relink.js';
import { matchSettings } from '../matching/settings.js';
import { estimateFromDatabase } from '../matching/train/estimate-model.js';
import { exportLinksSql, pendingBatchesSql } from '../matching/sql/export-sql.js';
import { cliActor } from '../intake/ingest.js';
import { CliError, withDatabase } from './context.js';

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got "${v}"`);
  return n;
};

async function exportCsv(pool: pg.Pool, out: NodeJS.WritableStream, batch?: number): Promise<void> {
  const client = await pool.connect();
  try {
    await pipeline(client.query(copyTo(exportLinksSql(batch).text)), out);
  } finally {
    client.release();
  }
}

function relinkLine(r: RelinkResult): string {
  return `batch ${r.batchId}: ${r.persons} persons decided again, ${r.changed} changed` +
    `${r.toReview ? ` (${r.toReview} already applied: sent to review)` : ''}${r.clerkKept ? `, ${r.clerkKept} clerks' decisions kept` : ''}\n`;
}

export function linksCommand(): Command {
  const links = new Command('links').description('link results: export, link pending batches, relink after a model change, estimate the model');

  links
    .command('export')
    .description('the link results as CSV: feed,record_id,role,status,pid,score (feeds.md, "Link results")')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--batch <id>', 'only the records of this batch', positive('--batch'))
    .action(async (o: { out?: string; batch?: number }) => {
      await withDatabase(async ({ db }) => {
        const out = o.out ? fs.createWriteStream(o.out) : process.stdout;
        await exportCsv(db.pool, out, o.batch);
        if (o.out) process.stderr.write(`wrote ${o.out}\n`);
      });
    });

  links
    .command('run')
    .description('link committed batches that are not linked yet (what the background job does), or one batch')
    .option('--batch <id>', 'only this batch', positive('--batch'))
    .action(async (o: { batch?: number }) => {
      await withDatabase(async ({ db, cfg, log }) => {
        const deps = { pool: db.pool, log, settings: matchSettings(cfg) };
        const ids = o.batch ? [o.batch] : (await db.pool.query<{ id: number }>(pendingBatchesSql())).rows.map((r) => Number(r.id));
        if (!ids.length) process.stdout.write('every committed batch is linked\n');
        for (const id of ids) {
          const r = await linkBatchRun(deps, id);
          process.stdout.write(r.skipped ? `batch ${id}: ${r.skipped}\n`
            : `batch ${id}: ${r.persons} persons — ${r.linked} linked, ${r.review} to review, ${r.new} new (${r.created} persons created)\n`);
        }
      });
    });

  links
    .command('relink')
    .description('decide again every person the model decided, with the active model and the configured thresholds')
    .option('--batch <id>', 'only the records of this batch', positive('--batch'))
    .action(async (o: { batch?: number }) => {
      await withDatabase(async ({ db, cfg, log }) => {
        const deps = { pool: db.pool, log, settings: matchSettings(cfg) };
        const actor = `relink:${cliActor()}`;
        if (o.batch) process.stdout.write(relinkLine(await relinkBatch(deps, o.batch, actor)));
        else {
          const all = await relinkAll(deps, actor, (r) => process.stdout.write(relinkLine(r)));
          if (!all.length) process.stdout.write('no linked batches\n');
        }
      });
    });

  links
    .command('estimate')
    .description('estimate m and u from the data (and the clerks\' decisions) and store the model as the active version')
    .option('--records <n>', 'feed records sampled', positive('--records'), 20_000)
    .option('--persons <n>', 'persons sampled for u', positive('--persons'), 50_000)
    .option('--seed <n>', 'sampling seed (same data and seed, same model)', positive('--seed'), 20240305)
    .option('--no-activate', 'store the model without making it the active one')
    .action(async (o: { records: number; persons: number; seed: number; activate: boolean }) => {
      await withDatabase(async ({ db }) => {
        process.stderr.write('sampling records and persons, estimating u and m …\n');
        const r = await estimateFromDatabase(db.pool, { records: o.records, persons: o.persons, seed: o.seed });
        const id = await saveModel(db.pool, r.params, { training: r.training, actor: cliActor(), activate: o.activate });
        const t = r.training;
        process.stdout.write(
          `model ${id}${o.activate ? ' (active)' : ''}: ${t.records} record persons, ${t.persons} persons, ${t.labelledPairs} labelled pairs; ` +
            `share of records in the population ${t.shareInPopulation}\n` +
            t.sessions.map((s) => `  session ${s.name}: ${s.pairs} pairs, ${s.iterations} EM iterations${s.converged ? '' : ' (not converged)'}\n`).join('') +
            (o.activate ? 'run `yipanqi links relink` to decide the linked batches again with it\n' : ''),
        );
      });
    });

  return links;
}
