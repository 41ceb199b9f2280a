// `yipanqi population import FILE`: bulk-load or update the population database.
//
// The file is read and its rows normalised in Node as it streams into one scratch table
// (population-read.ts, row-normaliser.ts); the checks that need the whole set run set-based in
// SQL (population-sql.ts), then:
// - into an empty database (the first load), the rows are inserted with index, key and
//   foreign-key maintenance deferred to one build each at the end;
// - otherwise they are compared with what is stored: new persons are inserted, changed ones
//   updated with a person_history entry { field: [old, new] }, unchanged ones left alone —
//   re-importing the same file changes nothing. A row whose person still carries its hash
//   (row-hash.ts: that person was set from exactly this row, and nobody has changed them since)
//   is not even sent to the database.
// Family links (spouse, mother, father) go to person_relations; a link to an unknown pid is
// reported as a warning and the person loads without it.
import type pg from 'pg';
import { findingsFromErrorsSql } from '../reference/import-sql.js';
import { runImport, type ImportContext, type ImportOptions, type ImportResult, type Importer } from '../reference/import-run.js';
import { deferConstraints } from './deferred-constraints.js';
import { POPULATION_FIELDS } from './person-fields.js';
import { readPopulation, storedPersons, type PopulationStage } from './population-read.js';
import {
  applyRelationChangesSql, clearUnlinkedHashesSql, createRelationChangesSql, insertAllPersonsSql, insertAllRelationsSql,
  insertPersonsSql, lockPopulationSql, personChangesSql, populationEmptySql, relationChangesSql, storeHashesSql,
  suspectIdWarningsSql, updatePersonsSql, writeHistorySql,
} from './population-sql.js';
import type { StoredPerson } from './row-normaliser.js';

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

/** Into an empty population database: plain inserts, indexes and keys rebuilt once at the end. */
async function firstLoad(ctx: ImportContext): Promise<{ inserted: number; updated: number }> {
  const { client, stage } = ctx;
  const deferred = await deferConstraints(client, POPULATION_TABLES);
  const inserted = (await client.query(insertAllPersonsSql(stage.table, ctx.runId))).rowCount ?? 0;
  ctx.step('relations');
  await deferred.firstLoaded();
  await client.query(insertAllRelationsSql(stage.table, ctx.findings, stage.present, ctx.source));
  await client.query(clearUnlinkedHashesSql(ctx.findings));
  ctx.step('finishing');
  await deferred.finish();
  return { inserted, updated: 0 };
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

export const populationImporter: Importer = {
  kind: 'population',
  fields: POPULATION_FIELDS,
  keyField: 'pid',
  steps: ['checking', 'loading', 'relations', 'finishing'],
  async read(r) {
    const { client } = r;
    // The import writes the hashes of the rows it loads; the triggers that clear them are for others' changes.
    await client.query("SET LOCAL ypq.population_import = 'on'");
    let stored = new Map<string, StoredPerson>();
    if (!(await isEmpty(client))) {
      // Writers wait from here on, so the persons a row is compared with stay as they are.
      await client.query(lockPopulationSql());
      stored = await storedPersons(client);
    }
    const stage = await readPopulation(r, r.scratch('norm'), stored);
    r.log.info({ rows: stage.rows, unchanged: stage.unchanged, fallback: stage.fallback }, 'population file read');
    return stage;
  },
  async load(ctx) {
    await check(ctx);
    ctx.step('loading');
    const { client } = ctx;
    await client.query(lockPopulationSql());
    const empty = (ctx.stage as PopulationStage).unchanged === 0 && (await isEmpty(client));
    ctx.log.info({ firstLoad: empty }, empty ? 'empty population database: first load' : 'updating the population database');
    return empty ? firstLoad(ctx) : update(ctx);
  },
};

export { POPULATION_FIELDS };

export function importPopulation(pool: pg.Pool, o: ImportOptions): Promise<ImportResult> {
  return runImport(pool, populationImporter, o);
}
