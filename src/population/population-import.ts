// `yipanqi population import FILE`: bulk-load or update the population database.
//
// Rows are staged by COPY, normalised set-based (population-sql.ts), checked, then:
// - into an empty database (the first load), inserted with index and foreign-key maintenance
//   deferred to one build each at the end;
// - otherwise compared with what is stored: new persons are inserted, changed ones updated with a
//   person_history entry { field: [old, new] }, unchanged ones left alone — re-importing the same
//   file changes nothing.
// Family links (spouse, mother, father) go to person_relations; a link to an unknown pid is
// reported as a warning and the person loads without it.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { distinctValues, writeDictionary } from '../reference/dictionary.js';
import { analyzeSql, findingsFromErrorsSql, markDuplicatesSql } from '../reference/import-sql.js';
import { runImport, type ImportContext, type ImportOptions, type ImportResult, type Importer } from '../reference/import-run.js';
import { deferConstraints } from './deferred-constraints.js';
import { POPULATION_DICTIONARY, POPULATION_FIELDS } from './person-fields.js';
import { namesCsv } from './person-names.js';
import {
  applyRelationChangesSql, copyNamesSql, createNamesSql, createRelationChangesSql,
  insertAllPersonsSql, insertAllRelationsSql, insertPersonsSql, lockPopulationSql, nameErrorsSql, normalisePopulationSql,
  personChangesSql, populationEmptySql, relationChangesSql, suspectIdWarningsSql, updatePersonsSql,
  writeHistorySql,
} from './population-sql.js';

const POPULATION_TABLES = ['persons', 'person_relations'];

async function normalise(ctx: ImportContext, dict: string, norm: string, names: string): Promise<void> {
  const { client, stage } = ctx;
  ctx.step('normalising');
  const dictColumns = POPULATION_DICTIONARY.map((c) => c.column);
  const distinct = await distinctValues(client, stage.table, [...dictColumns, 'name']);
  await writeDictionary(client, dict, POPULATION_DICTIONARY, distinct);
  // PostgreSQL normalises the rows while Node works through the names: one round trip of
  // parameterless statements, so the server keeps going while this thread is busy.
  const inDatabase = client.query([normalisePopulationSql(stage.table, dict, dictColumns, norm), analyzeSql(norm), createNamesSql(names)]
    .map((q) => q.text)
    .join(';\n'));
  inDatabase.catch(() => undefined); // awaited below; this only keeps the rejection from counting as unhandled meanwhile
  ctx.step('names');
  const csv = [...namesCsv(distinct.get('name')!)];
  await inDatabase;
  await pipeline(Readable.from(csv), client.query(copyFrom(copyNamesSql(names).text)));
  await client.query(analyzeSql(names));
}

async function check(ctx: ImportContext, norm: string, names: string): Promise<void> {
  const { client } = ctx;
  ctx.step('checking');
  await client.query(nameErrorsSql(norm, names));
  await client.query(markDuplicatesSql(norm, 'pid', 'PID_DUPLICATE', 'pid'));
  await client.query(findingsFromErrorsSql(ctx.findings, norm));
  await client.query(suspectIdWarningsSql(norm, ctx.findings));
}

/** Into an empty population database: plain inserts, indexes and foreign keys rebuilt once at the end. */
async function firstLoad(ctx: ImportContext, norm: string, names: string): Promise<{ inserted: number; updated: number }> {
  const { client, stage } = ctx;
  const restore = await deferConstraints(client, POPULATION_TABLES);
  const inserted = (await client.query(insertAllPersonsSql(norm, names, ctx.runId))).rowCount ?? 0;
  ctx.step('relations');
  await client.query(insertAllRelationsSql(norm, ctx.findings, stage.present, ctx.source));
  ctx.step('finishing');
  await restore();
  return { inserted, updated: 0 };
}

async function update(ctx: ImportContext, norm: string, names: string): Promise<{ inserted: number; updated: number }> {
  const { client, stage } = ctx;
  const changes = ctx.scratch('changes');
  const relChanges = ctx.scratch('relchanges');
  await client.query(personChangesSql(norm, names, changes, stage.present));
  await client.query(updatePersonsSql(changes));
  const inserted = (await client.query(insertPersonsSql(norm, names, ctx.runId))).rowCount ?? 0;
  ctx.step('relations');
  await client.query(createRelationChangesSql(relChanges));
  await client.query(relationChangesSql(norm, ctx.findings, stage.present, relChanges));
  await client.query(applyRelationChangesSql(relChanges, ctx.source));
  ctx.step('finishing');
  const { updated } = (await client.query(writeHistorySql(changes, relChanges, ctx.runId, ctx.actor, ctx.source))).rows[0] as { updated: number };
  return { inserted, updated };
}

export const populationImporter: Importer = {
  kind: 'population',
  fields: POPULATION_FIELDS,
  keyField: 'pid',
  steps: ['normalising', 'names', 'checking', 'loading', 'relations', 'finishing'],
  async load(ctx) {
    const dict = ctx.scratch('dict');
    const norm = ctx.scratch('norm');
    const names = ctx.scratch('names');
    await normalise(ctx, dict, norm, names);
    await check(ctx, norm, names);
    ctx.step('loading');
    await ctx.client.query(lockPopulationSql());
    const { empty } = (await ctx.client.query(populationEmptySql())).rows[0] as { empty: boolean };
    ctx.log.info({ firstLoad: empty }, empty ? 'empty population database: first load' : 'updating the population database');
    return empty ? firstLoad(ctx, norm, names) : update(ctx, norm, names);
  },
};

export { POPULATION_FIELDS };

export function importPopulation(pool: pg.Pool, o: ImportOptions): Promise<ImportResult> {
  return runImport(pool, populationImporter, o);
}
