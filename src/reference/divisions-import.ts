// `yipanqi divisions import FILE`: load or update the division directory.
import type pg from 'pg';
import type { HeaderField } from '../adapters/shared/headers.js';
import { parseDivision } from '../normalise/codes.js';
import type { DictColumn } from './dictionary.js';
import { directoryImporter } from './directory-importer.js';
import { normaliseDivisionsSql, unknownParentsSql, upsertDivisionsSql } from './divisions-sql.js';
import { runImport, type ImportOptions, type ImportResult } from './import-run.js';
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

export const divisionsImporter = directoryImporter({
  kind: 'divisions',
  fields: DIVISION_FIELDS,
  dictionary: DICTIONARY,
  codeLabel: 'division code',
  normalise: normaliseDivisionsSql,
  checkReferences: unknownParentsSql,
  upsert: (norm) => upsertDivisionsSql(norm),
});

export function importDivisions(pool: pg.Pool, o: ImportOptions): Promise<ImportResult> {
  return runImport(pool, divisionsImporter, o);
}
