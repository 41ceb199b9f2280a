// Columns with few distinct values (dates, codes, division codes) are normalised once per
// distinct value, by the same src/normalise functions the feeds use: one grouping-sets scan
// lists the distinct raw values of every such column, Node parses them, and the results go back
// by COPY into a dictionary table the normalising query joins. A million birth dates are some
// thirty thousand distinct values, and the rules cannot drift between SQL and JS.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { toAscii } from '../normalise/fullwidth.js';
import { ident, type Sql } from './import-sql.js';

export type Parsed = { ok: true; value: string } | { ok: false; code: string; message: string };

export interface DictColumn {
  /** The staging column (a contract key). */
  column: string;
  /** A non-blank raw value → its canonical text, or why it is not acceptable. */
  parse: (raw: string) => Parsed;
}

export function distinctValuesSql(stage: string, columns: string[]): Sql {
  const cols = columns.map(ident);
  const which = cols.map((c) => `WHEN GROUPING(${c}) = 0 THEN '${c}'`).join(' ');
  return {
    text: `SELECT col, raw FROM (
             SELECT CASE ${which} END AS col, ${cols.length > 1 ? `coalesce(${cols.join(', ')})` : cols[0]} AS raw
             FROM ${ident(stage)} GROUP BY GROUPING SETS (${cols.map((c) => `(${c})`).join(', ')})) g
           WHERE raw IS NOT NULL`,
    values: [],
  };
}

/** col, raw → value (NULL for a blank or bad value), code and message (NULL unless bad). */
export function createDictionarySql(dict: string): Sql {
  return { text: `CREATE UNLOGGED TABLE ${ident(dict)} (col text NOT NULL, raw text NOT NULL, value text, code text, message text)`, values: [] };
}

export function copyDictionarySql(dict: string): Sql {
  return { text: `COPY ${ident(dict)} (col, raw, value, code, message) FROM STDIN WITH (FORMAT csv)`, values: [] };
}

/** LEFT JOIN of one column's dictionary entries, aliased d_<column>. */
export function dictionaryJoin(dict: string, column: string, stageAlias = 's'): string {
  const c = ident(column);
  return `LEFT JOIN ${ident(dict)} d_${c} ON d_${c}.col = '${c}' AND d_${c}.raw = ${stageAlias}.${c}`;
}

const q = (v: string | null) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);

/** The distinct raw values of each column, in one scan of the staging table. */
export async function distinctValues(client: pg.ClientBase, stage: string, columns: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(columns.map((c) => [c, []]));
  const { rows } = await client.query({ ...distinctValuesSql(stage, columns), rowMode: 'array' });
  for (const [col, raw] of rows as [string, string][]) out.get(col)!.push(raw);
  return out;
}

/** Parses each distinct value and stores the dictionary table. */
export async function writeDictionary(client: pg.ClientBase, dict: string, columns: DictColumn[], distinct: Map<string, string[]>): Promise<void> {
  await client.query(createDictionarySql(dict));
  const chunks: string[] = [];
  let chunk = '';
  for (const { column, parse } of columns) {
    for (const raw of distinct.get(column) ?? []) {
      // A blank value is absent, not wrong: no value, no error.
      const p: Parsed | null = toAscii(raw).trim() === '' ? null : parse(raw);
      const c = q(column), r = q(raw);
      chunk += (p === null ? `${c},${r},,,` : p.ok ? `${c},${r},${q(p.value)},,` : `${c},${r},,${q(p.code)},${q(p.message)}`) + '\n';
      if (chunk.length > 1 << 16) {
        chunks.push(chunk);
        chunk = '';
      }
    }
  }
  if (chunk) chunks.push(chunk);
  await pipeline(Readable.from(chunks), client.query(copyFrom(copyDictionarySql(dict).text)));
  await client.query({ text: `ANALYZE ${ident(dict)}`, values: [] });
}

export async function buildDictionary(client: pg.ClientBase, stage: string, dict: string, columns: DictColumn[]): Promise<void> {
  await writeDictionary(client, dict, columns, await distinctValues(client, stage, columns.map((c) => c.column)));
}
