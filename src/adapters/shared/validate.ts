// The shape check of an incoming record (ajv against the feed's schema), with ajv's findings
// turned into RecordErrors a clerk can read. Values (dates, codes, ID numbers) are checked
// afterwards by the field reader; the paths reported here are skipped there.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import type { RecordError } from '../types.js';

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });

export function compileSchema(schema: TSchema): ValidateFunction {
  if (!schema.$id) throw new Error('a feed schema needs an $id');
  return ajv.getSchema(schema.$id) ?? ajv.compile(schema);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list (the field appears more than once?)';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : 'a decimal number';
  if (typeof v === 'boolean') return `${v}`;
  return typeof v;
}

function expected(schema: TSchema | undefined): string {
  const types = new Set<string>();
  const walk = (s: TSchema | undefined) => {
    if (!s) return;
    if (s.anyOf) for (const x of s.anyOf as TSchema[]) walk(x);
    else if (s.type === 'string') types.add('text');
    else if (s.type === 'integer' || s.type === 'number') types.add('a whole number');
    else if (s.type === 'object') types.add('an object');
  };
  walk(schema);
  return [...types].join(' or ') || 'another type';
}

const pathOf = (e: ErrorObject) => {
  const base = e.instancePath.slice(1).replaceAll('/', '.');
  return e.keyword === 'required' ? (base ? `${base}.` : '') + (e.params as { missingProperty: string }).missingProperty : base;
};

export interface SchemaFindings {
  errors: RecordError[];
  /** Field paths with a finding: the field reader leaves them alone. */
  paths: Set<string>;
}

/** The schema of the property at a dotted path (through optional objects' anyOf). */
function propertyAt(root: TSchema, path: string): TSchema | undefined {
  let s: TSchema | undefined = root;
  for (const key of path.split('.')) {
    const obj: TSchema | undefined = s?.properties ? s : (s?.anyOf as TSchema[] | undefined)?.find((x) => x.properties);
    s = obj?.properties?.[key];
  }
  return s;
}

/** One error per field: ajv reports every branch of an anyOf; a clerk needs one sentence. */
export function schemaFindings(found: ErrorObject[], root: TSchema, labels: ReadonlyMap<string, string>): SchemaFindings {
  const errors: RecordError[] = [];
  const paths = new Set<string>();
  for (const e of found) {
    const field = pathOf(e);
    if (paths.has(field)) continue;
    const label = labels.get(field) ?? field;
    paths.add(field);
    if (e.keyword === 'required') {
      errors.push({ field, code: 'REQUIRED', message: `${label}: missing; this field is required` });
    } else if (e.keyword === 'maxLength') {
      errors.push({ field, code: 'TOO_LONG', message: `${label}: ${String(e.data).length} characters, at most ${(e.params as { limit: number }).limit} allowed` });
    } else if (e.keyword === 'type' || e.keyword === 'anyOf') {
      errors.push({ field, code: 'TYPE', message: `${label}: expected ${expected(propertyAt(root, field))}, found ${kindOf(e.data)}` });
    } else {
      errors.push({ field, code: 'SCHEMA', message: `${label}: ${e.message ?? 'does not fit the schema'}` });
    }
  }
  return { errors, paths };
}
