// Reading a population file: its rows go through row-normaliser.ts and straight into the
// normalised scratch table, by one COPY, while the file streams in.
//
// The fast way reads plain CSV in Node (plain-csv.ts) and writes as it reads. A file it does not
// take — damaged, or merely unusual — is read again the careful way: staged as text by
// reference/csv-stage.ts (PostgreSQL's COPY, or the record-by-record reader that reports broken
// rows), then the staged rows are normalised the same way, in file order.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { readHeader, stageCsv, UTF8_BOM, type Header, type StagedFile } from '../reference/csv-stage.js';
import { FileError, type ReadContext } from '../reference/import-run.js';
import { analyzeSql } from '../reference/import-sql.js';
import { POPULATION_FIELDS } from './person-fields.js';
import { NotPlainCsv, PlainCsv } from './plain-csv.js';
import { copyNormSql, createNormSql, stagedRowsSql, storedPersonsSql } from './population-sql.js';
import { PopulationRows, ROW_KEYS, type StoredPerson } from './row-normaliser.js';
import { rowHashSeed } from './row-hash.js';

export interface PopulationStage extends StagedFile {
  /** Rows left out as unchanged since the last import of their person. */
  unchanged: number;
}

/** Lines handed to COPY at a time. */
const CHUNK_CHARS = 1 << 16;

/** A re-import's stored persons that carry the hash of the row they were set from. */
export async function storedPersons(client: pg.ClientBase): Promise<Map<string, StoredPerson>> {
  const stored = new Map<string, StoredPerson>();
  const lines = new CopyLines((f) => stored.set(f[0]!, { hash: f[1]!, suspect: f[2] === 't' }));
  for await (const chunk of client.query(copyTo(storedPersonsSql().text))) lines.push(chunk as Buffer);
  lines.end();
  return stored;
}

/** Lines of COPY text format → fields (null for \N), across chunk boundaries. */
class CopyLines {
  private tail = '';
  private readonly decoder = new TextDecoder('utf-8');
  constructor(private readonly onLine: (fields: (string | null)[]) => void) {}
  push(chunk: Buffer): void {
    const s = this.tail + this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
      this.onLine(s.slice(start, nl).split('\t').map(unescapeCopy));
      start = nl + 1;
    }
    this.tail = s.slice(start);
  }
  end(): void {
    if (this.tail) throw new Error('COPY output ended inside a line');
  }
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function unescapeCopy(v: string): string | null {
  if (v === '\\N') return null;
  if (!v.includes('\\')) return v;
  // COPY TO writes only these escapes (and \\ for a backslash).
  return v.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

/** Collects lines and hands them out in chunks of about CHUNK_CHARS. */
class Lines {
  private parts: string[] = [];
  private chars = 0;
  add(line: string): void {
    this.parts.push(line);
    this.chars += line.length;
  }
  get full(): boolean {
    return this.chars >= CHUNK_CHARS;
  }
  take(): string {
    const s = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    return s;
  }
}

/** The file as plain CSV, read and normalised in Node, into COPY. NotPlainCsv when it is not plain. */
async function readPlain(r: ReadContext, header: Header, rows: PopulationRows, norm: string, size: number): Promise<{ rows: number; sha256: string }> {
  const columnOf = ROW_KEYS.map((k) => header.keys.indexOf(k));
  const hash = crypto.createHash('sha256');
  if (header.bomLength) hash.update(UTF8_BOM);
  const lines = new Lines();
  let rowNo = 1; // the header
  const csv = new PlainCsv(header.names.length, (fields) => {
    rowNo++;
    const line = rows.add(rowNo, columnOf.map((c) => (c < 0 ? null : fields[c])));
    if (line) lines.add(line);
  });
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const gbk = header.encoding === 'gb18030' ? iconv.getDecoder('gb18030') : null;
  const decode = (b: Buffer | null): string => {
    if (!gbk) {
      try {
        return b ? utf8.decode(b, { stream: true }) : utf8.decode();
      } catch {
        throw new NotPlainCsv('bytes that are not UTF-8');
      }
    }
    const text = b ? gbk.write(b) : (gbk.end() ?? '');
    // iconv-lite writes U+FFFD for bytes that are not GB18030, where COPY would refuse the file.
    if (text.includes('\uFFFD')) throw new NotPlainCsv('bytes that are not GB18030');
    return text;
  };
  let inHeader = true;
  const feed = (text: string) => {
    if (inHeader) {
      const nl = text.indexOf('\n');
      if (nl < 0) throw new NotPlainCsv('no line break after the header');
      text = text.slice(nl + 1);
      inHeader = false;
    }
    csv.push(text);
  };
  let done = 0;
  async function* normalised(): AsyncGenerator<string> {
    for await (const chunk of fs.createReadStream(r.file, { start: header.bomLength, highWaterMark: 1 << 20 })) {
      const b = chunk as Buffer;
      hash.update(b);
      done += b.length;
      r.onBytes(done, size);
      feed(decode(b));
      if (lines.full) yield lines.take();
    }
    feed(decode(null));
    csv.end();
    yield lines.take();
  }
  // A NotPlainCsv thrown here fails the COPY (CopyFail), and the caller rolls it back.
  await pipeline(normalised, r.client.query(copyFrom(copyNormSql(norm).text)));
  return { rows: rowNo - 1, sha256: hash.digest('hex') };
}

/** The careful way: staged as text (csv-stage.ts), then the staged rows normalised in file order. */
async function readStaged(r: ReadContext, rows: PopulationRows, norm: string): Promise<StagedFile> {
  const stage = await stageCsv({
    client: r.client, file: r.file, table: r.scratch('raw'), fields: POPULATION_FIELDS, keyField: 'pid', onBytes: r.onBytes,
  });
  // The rows wait in memory: one connection cannot read one COPY while writing another. Files
  // that come this way are the damaged ones, seldom the large ones.
  const lines = new Lines();
  const chunks: string[] = [];
  const copyLines = new CopyLines((f) => {
    const line = rows.add(Number(f[0]), f.slice(1));
    if (!line) return;
    lines.add(line);
    if (lines.full) chunks.push(lines.take());
  });
  for await (const chunk of r.client.query(copyTo(stagedRowsSql(stage.table).text))) copyLines.push(chunk as Buffer);
  copyLines.end();
  chunks.push(lines.take());
  await pipeline(Readable.from(chunks), r.client.query(copyFrom(copyNormSql(norm).text)));
  return stage;
}

/**
 * Reads the file into the normalised scratch table `norm` (created here). `stored` holds a
 * re-import's persons that may be unchanged (empty for a first load).
 */
export async function readPopulation(r: ReadContext, norm: string, stored: Map<string, StoredPerson>): Promise<PopulationStage> {
  const { client } = r;
  let size: number;
  try {
    size = fs.statSync(r.file).size;
  } catch (err) {
    throw new FileError(`cannot read ${r.file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const header = readHeader(r.file, POPULATION_FIELDS, size);
  const present = new Set(header.keys.filter((k): k is string => k !== undefined));
  const seed = rowHashSeed(ROW_KEYS.filter((k) => present.has(k)));
  await client.query(createNormSql(norm));
  await client.query('SAVEPOINT ypq_population_read');
  let result: PopulationStage;
  try {
    const rows = new PopulationRows(seed, stored);
    const plain = await readPlain(r, header, rows, norm, size);
    result = {
      table: norm, encoding: header.encoding, present, rows: plain.rows, findings: rows.findings, sha256: plain.sha256,
      bytes: size, fallback: false, unchanged: rows.skipped,
    };
  } catch (err) {
    if (!(err instanceof NotPlainCsv)) throw err;
    r.log.info({ reason: err.message }, 'not plain CSV: staging the file first');
    await client.query('ROLLBACK TO SAVEPOINT ypq_population_read');
    const rows = new PopulationRows(seed, stored);
    const stage = await readStaged(r, rows, norm);
    result = { ...stage, table: norm, findings: [...stage.findings, ...rows.findings], unchanged: rows.skipped };
  }
  await client.query('RELEASE SAVEPOINT ypq_population_read');
  await client.query(analyzeSql(norm));
  return result;
}
