// A contract CSV file → an UNLOGGED staging table of text columns, one per file column, plus the
// row number. The fast path hands the raw bytes to PostgreSQL's own COPY parser (with ENCODING
// 'GB18030' for GBK files). When COPY refuses the file — a row with the wrong number of columns,
// a stray quote, bytes invalid in the encoding — the copy is rolled back to a savepoint and the
// file is read again in Node, record by record: broken records become findings, well-formed
// ones are re-emitted as clean UTF-8 CSV, so the good rows of a damaged file still load.
import crypto from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { decode, decoderFor, detectEncoding, pgEncoding, type TextEncoding } from '../adapters/shared/encoding.js';
import { mapHeaders, type HeaderField } from '../adapters/shared/headers.js';
import { csvRecords, parseCsvLine } from './csv-records.js';
import { copyStageSql, createStageSql, stageColumnName } from './import-sql.js';

/** A problem with one row, as stored in import_rejects and written to the rejects file. */
export interface Finding {
  row: number;
  field: string | null;
  code: string;
  message: string;
  severity: 'error' | 'warning';
  recordKey: string | null;
}

export interface StagedFile {
  table: string;
  encoding: TextEncoding;
  /** Contract keys of the columns the file has. */
  present: Set<string>;
  /** Data rows read (rows rejected while parsing included, blank lines not). */
  rows: number;
  /** Rows COPY could not take, found by the Node reader. */
  findings: Finding[];
  sha256: string;
  bytes: number;
  /** Whether the file had to be read by the Node fallback. */
  fallback: boolean;
}

export class FileError extends Error {}

const SAMPLE_BYTES = 64 * 1024;
export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface StageOptions {
  client: pg.ClientBase;
  file: string;
  table: string;
  fields: HeaderField[];
  /** The contract key that names a row (for findings), e.g. pid or code. */
  keyField: string;
  onBytes?: (done: number, total: number) => void;
}

export interface Header {
  encoding: TextEncoding;
  bomLength: number;
  names: string[];
  keys: (string | undefined)[];
}

/** Encoding and header row from the first bytes of the file. */
export function readHeader(file: string, fields: HeaderField[], size: number): Header {
  const fd = fs.openSync(file, 'r');
  let sample: Buffer;
  try {
    const buf = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    sample = buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
  if (sample.length === 0) throw new FileError('the file is empty');
  const { encoding, bomLength } = detectEncoding(sample, size <= SAMPLE_BYTES);
  const text = decode(sample.subarray(bomLength), encoding);
  const eol = text.indexOf('\n');
  if (eol < 0 && size > SAMPLE_BYTES) throw new FileError(`no line break in the first ${SAMPLE_BYTES} bytes: this is not a CSV file`);
  const line = (eol < 0 ? text : text.slice(0, eol)).replace(/\r$/, '');
  const parsed = parseCsvLine(line);
  if (parsed.state !== 'ok') throw new FileError('the header row is not valid CSV');
  const mapped = mapHeaders(parsed.fields, fields);
  if (!mapped.ok) throw new FileError(`${mapped.message} (${mapped.code})`);
  return { encoding, bomLength, names: parsed.fields, keys: mapped.map.keys };
}

/** Counts bytes for the progress bar and hashes them for import_runs.sha256 on their way to COPY. */
export function meter(hash: crypto.Hash, onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      onBytes(chunk.length);
      cb(null, chunk);
    },
  });
}

function isDataError(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  // 22xxx: bad CSV format, invalid or untranslatable bytes; 54000: a line longer than COPY takes.
  return code.startsWith('22') || code === '54000';
}

export async function stageCsv(o: StageOptions): Promise<StagedFile> {
  let size: number;
  try {
    size = fs.statSync(o.file).size;
  } catch (err) {
    throw new FileError(`cannot read ${o.file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const header = readHeader(o.file, o.fields, size);
  const columns = header.keys.map((k, i) => stageColumnName(k, i));
  const present = new Set(header.keys.filter((k): k is string => k !== undefined));
  const allColumns = [...new Set([...o.fields.map((f) => f.key), ...columns])];
  await o.client.query(createStageSql(o.table, allColumns));

  const hash = crypto.createHash('sha256');
  let done = 0;
  const progress = (n: number) => {
    done += n;
    o.onBytes?.(done, size);
  };
  await o.client.query('SAVEPOINT ypq_stage_copy');
  try {
    const copy = o.client.query(copyFrom(copyStageSql(o.table, columns, { header: true, encoding: pgEncoding(header.encoding) }).text));
    if (header.bomLength) hash.update(UTF8_BOM);
    await pipeline(fs.createReadStream(o.file, { start: header.bomLength, highWaterMark: 1 << 20 }), meter(hash, progress), copy);
    await o.client.query('RELEASE SAVEPOINT ypq_stage_copy');
    return {
      table: o.table, encoding: header.encoding, present, rows: Number(copy.rowCount), findings: [],
      sha256: hash.digest('hex'), bytes: size, fallback: false,
    };
  } catch (err) {
    if (!isDataError(err)) throw err;
    await o.client.query('ROLLBACK TO SAVEPOINT ypq_stage_copy');
  }
  return stageWithNode(o, header, columns, present, size);
}

/** The fallback: parse in Node, report broken records, COPY the rest as clean UTF-8 CSV. */
async function stageWithNode(o: StageOptions, header: Header, columns: string[], present: Set<string>, size: number): Promise<StagedFile> {
  const hash = crypto.createHash('sha256');
  let done = 0;
  const findings: Finding[] = [];
  let rows = 0;
  const width = header.names.length;
  const keyIndex = header.keys.indexOf(o.keyField);
  const source = fs.createReadStream(o.file, { highWaterMark: 1 << 20 });
  source.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    done += chunk.length;
    o.onBytes?.(done, size);
  });
  let skipped = 0;
  const withoutBom = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (skipped < header.bomLength) {
        const cut = Math.min(header.bomLength - skipped, chunk.length);
        skipped += cut;
        chunk = chunk.subarray(cut);
      }
      cb(null, chunk);
    },
  });
  const text = source.pipe(withoutBom).pipe(decoderFor(header.encoding));
  const lines = readline.createInterface({ input: text, crlfDelay: Infinity });
  const encName = header.encoding === 'utf8' ? 'UTF-8' : 'GBK/GB18030';

  async function* cleanCsv(): AsyncGenerator<string> {
    let chunk = '';
    let first = true;
    for await (const r of csvRecords(lines, { firstRow: 1 })) {
      if (first) {
        first = false; // the header row, already mapped
        continue;
      }
      rows++;
      if (!r.ok) {
        findings.push({ row: r.row, field: null, code: r.code, message: r.message, severity: 'error', recordKey: null });
        continue;
      }
      const f = r.fields;
      const recordKey = keyIndex >= 0 && keyIndex < f.length ? f[keyIndex].trim() || null : null;
      // Trailing empty fields (a trailing comma) are harmless; missing or extra data is not.
      if (f.length < width || f.slice(width).some((x) => x !== '')) {
        findings.push({
          row: r.row, field: null, code: 'CSV_COLUMNS', severity: 'error', recordKey,
          message: `the row has ${f.length} fields but the header has ${width}`,
        });
        continue;
      }
      const bad = f.findIndex((x, i) => i < width && x.includes('\uFFFD'));
      if (bad >= 0) {
        findings.push({
          row: r.row, field: header.keys[bad] ?? header.names[bad], code: 'ENCODING', severity: 'error', recordKey,
          message: `bytes that are not valid ${encName} (the file's encoding); the value cannot be read`,
        });
        continue;
      }
      chunk += csvRow(String(r.row), f, width);
      if (chunk.length >= 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }

  const copy = o.client.query(copyFrom(copyStageSql(o.table, ['row_no', ...columns], { header: false, encoding: 'UTF8' }).text));
  await pipeline(Readable.from(cleanCsv()), copy);
  return { table: o.table, encoding: header.encoding, present, rows, findings, sha256: hash.digest('hex'), bytes: size, fallback: true };
}

function csvRow(rowNo: string, fields: string[], width: number): string {
  let s = rowNo;
  for (let i = 0; i < width; i++) {
    const v = fields[i];
    // Quote every non-empty value: COPY reads an unquoted empty field as NULL, like the fast path.
    s += v === '' ? ',' : `,"${v.replace(/"/g, '""')}"`;
  }
  return s + '\n';
}
