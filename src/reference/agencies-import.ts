// `yipanqi agencies import FILE`: load or update the member agencies.
import type pg from 'pg';
import type { HeaderField } from '../adapters/shared/headers.js';
import { parseDivision } from '../normalise/codes.js';
import { normaliseAgenciesSql, unknownDivisionsSql, upsertAgenciesSql } from './agencies-sql.js';
import { buildDictionary, type DictColumn } from './dictionary.js';
import { findingsFromErrorsSql, markDuplicatesSql } from './import-sql.js';
import { runImport, type ImportOptions, type ImportResult, type Importer } from './import-run.js';
import { parseAgencyKind, parseCount, parseFeeds } from './reference-fields.js';

export const AGENCY_FIELDS: HeaderField[] = [
  { key: 'code', zh: ['单位代码', '机构代码'], required: true },
  { key: 'name', zh: ['单位名称', '机构名称'], required: true },
  { key: 'kind', zh: ['单位类型', '机构类型'], required: true },
  { key: 'division', zh: ['所在区划代码', '区划代码'], required: true },
  { key: 'feeds', zh: ['报送数据', '报送数据类型'] },
  { key: 'expected_per_month', zh: ['每月应报次数'] },
];

const DICTIONARY: DictColumn[] = [
  { column: 'kind', parse: parseAgencyKind },
  { column: 'division', parse: parseDivision },
  { column: 'feeds', parse: parseFeeds },
  { column: 'expected_per_month', parse: parseCount },
];

export const agenciesImporter: Importer = {
  kind: 'agencies',
  fields: AGENCY_FIELDS,
  keyField: 'code',
  steps: ['checking', 'loading'],
  async load(ctx) {
    const dict = ctx.scratch('dict');
    const norm = ctx.scratch('norm');
    ctx.step('checking');
    await buildDictionary(ctx.client, ctx.stage.table, dict, DICTIONARY);
    await ctx.client.query(normaliseAgenciesSql(ctx.stage.table, dict, norm));
    await ctx.client.query(markDuplicatesSql(norm, 'code', 'CODE_DUPLICATE', 'agency code'));
    await ctx.client.query(findingsFromErrorsSql(ctx.findings, norm));
    await ctx.client.query(unknownDivisionsSql(norm, ctx.findings));
    ctx.step('loading');
    const r = await ctx.client.query(upsertAgenciesSql(norm, ctx.stage.present));
    return r.rows[0] as { inserted: number; updated: number };
  },
};

export function importAgencies(pool: pg.Pool, o: ImportOptions): Promise<ImportResult> {
  return runImport(pool, agenciesImporter, o);
}
