// `yipanqi agencies import FILE`: load or update the member agencies.
import type pg from 'pg';
import type { HeaderField } from '../adapters/shared/headers.js';
import { parseDivision } from '../normalise/codes.js';
import { normaliseAgenciesSql, unknownDivisionsSql, upsertAgenciesSql } from './agencies-sql.js';
import type { DictColumn } from './dictionary.js';
import { directoryImporter } from './directory-importer.js';
import { runImport, type ImportOptions, type ImportResult } from './import-run.js';
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

export const agenciesImporter = directoryImporter({
  kind: 'agencies',
  fields: AGENCY_FIELDS,
  dictionary: DICTIONARY,
  codeLabel: 'agency code',
  normalise: normaliseAgenciesSql,
  checkReferences: unknownDivisionsSql,
  upsert: upsertAgenciesSql,
});

export function importAgencies(pool: pg.Pool, o: ImportOptions): Promise<ImportResult> {
  return runImport(pool, agenciesImporter, o);
}
