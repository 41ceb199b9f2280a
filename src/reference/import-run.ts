// One import of a reference-data file (divisions, agencies, population): an import_runs row,
// then one transaction that stages the file, lets the importer validate and load it, stores
// every finding in import_rejects and in a rejects CSV next to the file, and drops its staging
// tables. Either all of it lands or nothing does; a failed run keeps its import_runs row with
// the error, for the data-sharing summary.
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo, from as copyFrom } from 'pg-copy-streams';
import type { Logger } from 'pino';
import type { HeaderField } from '../adapters/shared/headers.js';
import { logger } from '../logger.js';
import { FileError, stageCsv, type Finding, type StagedFile } from './csv-stage.js';
import {
  copyFindingsSql, countFindingsSql, createFindingsSql, dropTablesSql, failRunSql, finishRunSql, insertRunSql,
  rejectsCopySql, stageTable, storeFindingsSql, type RunCounts,
} from './import-sql.js';

export { FileError, type Finding, type StagedFile };
export type ImportKind = 'divisions' | 'agencies' | 'population';

export interface ImportProgress {
  phase: string;
  done: number;
  total: number;
}

export interface ImportOptions {
  file: string;
  /** Who runs it (person_history.actor, import_runs.actor), e.g. cli:alice. */
  actor: string;
  /** Where the rejects CSV goes; by default next to the file as <name>.rejects.csv. */
  rejectsFile?: string;
  onProgress?: (p: ImportProgress) => void;
  log?: Logger;
}

export interface ImportResult extends RunCounts {
  runId: number;
  kind: ImportKind;
  /** The rejects CSV written, or null when every row loaded without a finding. */
  rejectsFile: string | null;
  encoding: string;
  /** The file had to be read by the Node fallback (COPY refused it). */
  fallback: boolean;
  ms: number;
  /** Milliseconds spent in each phase ('reading', then the importer's steps, then 'committing'). */
  timings: Record<string, number>;
}

export interface ImportContext {
  client: pg.PoolClient;
  runId: number;
  stage: StagedFile;
  /** Table the importer adds its findings to (row_no, field, code, message, severity, record_key). */
  findings: string;
  actor: string;
  /** person_history.source of changes this run makes. */
  source: string;
  /** A scratch table name of this run; dropped before commit. */
  scratch(part: string): string;
  /** Reports that a step of the importer started. */
  step(phase: string): void;
  log: Logger;
}

/** What an importer that reads its file itself is given (Importer.read). */
export interface ReadContext {
  client: pg.PoolClient;
  runId: number;
  file: string;
  /** A scratch table name of this run; dropped before commit. */
  scratch(part?: string): string;
  onBytes(done: number, total: number): void;
  log: Logger;
}

export interface Importer {
  kind: ImportKind;
  fields: HeaderField[];
  /** The contract key naming a row (record_key of its findings). */
  keyField: string;
  /** Reads the file into a scratch table its own way; without it, stageCsv stages it as text. */
  read?(r: ReadContext): Promise<StagedFile>;
  /** Names of the steps load() reports, in order (for the progress bar). */
  steps: string[];
  /** Validates and loads the staged rows; returns how many records it inserted and updated. */
  load(ctx: ImportContext): Promise<{ inserted: number; updated: number }>;
}

export function defaultRejectsFile(file: string): string {
  const { dir, name } = path.parse(path.resolve(file));
  return path.join(dir, `${name}.rejects.csv`);
}

export async function runImport(pool: pg.Pool, importer: Importer, o: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const log = (o.log ?? logger()).child({ import: importer.kind });
  try {
    fs.accessSync(o.file, fs.constants.R_OK);
    if (!fs.statSync(o.file).isFile()) throw new FileError(`${o.file} is not a file`);
  } catch (err) {
    if (err instanceof FileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileError(`cannot read ${o.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
  const client = await pool.connect();
  const scratch = new Set<string>();
  let runId = 0;
  const timings: Record<string, number> = {};
  let phase = 'starting';
  let phaseStart = Date.now();
  const enter = (next: string) => {
    const now = Date.now();
    timings[phase] = (timings[phase] ?? 0) + now - phaseStart;
    phase = next;
    phaseStart = now;
  };
  try {
    runId = (await client.query(insertRunSql(importer.kind, path.basename(o.file), o.actor))).rows[0].id as number;
    log.info({ runId, file: path.basename(o.file) }, 'import started');
    await client.query('BEGIN');
    // Imports of one kind take turns; scratch memory sized for hash joins over a million rows.
    await client.query({ text: 'SELECT pg_advisory_xact_lock(hashtext($1))', values: [`ypq_import:${importer.kind}`] });
    await client.query("SET LOCAL work_mem = '256MB'");

    const table = (part?: string) => {
      const t = stageTable(runId, part);
      scratch.add(t);
      return t;
    };
    enter('reading');
    const onBytes = (done: number, total: number) => o.onProgress?.({ phase: 'reading', done, total });
    const stage = importer.read
      ? await importer.read({ client, runId, file: o.file, scratch: table, onBytes, log })
      : await stageCsv({ client, file: o.file, table: table(), fields: importer.fields, keyField: importer.keyField, onBytes });
    const findings = table('findings');
    await client.query(createFindingsSql(findings));
    if (stage.findings.length) await copyFindings(client, findings, stage.findings);

    let stepNo = 0;
    const ctx: ImportContext = {
      client, runId, stage, findings, actor: o.actor,
      source: `${importer.kind} import ${path.basename(o.file)} (run ${runId})`,
      scratch: (part) => table(part),
      step: (next) => {
        enter(next);
        o.onProgress?.({ phase: next, done: ++stepNo, total: importer.steps.length });
      },
      log,
    };
    const { inserted, updated } = await importer.load(ctx);

    enter('committing');
    const { rejected, warnings } = (await client.query(countFindingsSql(findings))).rows[0] as { rejected: number; warnings: number };
    const counts: RunCounts = {
      read: stage.rows, inserted, updated, unchanged: stage.rows - rejected - inserted - updated, rejected, warnings,
    };
    await client.query(storeFindingsSql(findings, runId));
    await client.query(finishRunSql(runId, stage.sha256, counts));
    let rejectsFile: string | null = null;
    if (rejected + warnings > 0) {
      rejectsFile = o.rejectsFile ?? defaultRejectsFile(o.file);
      await writeRejects(client, findings, rejectsFile);
    }
    await client.query(dropTablesSql([...scratch]));
    await client.query('COMMIT');
    enter('done');
    const ms = Date.now() - started;
    log.info({ runId, ...counts, fallback: stage.fallback, ms, timings }, 'import finished');
    return { ...counts, runId, kind: importer.kind, rejectsFile, encoding: stage.encoding, fallback: stage.fallback, ms, timings };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (runId) await client.query(failRunSql(runId, (err as Error).message)).catch(() => undefined);
    // Not the error object: a database error's detail can quote a whole row (names, ID numbers).
    log.warn({ runId, code: (err as { code?: string }).code, reason: (err as Error).message }, 'import failed; nothing was changed');
    throw err;
  } finally {
    client.release();
  }
}

/** Findings into a run's findings table (as those of staging, or an importer's own). */
export async function copyFindings(client: pg.ClientBase, table: string, findings: Finding[]): Promise<void> {
  const q = (v: string | number | null) => (v === null ? '' : `"${String(v).replace(/"/g, '""')}"`);
  const lines = findings.map((f) => [f.row, f.field, f.code, f.message, f.severity, f.recordKey].map(q).join(',') + '\n');
  await pipeline(async function* () {
    for (let i = 0; i < lines.length; i += 5000) yield lines.slice(i, i + 5000).join('');
  }, client.query(copyFrom(copyFindingsSql(table).text)));
}

/** The findings as CSV, UTF-8 with a byte-order mark so that spreadsheet programs read the Chinese. */
async function writeRejects(client: pg.PoolClient, findings: string, file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write('\uFEFF');
  try {
    await pipeline(client.query(copyTo(rejectsCopySql(findings).text)), out);
  } catch (err) {
    throw new FileError(`cannot write the rejects file ${file}: ${(err as Error).message}`);
  }
}
