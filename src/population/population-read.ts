// Reading a population file: its rows go through row-normaliser.ts and straight into the
// normalised scratch table, by one COPY, while the file streams in.
//
// The fast way reads plain CSV in Node (plain-csv.ts) and writes as it reads. A file it does not
// take — damaged, or merely unusual — is read again the careful way: staged as text by
// reference/csv-stage.ts (PostgreSQL's COPY, or the record-by-record reader that reports broken
// rows), then the staged rows are normalised the same way, in file order.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { readHeader, stageCsv, UTF8_BOM, type Header, type StagedFile } from '../reference/csv-stage.js';
import { FileError, type ReadContext } from '../reference/import-run.js';
import { analyzeSql } from '../reference/import-sql.js';
import { POPULATION_FIELDS } from './person-fields.js';
import { NotPlainCsv, PlainCsv, RecordBlocks } from './plain-csv.js';
import { copyNormSql, createNormSql, stagedRowsSql, storedPersonsSql } from './population-sql.js';
import { LineBuffer, TextOf, type BlockSpec, type NormalisedBlock } from './block-normaliser.js';
import { NormaliserPool } from './normaliser-pool.js';
import { ownCopy, PopulationRows, ROW_KEYS, RowNormaliser, withDuplicate, type StoredPerson } from './row-normaliser.js';
import { rowHashSeed } from './row-hash.js';

export interface PopulationStage extends StagedFile {
  /** Rows left out as unchanged since the last import of their person. */
  unchanged: number;
}

/** Bytes handed to COPY at a time. */
const CHUNK_BYTES = 1 << 18;

/** A re-import's stored persons that carry the hash of the row they were set from. */
export async function storedPersons(client: pg.ClientBase): Promise<Map<string, StoredPerson>> {
  const stored = new Map<string, StoredPerson>();
  const lines = new CopyLines((f) => stored.set(ownCopy(f[0]!), { hash: ownCopy(f[1]!), suspect: f[2] === 't' }));
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

/** Blocks of about this many bytes go to the workers. */
const BLOCK_BYTES = 1 << 20;
/** Blocks sent to the workers and not yet written to COPY. */
const MAX_BLOCKS_OUT = 6;
/** Files below this are normalised on the calling thread: starting workers costs more. */
const WORKERS_FROM_BYTES = 8 << 20;

/** Writes a block's lines to `out` in file order, numbered, with the decisions that need that order. */
function emit(b: NormalisedBlock, firstRowNo: number, rows: PopulationRows, out: LineBuffer): void {
  const pids = b.pids.split('\0');
  const hashes = b.hashes.split(',');
  let start = 0;
  for (let i = 0; i < b.rows; i++) {
    const rowNo = firstRowNo + i;
    const end = b.ends[i];
    const pid = pids[i] === '' ? null : pids[i];
    const fate = rows.fate(rowNo, pid, hashes[i]);
    if (fate === 'load') {
      out.add(String(rowNo));
      out.addBytes(b.lines.subarray(start, end));
    } else if (fate === 'duplicate') {
      out.add(String(rowNo) + withDuplicate(Buffer.from(b.lines.buffer, b.lines.byteOffset + start, end - start).toString('utf8'), pid!, rows.firstRow));
    }
    start = end;
  }
}

/**
 * The file as plain CSV, read and normalised in Node, into COPY; NotPlainCsv when it is not
 * plain. Blocks of a large file are normalised by worker threads. A re-import reads on this
 * thread instead: most of its rows are skipped before they are normalised, which only this thread
 * can decide (it holds the stored persons).
 */
async function readPlain(r: ReadContext, header: Header, rows: PopulationRows, seed: string, norm: string, size: number): Promise<{ rows: number; sha256: string }> {
  const spec: BlockSpec = { seed, encoding: header.encoding, width: header.names.length, columnOf: ROW_KEYS.map((k) => header.keys.indexOf(k)) };
  const workers = size >= WORKERS_FROM_BYTES && !rows.mayskip ? Math.min(2, os.availableParallelism()) : 0;
  if (workers === 0) return readPlainHere(r, header, spec, rows, norm, size);
  const pool = new NormaliserPool(spec, workers);
  const hash = crypto.createHash('sha256');
  if (header.bomLength) hash.update(UTF8_BOM);
  let rowNo = 2; // the next row's number (the header is line 1)
  const out = new LineBuffer(CHUNK_BYTES + (1 << 16));
  const pending: Promise<NormalisedBlock>[] = [];
  const send = (block: Buffer, first: boolean) => {
    const p = pool.normalise(block, first);
    p.catch(() => undefined); // awaited in order below; this only keeps a later block's failure from counting as unhandled meanwhile
    pending.push(p);
  };
  async function* normalised(): AsyncGenerator<Buffer> {
    const blocks = new RecordBlocks(BLOCK_BYTES);
    let first = true;
    let done = 0;
    const drain = async function* (keep: number) {
      while (pending.length > keep) {
        const b = await pending.shift()!;
        emit(b, rowNo, rows, out);
        rowNo += b.rows;
        if (out.used >= CHUNK_BYTES) yield out.take();
      }
    };
    for await (const chunk of fs.createReadStream(r.file, { start: header.bomLength, highWaterMark: 1 << 20 })) {
      const c = chunk as Buffer;
      hash.update(c);
      done += c.length;
      r.onBytes(done, size);
      for (const b of blocks.push(c)) {
        send(b, first);
        first = false;
      }
      yield* drain(MAX_BLOCKS_OUT);
    }
    const last = blocks.end();
    if (last) send(last, first);
    yield* drain(0);
    yield out.take();
  }
  try {
    // A NotPlainCsv thrown here fails the COPY (CopyFail), and the caller rolls it back.
    await pipeline(normalised, r.client.query(copyFrom(copyNormSql(norm).text)));
  } finally {
    await pool.close();
  }
  return { rows: rowNo - 2, sha256: hash.digest('hex') };
}

/** readPlain on this thread: each row's fate is decided before it is normalised. */
async function readPlainHere(r: ReadContext, header: Header, spec: BlockSpec, rows: PopulationRows, norm: string, size: number): Promise<{ rows: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  if (header.bomLength) hash.update(UTF8_BOM);
  const normaliser = new RowNormaliser(spec.seed);
  const out = new LineBuffer(CHUNK_BYTES + (1 << 16));
  let rowNo = 1; // the header
  const csv = new PlainCsv(spec.width, (fields) => {
    rowNo++;
    normaliser.key(fields, spec.columnOf);
    const fate = rows.fate(rowNo, normaliser.pid, normaliser.hash);
    if (fate === 'skip') return;
    let line = normaliser.line(fields, spec.columnOf);
    if (fate === 'duplicate') line = withDuplicate(line, normaliser.pid!, rows.firstRow);
    out.add(String(rowNo) + line);
  });
  const text = new TextOf(header.encoding);
  async function* normalised(): AsyncGenerator<Buffer> {
    let done = 0;
    let inHeader = true;
    for await (const chunk of fs.createReadStream(r.file, { start: header.bomLength, highWaterMark: 1 << 20 })) {
      const c = chunk as Buffer;
      hash.update(c);
      done += c.length;
      r.onBytes(done, size);
      let t = text.decode(c);
      if (inHeader) {
        const nl = t.indexOf('\n');
        if (nl < 0) throw new NotPlainCsv('no line break after the header');
        t = t.slice(nl + 1);
        inHeader = false;
      }
      csv.push(t);
      if (out.used >= CHUNK_BYTES) yield out.take();
    }
    csv.push(text.decode(null));
    csv.end();
    yield out.take();
  }
  // A NotPlainCsv thrown here fails the COPY (CopyFail), and the caller rolls it back.
  await pipeline(normalised, r.client.query(copyFrom(copyNormSql(norm).text)));
  return { rows: rowNo - 1, sha256: hash.digest('hex') };
}

/** The careful way: staged as text (csv-stage.ts), then the staged rows normalised in file order. */
async function readStaged(r: ReadContext, rows: PopulationRows, seed: string, norm: string): Promise<StagedFile> {
  const stage = await stageCsv({
    client: r.client, file: r.file, table: r.scratch('raw'), fields: POPULATION_FIELDS, keyField: 'pid', onBytes: r.onBytes,
  });
  // The rows wait in memory: one connection cannot read one COPY while writing another. Files
  // that come this way are the damaged ones, seldom the large ones.
  const normaliser = new RowNormaliser(seed);
  const columnOf = ROW_KEYS.map((_, i) => i + 1); // after row_no
  const out = new LineBuffer(CHUNK_BYTES);
  const chunks: Buffer[] = [];
  const copyLines = new CopyLines((f) => {
    const rowNo = Number(f[0]);
    normaliser.key(f, columnOf);
    const fate = rows.fate(rowNo, normaliser.pid, normaliser.hash);
    if (fate === 'skip') return;
    let line = normaliser.line(f, columnOf);
    if (fate === 'duplicate') line = withDuplicate(line, normaliser.pid!, rows.firstRow);
    out.add(String(rowNo) + line);
    if (out.used >= CHUNK_BYTES) chunks.push(out.take());
  });
  for await (const chunk of r.client.query(copyTo(stagedRowsSql(stage.table).text))) copyLines.push(chunk as Buffer);
  copyLines.end();
  chunks.push(out.take());
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
    const rows = new PopulationRows(stored);
    const plain = await readPlain(r, header, rows, seed, norm, size);
    result = {
      table: norm, encoding: header.encoding, present, rows: plain.rows, findings: rows.findings, sha256: plain.sha256,
      bytes: size, fallback: false, unchanged: rows.skipped,
    };
  } catch (err) {
    if (!(err instanceof NotPlainCsv)) throw err;
    r.log.info({ reason: err.message }, 'not plain CSV: staging the file first');
    await client.query('ROLLBACK TO SAVEPOINT ypq_population_read');
    const rows = new PopulationRows(stored);
    const stage = await readStaged(r, rows, seed, norm);
    result = { ...stage, table: norm, findings: [...stage.findings, ...rows.findings], unchanged: rows.skipped };
  }
  await client.query('RELEASE SAVEPOINT ypq_population_read');
  await client.query(analyzeSql(norm));
  return result;
}
