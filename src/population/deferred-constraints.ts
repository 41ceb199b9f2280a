// A first load into empty tables builds each index once, sorted, instead of inserting a million
// keys one by one, and checks each foreign key with one join instead of a trigger per row. The
// definitions are read from the catalog and replayed verbatim, so the schema ends exactly as the
// migrations left it; everything happens inside the import's transaction, so a crash or error
// rolls the drop back with the data.
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

/** Drops the tables' secondary indexes and foreign keys; the returned function puts them back. */
export async function deferConstraints(client: pg.ClientBase, tables: string[]): Promise<() => Promise<void>> {
  const indexes = (await client.query(secondaryIndexesSql(tables))).rows as { drop: string; restore: string }[];
  const fks = (await client.query(foreignKeysSql(tables))).rows as { drop: string; restore: string }[];
  for (const x of [...fks, ...indexes]) await client.query(x.drop);
  return async () => {
    for (const x of [...indexes, ...fks]) await client.query(x.restore);
  };
}
