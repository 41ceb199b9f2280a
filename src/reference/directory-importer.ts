// The reference directories (divisions, agencies) load the same way: dictionary of distinct values,
// normalise, mark repeated codes, findings, check references, upsert. Only the SQL differs.
import type { HeaderField } from '../adapters/shared/headers.js';
import { buildDictionary, type DictColumn } from './dictionary.js';
import { findingsFromErrorsSql, markDuplicatesSql } from './import-sql.js';
import type { Importer } from './import-run.js';

type Sql = { text: string; values: unknown[] };

export interface DirectorySpec {
  kind: Importer['kind'];
  fields: HeaderField[];
  dictionary: DictColumn[];
  /** What a repeated code is called in its finding ("agency code"). */
  codeLabel: string;
  normalise(stage: string, dict: string, norm: string): Sql;
  /** Findings for codes that point at nothing (an agency's division, a division's parent). */
  checkReferences(norm: string, findings: string): Sql;
  /** Upsert; `present` names the columns the file has (absent ones keep their stored values). */
  upsert(norm: string, present: Set<string>): Sql;
}

export function directoryImporter(spec: DirectorySpec): Importer {
  return {
    kind: spec.kind,
    fields: spec.fields,
    keyField: 'code',
    steps: ['checking', 'loading'],
    async load(ctx) {
      const dict = ctx.scratch('dict');
      const norm = ctx.scratch('norm');
      ctx.step('checking');
      await buildDictionary(ctx.client, ctx.stage.table, dict, spec.dictionary);
      await ctx.client.query(spec.normalise(ctx.stage.table, dict, norm));
      await ctx.client.query(markDuplicatesSql(norm, 'code', 'CODE_DUPLICATE', spec.codeLabel));
      await ctx.client.query(findingsFromErrorsSql(ctx.findings, norm));
      await ctx.client.query(spec.checkReferences(norm, ctx.findings));
      ctx.step('loading');
      const r = await ctx.client.query(spec.upsert(norm, ctx.stage.present));
      return r.rows[0] as { inserted: number; updated: number };
    },
  };
}
