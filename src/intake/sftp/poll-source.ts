// One poll of one agency's SFTP drop: list, keep the complete files, fetch each, ingest it, and
// only then move it on the server. Every step before the move can fail or crash without harm:
// the file stays where it was and the next poll takes it again; after a commit, the committed
// batch (same agency, file name and sha256) is recognised and the file is only moved.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import type SftpClient from 'ssh2-sftp-client';
import { formatFromName } from '../../adapters/index.js';
import { AppError } from '../../errors.js';
import { ingest } from '../ingest.js';
import { connectSource, SftpError } from './connect.js';
import { announcedDigest, download, ensureFolder, freeName, inFolder, listComplete, moveInto, type RemoteFile } from './remote-files.js';
import { routeMatcher } from './routes.js';
import { recordPollSql, tryLockSourceSql, unlockSourceSql, type SftpSource } from './source-store.js';

export interface PollDeps {
  pool: pg.Pool;
  log: Logger;
  dataDir: string;
  /** Where password and passphrase variables are looked up (process.env by default). */
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export type FileOutcome =
  | { file: string; outcome: 'processed' | 'already-committed'; batchId: number; movedTo: string }
  /** batchId is null when the file was refused before a batch began (e.g. XML for a CSV-only feed). */
  | { file: string; outcome: 'rejected'; batchId: number | null; movedTo: string }
  | { file: string; outcome: 'left'; reason: string }
  | { file: string; outcome: 'error'; reason: string };

export interface PollResult {
  sourceId: number;
  /** 'busy': another process holds this source's poll right now; nothing was done. */
  status: 'done' | 'busy';
  files: FileOutcome[];
  /** Files seen changing between the two looks. */
  growing: string[];
  /** What went wrong, as recorded in sftp_sources.last_error; absent when nothing did. */
  error?: string;
}

export function committedBatchSql(agency: string, fileName: string, sha256: string) {
  return {
    text: `SELECT id FROM batches
           WHERE agency = $1 AND file_name = $2 AND sha256 = $3 AND status = 'committed'
           ORDER BY id DESC LIMIT 1`,
    values: [agency, fileName, sha256],
  };
}

export async function pollSource(deps: PollDeps, source: SftpSource): Promise<PollResult> {
  const lock = await deps.pool.connect();
  let locked = false;
  let broken: Error | undefined;
  try {
    locked = (await lock.query(tryLockSourceSql(source.id))).rows[0].locked === true;
    if (!locked) return { sourceId: source.id, status: 'busy', files: [], growing: [] };
    const result = await pollLocked(deps, source);
    await deps.pool.query(recordPollSql(source.id, result.error ?? null));
    return result;
  } finally {
    if (locked) await lock.query(unlockSourceSql(source.id)).catch((err: Error) => (broken = err));
    lock.release(broken);
  }
}

interface Ctx {
  deps: PollDeps;
  source: SftpSource;
  sftp: SftpClient;
  log: Logger;
  tmpDir: string;
  processedDir: string;
  rejectedDir: string;
}

async function pollLocked(deps: PollDeps, source: SftpSource): Promise<PollResult> {
  const log = deps.log.child({ sourceId: source.id, agency: source.agency });
  const result: PollResult = { sourceId: source.id, status: 'done', files: [], growing: [] };
  // Holding the source's lock, nothing else uses its temp folder: leftovers are from a crash.
  const tmpDir = path.join(deps.dataDir, 'tmp', 'sftp', String(source.id));
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });

  let sftp: SftpClient;
  try {
    sftp = await connectSource(source, { env: deps.env ?? process.env, dataDir: deps.dataDir, log, readyTimeoutMs: deps.readyTimeoutMs });
  } catch (err) {
    log.error({ err }, 'SFTP connection failed');
    return { ...result, error: (err as Error).message };
  }
  const problems: string[] = [];
  try {
    const listing = await listComplete(sftp, source.folder, routeMatcher(source.routes), source.settleMs);
    result.growing = listing.growing;
    if (listing.growing.length) log.info({ files: listing.growing }, 'files still being written; left for the next poll');
    if (listing.stable.length === 0) return result;

    const ctx: Ctx = {
      deps, source, sftp, log, tmpDir,
      processedDir: inFolder(source.folder, source.processedFolder),
      rejectedDir: inFolder(source.folder, source.rejectedFolder),
    };
    await ensureFolder(sftp, ctx.processedDir);
    await ensureFolder(sftp, ctx.rejectedDir);
    for (const f of listing.stable) {
      const outcome = await takeFile(ctx, f).catch((err: Error): FileOutcome => ({ file: f.name, outcome: 'error', reason: err.message }));
      result.files.push(outcome);
      if (outcome.outcome === 'error') {
        problems.push(`${f.name}: ${outcome.reason}`);
        log.error({ file: f.name, reason: outcome.reason }, 'SFTP file not taken; it stays for the next poll');
        // When the session is gone, the remaining files wait for the next poll.
        if (!(await sftp.cwd().then(() => true, () => false))) break;
      }
    }
  } catch (err) {
    problems.push(err instanceof SftpError ? err.message : `SFTP error in ${source.folder}: ${(err as Error).message}`);
    log.error({ err }, 'SFTP poll failed');
  } finally {
    await sftp.end().catch(() => undefined);
  }
  return problems.length ? { ...result, error: problems.join('; ') } : result;
}

async function takeFile(ctx: Ctx, f: RemoteFile): Promise<FileOutcome> {
  const { deps, source, sftp, log } = ctx;
  const local = path.join(ctx.tmpDir, `${crypto.randomUUID()}${path.extname(f.name)}`);
  try {
    const got = await download(sftp, f.path, local);
    if (got.bytes !== f.size) {
      log.info({ file: f.name, listed: f.size, read: got.bytes }, 'file changed while downloading; left for the next poll');
      return { file: f.name, outcome: 'left', reason: 'changed while downloading' };
    }
    if (f.checksumFile) {
      const announced = await announcedDigest(sftp, source.folder, f.checksumFile);
      const actual = f.checksumFile.algorithm === 'sha256' ? got.sha256 : got.md5;
      if (announced !== actual) {
        // Either the upload is not finished or the file is damaged: not ours to decide, so it waits.
        throw new SftpError('incomplete', `${f.checksumFile.name} announces ${announced ?? 'no readable digest'}, the file has ${actual}; left in place`);
      }
    }

    const prior = (await deps.pool.query(committedBatchSql(source.agency, f.name, got.sha256))).rows[0]?.id as number | undefined;
    if (prior !== undefined) {
      const movedTo = await moveAfterCommit(ctx, f, prior);
      log.info({ file: f.name, batchId: prior, movedTo }, 'file was already committed; moved without a new batch');
      return { file: f.name, outcome: 'already-committed', batchId: prior, movedTo };
    }

    let batch;
    try {
      batch = await ingest(
        { pool: deps.pool, log },
        {
          agency: source.agency,
          feed: f.route.feed,
          channel: 'sftp',
          fileName: f.name,
          format: formatFromName(f.name),
          input: fs.createReadStream(local),
          actor: `sftp:${source.agency}`,
        },
      );
    } catch (err) {
      // What is wrong with the file itself goes back to the agency; anything else (the agency
      // not allowed the feed, the database away) is ours to fix, and the file waits.
      if (err instanceof AppError && FILE_ERRORS.has(err.code)) {
        return await reject(ctx, f, { batchId: null, sha256: got.sha256, code: err.code, message: err.message });
      }
      throw new Error(`not ingested: ${(err as Error).message}`, { cause: err });
    }
    if (batch.status === 'committed') {
      const movedTo = await moveAfterCommit(ctx, f, batch.batchId);
      log.info({ file: f.name, batchId: batch.batchId, counts: batch.counts, movedTo }, 'SFTP file ingested');
      return { file: f.name, outcome: 'processed', batchId: batch.batchId, movedTo };
    }
    return await reject(ctx, f, { batchId: batch.batchId, sha256: got.sha256, code: batch.error?.code ?? 'YPQ_UNPARSEABLE', message: batch.error?.message ?? 'no reason given' });
  } finally {
    fs.rmSync(local, { force: true });
  }
}

/** Codes of ingest errors that say the file as a whole cannot be taken as this feed. */
const FILE_ERRORS = new Set<string>(['YPQ_UNPARSEABLE', 'YPQ_UNSUPPORTED_MEDIA']);

interface Rejection {
  batchId: number | null;
  sha256: string;
  code: string;
  message: string;
}

/** The reason goes beside the file, written before the move: a rejected file is never found without it. */
async function reject(ctx: Ctx, f: RemoteFile, r: Rejection): Promise<FileOutcome> {
  const name = await freeName(ctx.sftp, ctx.rejectedDir, f.name);
  await ctx.sftp.put(Buffer.from(errorText(ctx.source, f, r), 'utf8'), path.posix.join(ctx.rejectedDir, `${name}.error.txt`));
  const movedTo = await moveInto(ctx.sftp, f, ctx.source.folder, ctx.rejectedDir, name);
  ctx.log.warn({ file: f.name, batchId: r.batchId, code: r.code, movedTo }, 'SFTP file rejected');
  return { file: f.name, outcome: 'rejected', batchId: r.batchId, movedTo };
}

async function moveAfterCommit(ctx: Ctx, f: RemoteFile, batchId: number): Promise<string> {
  try {
    return await moveInto(ctx.sftp, f, ctx.source.folder, ctx.processedDir);
  } catch (err) {
    throw new SftpError('remote', `committed as batch ${batchId}, but the move to ${ctx.processedDir} failed (the next poll moves it): ${(err as Error).message}`, { cause: err });
  }
}

function errorText(s: SftpSource, f: RemoteFile, r: Rejection): string {
  return [
    'yipanqi could not read this file; no record of it was stored.',
    '',
    `file:    ${f.name}`,
    `agency:  ${s.agency}`,
    `feed:    ${f.route.feed}`,
    `sha256:  ${r.sha256}`,
    `batch:   ${r.batchId ?? 'none'}`,
    `time:    ${new Date().toISOString()}`,
    `reason:  ${r.code}: ${r.message}`,
    '',
  ].join('\n');
}
