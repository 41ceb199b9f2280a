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
import { readHeader, stageCsv, UTF8_BOM, type Finding, type Header, type StagedFile } from '../reference/csv-stage.js';
import { FileError, type ReadContext } from '../reference/import-run.js';
import { analyzeSql } from '../reference/import-sql.js';
import { POPULATION_FIELDS } from './person-fields.js';
import { NotPlainCsv, PlainCsv, RecordBlocks } from './plain-csv.js';
import { copyNormSql, copyPersonsSql, createNormSql, stagedRowsSql, storedHashesSql, storedSuspectsSql } from './population-sql.js';
import { LineBuffer, TextOf, type BlockSpec, type NormalisedBlock } from './block-normaliser.js';
import { NormaliserPool } from './normaliser-pool.js';
import { FirstLoadLinks, PopulationRows, rowFindings, suspectWarning, withDuplicate, type Fate, type StoredRows } from './file-order.js';
import { ownCopy, ROW_KEYS, RowNormaliser } from './row-normaliser.js';
import { rowHashSeed } from './row-hash.js';

export interface PopulationStage extends StagedFile {
  /** Rows left out as unchanged since the last import of their person. */
  unchanged: number;
  /** A first load's: persons written while reading, and the family links worked out. */
  firstLoad: { inserted: number; links: FirstLoadLinks } | null;
}

/** Bytes handed to COPY at a time. */
const CHUNK_BYTES = 1 << 18;

/** What a re-import compares with: the hashes the persons carry, and who of them is suspect. */
export async function storedRows(client: pg.ClientBase): Promise<StoredRows> {
  const hashes = new Set<string>();
  const lines = new CopyLines((f) => hashes.add(ownCopy(f[0]!)));
  for await (const chunk of client.query(copyTo(storedHashesSql().text))) lines.push(chunk as Buffer);
  lines.end();
  const suspect = new Set((await client.query(storedSuspectsSql())).rows.map((r) => r.pid as string));
  return { hashes, suspect };
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

/** Blocks sent to the workers and not yet written to COPY. */
const MAX_BLOCKS_OUT = 6;

/** How the reading is shared out; tests set small values to put small files through the workers. */
export const readTuning = {
  /** Files below this are normalised on the calling thread: starting workers costs more. */
  workersFromBytes: 32 << 20,
  /** Blocks of about this many bytes go to the workers. */
  blockBytes: 1 << 20,
};

/**
 * Where the rows go, and the decisions that need them in file order (PopulationRows): a first
 * load writes its good rows straight into persons (and keeps the rest as findings), otherwise
 * every row that is not skipped goes to the normalised table, numbered.
 */
class RowSink {
  readonly out = new LineBuffer(CHUNK_BYTES + (1 << 16));
  /** A first load's findings about its rows (a re-import's are worked out from the table). */
  readonly findings: Finding[] = [];
  /** A first load's persons written. */
  loaded = 0;

  constructor(
    readonly rows: PopulationRows,
    /** A first load's run and links; null: a re-import (into the normalised table). */
    readonly firstLoad: { runId: number; links: FirstLoadLinks } | null,
  ) {}

  /** A row normalised on this thread. A re-import decides first, and so skips most rows' work. */
  here(rowNo: number, n: RowNormaliser, fields: (string | null)[], columnOf: number[]): void {
    n.key(fields, columnOf);
    // A field here is a view into a megabyte of the file's text (ownCopy); a worker's pids are not.
    const pid = n.pid === null ? null : ownCopy(n.pid);
    // (Whether a row is good matters only to a first load's links; a re-import's rows are not.)
    const early = this.rows.mayskip ? this.rows.fate(rowNo, pid, n.hash, true) : null;
    if (early === 'skip') return;
    n.compute(fields, columnOf);
    const fate = early ?? this.rows.fate(rowNo, pid, n.hash, n.good);
    if (this.firstLoad) {
      this.first(rowNo, fate, pid, n.suspect ? 2 : n.good ? 1 : 0, n.links, n.good ? '' : n.problemsWithKey(), n.good ? n.personsLine(this.firstLoad.runId) : null);
    } else this.norm(rowNo, fate, pid, n.normLine());
  }

  /** A block from a worker (block-normaliser.ts), its first row numbered firstRowNo. */
  block(b: NormalisedBlock, firstRowNo: number): void {
    const pids = b.pids.split('\0');
    const hashes = b.hashes.split(',');
    const links = this.firstLoad ? b.links.split('\0') : null;
    const problems = this.firstLoad ? b.problems.split('\0') : null;
    let start = 0;
    for (let i = 0; i < b.rows; i++) {
      const rowNo = firstRowNo + i;
      const end = b.ends[i];
      const pid = pids[i] === '' ? null : pids[i];
      const good = b.goods.charCodeAt(i) - 48; // '0', '1', '2'
      const fate = this.rows.fate(rowNo, pid, hashes[i], good > 0);
      const line = b.lines.subarray(start, end);
      if (this.firstLoad) this.first(rowNo, fate, pid, good, links![i], problems![i], good > 0 ? line : null);
      else this.norm(rowNo, fate, pid, line);
      start = end;
    }
  }

  private norm(rowNo: number, fate: Fate, pid: string | null, line: string | Uint8Array): void {
    if (fate === 'skip') return;
    this.out.add(String(rowNo));
    if (fate === 'duplicate') {
      const text = typeof line === 'string' ? line : Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8');
      this.out.add(withDuplicate(text, pid!, this.rows.firstRow));
    } else if (typeof line === 'string') this.out.add(line);
    else this.out.addBytes(line);
  }

  /** @param good 0 a row with errors, 1 a good one, 2 a good one with a suspect ID number */
  private first(rowNo: number, fate: Fate, pid: string | null, good: number, links: string, problems: string, line: string | Uint8Array | null): void {
    if (fate === 'duplicate') {
      this.findings.push(...rowFindings(rowNo, problems || JSON.stringify([pid, {}]), { pid: pid!, firstRow: this.rows.firstRow }));
    } else if (good === 0) {
      this.findings.push(...rowFindings(rowNo, problems, null));
    } else {
      if (typeof line === 'string') this.out.add(line);
      else this.out.addBytes(line!);
      this.loaded++;
      if (good === 2) this.findings.push(suspectWarning(rowNo, pid!));
      this.firstLoad!.links.add(rowNo, pid!, links);
    }
  }
}

/**
 * The file as plain CSV, read and normalised in Node, into COPY; NotPlainCsv when it is not
 * plain. Blocks of a large first load are normalised by worker threads. A re-import reads on
 * this thread instead: most of its rows are skipped before they are normalised, which only this
 * thread can decide (it holds the stored hashes).
 */
async function readPlain(r: ReadContext, header: Header, spec: BlockSpec, sink: RowSink, target: string, size: number): Promise<{ rows: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  if (header.bomLength) hash.update(UTF8_BOM);
  const workers = size >= readTuning.workersFromBytes && !sink.rows.mayskip ? Math.min(2, os.availableParallelism()) : 0;
  const pool = workers > 0 ? new NormaliserPool(spec, workers) : null;
  let rowNo = 2; // the next row's number (the header is line 1)
  const pending: Promise<NormalisedBlock>[] = [];
  const here = new RowNormaliser(spec.seed);
  const csv = new PlainCsv(spec.width, (fields) => sink.here(rowNo++, here, fields, spec.columnOf));
  const text = new TextOf(header.encoding);
  async function* normalised(): AsyncGenerator<Buffer> {
    const blocks = new RecordBlocks(readTuning.blockBytes);
    let first = true;
    let inHeader = true;
    let done = 0;
    for await (const chunk of fs.createReadStream(r.file, { start: header.bomLength, highWaterMark: 1 << 20 })) {
      const c = chunk as Buffer;
      hash.update(c);
      done += c.length;
      r.onBytes(done, size);
      if (pool) {
        for (const b of blocks.push(c)) {
          const p = pool.normalise(b, first);
          p.catch(() => undefined); // awaited in order below; meanwhile a failure must not count as unhandled
          pending.push(p);
          first = false;
        }
        while (pending.length > MAX_BLOCKS_OUT) {
          const b = await pending.shift()!;
          sink.block(b, rowNo);
          rowNo += b.rows;
        }
      } else {
        let t = text.decode(c);
        if (inHeader) {
          const nl = t.indexOf('\n');
          if (nl < 0) throw new NotPlainCsv('no line break after the header');
          t = t.slice(nl + 1);
          inHeader = false;
        }
        csv.push(t);
      }
      if (sink.out.used >= CHUNK_BYTES) yield sink.out.take();
    }
    if (pool) {
      const last = blocks.end();
      if (last) pending.push(pool.normalise(last, first));
      while (pending.length) {
        const b = await pending.shift()!;
        sink.block(b, rowNo);
        rowNo += b.rows;
        if (sink.out.used >= CHUNK_BYTES) yield sink.out.take();
      }
    } else {
      csv.push(text.decode(null));
      csv.end();
    }
    yield sink.out.take();
  }
  try {
    // A NotPlainCsv thrown here fails the COPY (CopyFail), and the caller rolls it back.
    await pipeline(normalised, r.client.query(copyFrom(target)));
  } finally {
    await pool?.close();
  }
  return { rows: rowNo - 2, sha256: hash.digest('hex') };
}

/** The careful way: staged as text (csv-stage.ts), then the staged rows normalised in file order. */
async function readStaged(r: ReadContext, spec: BlockSpec, sink: RowSink, target: string): Promise<StagedFile> {
  const stage = await stageCsv({
    client: r.client, file: r.file, table: r.scratch('raw'), fields: POPULATION_FIELDS, keyField: 'pid', onBytes: r.onBytes,
  });
  // The rows wait in memory: one connection cannot read one COPY while writing another. Files
  // that come this way are the damaged ones, seldom the large ones.
  const normaliser = new RowNormaliser(spec.seed);
  const columnOf = ROW_KEYS.map((_, i) => i + 1); // after row_no
  const chunks: Buffer[] = [];
  const copyLines = new CopyLines((f) => {
    sink.here(Number(f[0]), normaliser, f, columnOf);
    if (sink.out.used >= CHUNK_BYTES) chunks.push(sink.out.take());
  });
  for await (const chunk of r.client.query(copyTo(stagedRowsSql(stage.table).text))) copyLines.push(chunk as Buffer);
  copyLines.end();
  chunks.push(sink.out.take());
  await pipeline(Readable.from(chunks), r.client.query(copyFrom(target)));
  return stage;
}

/**
 * Reads the file: into persons when `firstLoadRun` is given (a first load, whose constraints the
 * caller has deferred), else into the normalised scratch table `norm` (created here). `stored`:
 * what a re-import compares with (NOTHING_STORED for a first load).
 */
export async function readPopulation(r: ReadContext, norm: string, stored: StoredRows, firstLoadRun: number | null): Promise<PopulationStage> {
  const { client } = r;
  let size: number;
  try {
    size = fs.statSync(r.file).size;
  } catch (err) {
    throw new FileError(`cannot read ${r.file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const header = readHeader(r.file, POPULATION_FIELDS, size);
  const present = new Set(header.keys.filter((k): k is string => k !== undefined));
  const spec: BlockSpec = {
    seed: rowHashSeed(ROW_KEYS.filter((k) => present.has(k))), encoding: header.encoding, width: header.names.length,
    columnOf: ROW_KEYS.map((k) => header.keys.indexOf(k)), firstLoadRun,
  };
  if (firstLoadRun === null) await client.query(createNormSql(norm));
  const target = firstLoadRun === null ? copyNormSql(norm).text : copyPersonsSql().text;
  const newSink = () => {
    const rows = new PopulationRows(stored);
    return new RowSink(rows, firstLoadRun === null ? null : { runId: firstLoadRun, links: new FirstLoadLinks(rows) });
  };
  await client.query('SAVEPOINT ypq_population_read');
  let sink = newSink();
  let read: { rows: number; sha256: string; findings: Finding[]; fallback: boolean; encoding: StagedFile['encoding'] };
  try {
    const plain = await readPlain(r, header, spec, sink, target, size);
    read = { ...plain, findings: [], fallback: false, encoding: header.encoding };
  } catch (err) {
    if (!(err instanceof NotPlainCsv)) throw err;
    r.log.info({ reason: err.message }, 'not plain CSV: staging the file first');
    await client.query('ROLLBACK TO SAVEPOINT ypq_population_read');
    sink = newSink();
    const stage = await readStaged(r, spec, sink, target);
    read = { rows: stage.rows, sha256: stage.sha256, findings: stage.findings, fallback: stage.fallback, encoding: stage.encoding };
  }
  await client.query('RELEASE SAVEPOINT ypq_population_read');
  if (firstLoadRun === null) await client.query(analyzeSql(norm));
  return {
    table: norm, encoding: read.encoding, present, rows: read.rows, sha256: read.sha256, bytes: size, fallback: read.fallback,
    findings: [...read.findings, ...sink.rows.findings, ...sink.findings], unchanged: sink.rows.skipped,
    firstLoad: sink.firstLoad && { inserted: sink.loaded, links: sink.firstLoad.links },
  };
}
