// A first load into empty tables builds each index once, sorted, instead of inserting a million
// keys one by one, and does not check foreign keys with a trigger per row. Index definitions are
// read from the catalog and replayed verbatim, so the schema ends exactly as the migrations left
// it; everything happens inside the import's transaction, so an error rolls the drop back with
// the data.
//
// Foreign keys: the first load only inserts persons of this run and links between persons it
// has just inserted, so every key holds by construction. A superuser skips the per-row checks
// with session_replication_role = replica (what pg_restore --disable-triggers does) — but only
// while the tables have no triggers of their own, which that setting would silence too. Anyone
// else drops the foreign keys and adds them back, which checks each with one join.
import type pg from 'pg';
import type { Sql } from '../reference/import-sql.js';

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

/** Foreign keys the tables hold (their per-row check triggers fire on every insert). */
export function foreignKeysSql(tables: string[]): Sql {
  return {
    text: `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
                  format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS restore
           FROM pg_constraint c
           WHERE c.contype = 'f' AND c.conrelid = ANY (SELECT format('%I.%I', current_schema(), t)::regclass FROM unnest($1::text[]) t)
           ORDER BY c.conname`,
    values: [tables],
  };
}

/** Whether this session may skip foreign-key triggers without silencing any other trigger. */
export function canSkipTriggersSql(tables: string[]): Sql {
  return {
    text: `SELECT current_setting('is_superuser') = 'on'
                  AND NOT EXISTS (SELECT 1 FROM pg_trigger t
                                  WHERE NOT t.tgisinternal
                                    AND t.tgrelid = ANY (SELECT format('%I.%I', current_schema(), x)::regclass FROM unnest($1::text[]) x)) AS ok`,
    values: [tables],
  };
}

/** Drops the tables' secondary indexes and defers their foreign keys; the returned function puts all back. */
export async function deferConstraints(client: pg.ClientBase, tables: string[]): Promise<() => Promise<void>> {
  const indexes = (await client.query(secondaryIndexesSql(tables))).rows as { drop: string; restore: string }[];
  for (const x of indexes) await client.query(x.drop);
  const skip = (await client.query(canSkipTriggersSql(tables))).rows[0].ok as boolean;
  if (skip) {
    await client.query('SET LOCAL session_replication_role = replica');
    return async () => {
      await client.query('SET LOCAL session_replication_role = origin');
      for (const x of indexes) await client.query(x.restore);
    };
  }
  const fks = (await client.query(foreignKeysSql(tables))).rows as { drop: string; restore: string }[];
  for (const x of fks) await client.query(x.drop);
  return async () => {
    for (const x of [...indexes, ...fks]) await client.query(x.restore);
  };
}
