// `yipanqi divisions import FILE`: load or update the division directory.
import type pg from 'pg';
import type { HeaderField } from '../adapters/shared/headers.js';
import { parseDivision } from '../normalise/codes.js';
import { buildDictionary, type DictColumn } from './dictionary.js';
import { normaliseDivisionsSql, unknownParentsSql, upsertDivisionsSql } from './divisions-sql.js';
import { findingsFromErrorsSql, markDuplicatesSql } from './import-sql.js';
import { runImport, type ImportOptions, type ImportResult, type Importer } from './import-run.js';
import { parseDivisionLevel } from './reference-fields.js';

export const DIVISION_FIELDS: HeaderField[] = [
  { key: 'code', zh: ['区划代码', '统计用区划代码', '代码'], required: true },
  { key: 'name', zh: ['名称', '区划名称'], required: true },
  { key: 'level', zh: ['级别', '层级'] },
  { key: 'parent_code', zh: ['上级代码', '上级区划代码'] },
];

const DICTIONARY: DictColumn[] = [
  { column: 'code', parse: parseDivision },
  { column: 'level', parse: parseDivisionLevel },
  { column: 'parent_code', parse: parseDivision },
];

export const divisionsImporter: Importer = {
  kind: 'divisions',
  fields: DIVISION_FIELDS,
  keyField: 'code',
  steps: ['checking', 'loading'],
  async load(ctx) {
    const dict = ctx.scratch('dict');
    const norm = ctx.scratch('norm');
    ctx.step('checking');
    await buildDictionary(ctx.client, ctx.stage.table, dict, DICTIONARY);
    await ctx.client.query(normaliseDivisionsSql(ctx.stage.table, dict, norm));
    await ctx.client.query(markDuplicatesSql(norm, 'code', 'CODE_DUPLICATE', 'division code'));
    await ctx.client.query(findingsFromErrorsSql(ctx.findings, norm));
    await ctx.client.query(unknownParentsSql(norm, ctx.findings));
    ctx.step('loading');
    const r = await ctx.client.query(upsertDivisionsSql(norm));
    return r.rows[0] as { inserted: number; updated: number };
  },
};

export function importDivisions(pool: pg.Pool, o: ImportOptions): Promise<ImportResult> {
  return runImport(pool, divisionsImporter, o);
}
