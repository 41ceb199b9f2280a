// `yipanqi population import FILE`: bulk-load or update the population database.
//
// The file is read and its rows normalised in Node as it streams in (population-read.ts,
// row-normaliser.ts, by the src/normalise rules), and then:
// - into an empty database (the first load), the good rows go straight into persons, with
//   index, key and foreign-key maintenance deferred to one build each at the end; the family
//   links, worked out while reading, follow by COPY;
// - otherwise the rows go to a scratch table and are compared with what is stored, set-based in
//   SQL (population-sql.ts): new persons are inserted, changed ones updated with a
//   person_history entry { field: [old, new] }, unchanged ones left alone — re-importing the
//   same file changes nothing. A row whose person still carries its hash (row-hash.ts: that
//   person was set from exactly this row, and nobody has changed them since) is not even sent.
// Family links (spouse, mother, father) go to person_relations; a link to an unknown pid is
// reported as a warning and the person loads without it.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { findingsFromErrorsSql } from '../reference/import-sql.js';
import {
  copyFindings, runImport, type ImportContext, type ImportOptions, type ImportResult, type Importer,
} from '../reference/import-run.js';
import { deferConstraints, type DeferredConstraints } from './deferred-constraints.js';
import { POPULATION_FIELDS } from './person-fields.js';
import { readPopulation, storedRows, type PopulationStage } from './population-read.js';
import {
  applyRelationChangesSql, clearUnlinkedHashesSql, copyRelationsSql, createRelationChangesSql,
  insertPersonsSql, lockPopulationSql, personChangesSql, populationEmptySql, relationChangesSql, storeHashesSql,
  suspectIdWarningsSql, updatePersonsSql, writeHistorySql,
} from './population-sql.js';
import { NOTHING_STORED, type FirstLoadLinks } from './file-order.js';

const POPULATION_TABLES = ['persons', 'person_relations'];

async function isEmpty(client: pg.ClientBase): Promise<boolean> {
  return ((await client.query(populationEmptySql())).rows[0] as { empty: boolean }).empty;
}

async function check(ctx: ImportContext): Promise<void> {
  const { client, stage } = ctx;
  ctx.step('checking');
  await client.query(findingsFromErrorsSql(ctx.findings, stage.table));
  await client.query(suspectIdWarningsSql(stage.table, ctx.findings));
}

/**
 * Into an empty population database: the persons were written while the file was read (with
 * index, key and foreign-key maintenance deferred); the links follow, then one build of each
 * index and key.
 */
async function firstLoad(ctx: ImportContext, load: FirstLoad): Promise<{ inserted: number; updated: number }> {
  const { client } = ctx;
  ctx.step('relations');
  await load.deferred.firstLoaded();
  // The file's rows are all the persons there are, so its reading worked out the links.
  await pipeline(Readable.from(load.links.copyLines(ctx.source)), client.query(copyFrom(copyRelationsSql().text)));
  if (load.links.findings.length) await copyFindings(client, ctx.findings, load.links.findings);
  await client.query(clearUnlinkedHashesSql(ctx.findings));
  ctx.step('finishing');
  await load.deferred.finish();
  return { inserted: load.inserted, updated: 0 };
}

async function update(ctx: ImportContext): Promise<{ inserted: number; updated: number }> {
  const { client, stage } = ctx;
  const norm = stage.table;
  const changes = ctx.scratch('changes');
  const relChanges = ctx.scratch('relchanges');
  await client.query(personChangesSql(norm, changes, stage.present));
  await client.query(updatePersonsSql(changes));
  const inserted = (await client.query(insertPersonsSql(norm, ctx.runId))).rowCount ?? 0;
  ctx.step('relations');
  await client.query(createRelationChangesSql(relChanges));
  await client.query(relationChangesSql(norm, ctx.findings, stage.present, relChanges));
  await client.query(applyRelationChangesSql(relChanges, ctx.source));
  ctx.step('finishing');
  await client.query(storeHashesSql(norm, ctx.findings));
  const { updated } = (await client.query(writeHistorySql(changes, relChanges, ctx.runId, ctx.actor, ctx.source))).rows[0] as { updated: number };
  return { inserted, updated };
}

interface FirstLoad {
  inserted: number;
  links: FirstLoadLinks;
  deferred: DeferredConstraints;
}

type Stage = PopulationStage & { firstLoad: FirstLoad | null };

export const populationImporter: Importer = {
  kind: 'population',
  fields: POPULATION_FIELDS,
  keyField: 'pid',
  steps: ['checking', 'loading', 'relations', 'finishing'],
  async read(r) {
    const { client } = r;
    // The import writes the hashes of the rows it loads; the triggers that clear them are for others' changes.
    await client.query("SET LOCAL ypq.population_import = 'on'");
    // Writers wait from here on (readers go on): what the rows are compared with, or an empty
    // database, stays as it is until the import commits.
    await client.query(lockPopulationSql());
    if (await isEmpty(client)) {
      const deferred = await deferConstraints(client, POPULATION_TABLES);
      const stage = await readPopulation(r, r.scratch('norm'), NOTHING_STORED, r.runId);
      r.log.info({ rows: stage.rows, inserted: stage.firstLoad!.inserted, fallback: stage.fallback }, 'empty population database: first load read');
      return { ...stage, firstLoad: { ...stage.firstLoad!, deferred } } satisfies Stage;
    }
    const stage = await readPopulation(r, r.scratch('norm'), await storedRows(client), null);
    r.log.info({ rows: stage.rows, unchanged: stage.unchanged, fallback: stage.fallback }, 'population file read');
    return stage;
  },
  async load(ctx) {
    const first = (ctx.stage as Stage).firstLoad;
    if (first) return firstLoad(ctx, first);
    await check(ctx);
    ctx.step('loading');
    return update(ctx);
  },
};

export { POPULATION_FIELDS };

export function importPopulation(pool: pg.Pool, o: ImportOptions): Promise<ImportResult> {
  return runImport(pool, populationImporter, o);
}
