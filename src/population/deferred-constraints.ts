// A first load into empty tables builds each index once, sorted, instead of inserting a million
// keys one by one, and does not check foreign keys with a trigger per row. Definitions are read
// from the catalog and replayed verbatim, so the schema ends exactly as the migrations left it;
// everything happens inside the import's transaction, so an error rolls the drop back with the
// data.
//
// Primary keys are dropped too (a sorted build costs a third of a million single inserts), unless
// a table outside the population tables has a foreign key to one — that table would be locked
// and its key checked again. The persons key comes back as soon as persons is loaded, because
// the family links are checked against it.
//
// Foreign keys: the first load only inserts persons of this run and links between persons it
// has just inserted, so every key holds by construction. A superuser skips the per-row checks
// with session_replication_role = replica (what pg_restore --disable-triggers does) — but only
// while the tables have no insert triggers of others, which that setting would silence too.
// (This module's own import-hash triggers, migration 009, may be silenced: the first load writes
// every hash they would clear.) The foreign keys between the tables are then put back while the
// links table is still empty, which checks nothing. Anyone else drops the foreign keys and adds
// them back at the end, which checks each with one join.
import type pg from 'pg';
import type { Sql } from '../reference/import-sql.js';

const OWN_TRIGGERS = 'ypq_import_hash_%';

const relations = (param: string) =>
  `(SELECT format('%I.%I', current_schema(), t)::regclass FROM unnest(${param}::text[]) t)`;

/** Secondary indexes (not those backing a primary key or unique constraint) of the tables. */
export function secondaryIndexesSql(tables: string[]): Sql {
  return {
    text: `SELECT format('DROP INDEX %I.%I', i.schemaname, i.indexname) AS drop, i.indexdef AS restore
           FROM pg_indexes i
           WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
           ORDER BY i.indexname`,
    values: [tables],
  };
}

/** Primary keys of the tables that nothing outside them references. */
export function primaryKeysSql(tables: string[]): Sql {
  return {
    text: `SELECT c.conrelid::regclass::text AS "table",
                  format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
                  format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS restore
           FROM pg_constraint c
           WHERE c.contype = 'p' AND c.conrelid IN ${relations('$1')}
             AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                             WHERE f.contype = 'f' AND f.confrelid = c.conrelid AND f.conrelid NOT IN ${relations('$1')})
           ORDER BY c.conname`,
    values: [tables],
  };
}

/** Foreign keys the tables hold or that point at them: the holding and the referenced table. */
export function foreignKeysSql(tables: string[]): Sql {
  return {
    text: `SELECT c.conrelid::regclass::text AS "table", c.confrelid::regclass::text AS "references",
                  format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
                  format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS restore
           FROM pg_constraint c
           WHERE c.contype = 'f' AND (c.conrelid IN ${relations('$1')} OR c.confrelid IN ${relations('$1')})
           ORDER BY c.conname`,
    values: [tables],
  };
}

/** Whether this session may skip foreign-key triggers without silencing any other insert trigger. */
export function canSkipTriggersSql(tables: string[]): Sql {
  return {
    // tgtype bit 2: the trigger fires on INSERT.
    text: `SELECT current_setting('is_superuser') = 'on'
                  AND NOT EXISTS (SELECT 1 FROM pg_trigger t
                                  WHERE NOT t.tgisinternal AND t.tgtype & 4 <> 0 AND t.tgname NOT LIKE $2
                                    AND t.tgrelid IN ${relations('$1')}) AS ok`,
    values: [tables, OWN_TRIGGERS],
  };
}

interface Statement {
  table: string;
  drop: string;
  restore: string;
}

export interface DeferredConstraints {
  /** The first table (persons) is loaded: its key back, and the skipped keys pointing at it. */
  firstLoaded(): Promise<void>;
  /** Everything else back: remaining keys, foreign keys, secondary indexes. */
  finish(): Promise<void>;
}

/**
 * Drops the tables' secondary indexes and primary keys and defers their foreign keys. tables[0]
 * is loaded first (persons): firstLoaded() restores what loading the others needs.
 */
export async function deferConstraints(client: pg.ClientBase, tables: string[]): Promise<DeferredConstraints> {
  const run = async (xs: Statement[], which: 'drop' | 'restore') => {
    for (const x of xs) await client.query(x[which]);
  };
  const indexes = (await client.query(secondaryIndexesSql(tables))).rows as Statement[];
  const keys = (await client.query(primaryKeysSql(tables))).rows as Statement[];
  const fks = (await client.query(foreignKeysSql(tables))).rows as (Statement & { references: string })[];
  const skip = (await client.query(canSkipTriggersSql(tables))).rows[0].ok as boolean;
  const keyed = new Set(keys.map((k) => k.table));
  const names = (await client.query({
    text: "SELECT format('%I.%I', current_schema(), t)::regclass::text AS t FROM unnest($1::text[]) WITH ORDINALITY u(t, n) ORDER BY n",
    values: [tables],
  })).rows.map((r) => r.t as string);
  const first = names[0];
  // A key pointing at a dropped primary key goes with it; without skipping triggers, every key the tables hold goes.
  const deferredFks = fks.filter((f) => keyed.has(f.references) || (!skip && names.includes(f.table)));
  await run(indexes, 'drop');
  await run(deferredFks, 'drop');
  await run(keys, 'drop');
  if (skip) await client.query('SET LOCAL session_replication_role = replica');
  // Sorted builds, in memory: a million keys sort in a few hundred MB.
  await client.query(`SELECT set_config('maintenance_work_mem', '512MB', true)
                      WHERE pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes('512MB')`);
  const firstKeys = keys.filter((k) => k.table === first);
  // With triggers skipped, the keys pointing at the first table come back while the others are still empty.
  const earlyFks = skip ? deferredFks.filter((f) => f.references === first) : [];
  let firstDone = false;
  const firstLoaded = async () => {
    if (firstDone) return;
    firstDone = true;
    await run(firstKeys, 'restore');
    await run(earlyFks, 'restore');
  };
  return {
    firstLoaded,
    async finish() {
      await firstLoaded();
      await run(keys.filter((k) => !firstKeys.includes(k)), 'restore');
      await run(deferredFks.filter((f) => !earlyFks.includes(f)), 'restore');
      if (skip) await client.query('SET LOCAL session_replication_role = origin');
      await run(indexes, 'restore');
    },
  };
}
