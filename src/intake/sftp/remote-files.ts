// Operations on one drop folder: which files are complete, fetching one with its digests,
// and moving it on without overwriting anything that is already there.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type SftpClient from 'ssh2-sftp-client';
import { SftpError } from './connect.js';
import type { FeedRoute, RouteMatcher } from './routes.js';

const posix = path.posix;

export interface RemoteFile {
  name: string;
  path: string;
  size: number;
  /** Milliseconds, but SFTP v3 only carries whole seconds. */
  mtime: number;
  route: FeedRoute;
  /** A companion "<name>.sha256" or "<name>.md5" in the same folder. */
  checksumFile?: { name: string; algorithm: 'sha256' | 'md5' };
}

export interface Listing {
  /** Unchanged across both looks: safe to take. */
  stable: RemoteFile[];
  /** Changed between the looks (still being written): left for the next poll. */
  growing: string[];
}

export function inFolder(folder: string, sub: string): string {
  return posix.isAbsolute(sub) ? sub : posix.join(folder, sub);
}

async function look(sftp: SftpClient, folder: string, match: RouteMatcher): Promise<RemoteFile[]> {
  const entries = await sftp.list(folder);
  const names = new Set(entries.map((e) => e.name));
  const files: RemoteFile[] = [];
  for (const e of entries) {
    if (e.type !== '-') continue;
    const route = match(e.name);
    if (!route) continue;
    const f: RemoteFile = { name: e.name, path: posix.join(folder, e.name), size: e.size, mtime: e.modifyTime, route };
    if (names.has(`${e.name}.sha256`)) f.checksumFile = { name: `${e.name}.sha256`, algorithm: 'sha256' };
    else if (names.has(`${e.name}.md5`)) f.checksumFile = { name: `${e.name}.md5`, algorithm: 'md5' };
    files.push(f);
  }
  return files.sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name));
}

/**
 * Two looks `settleMs` apart: a file whose size or mtime moved is still being uploaded. Cheap
 * (one listing each, not a STAT per file) and works with any uploader; a checksum companion,
 * when present, is checked after the download as well.
 */
export async function listComplete(sftp: SftpClient, folder: string, match: RouteMatcher, settleMs: number): Promise<Listing> {
  const first = await look(sftp, folder, match);
  if (first.length === 0 || settleMs === 0) return { stable: first, growing: [] };
  await sleep(settleMs);
  const second = new Map((await look(sftp, folder, match)).map((f) => [f.name, f]));
  const stable: RemoteFile[] = [];
  const growing: string[] = [];
  for (const f of first) {
    const again = second.get(f.name);
    if (!again) continue; // taken away meanwhile
    if (again.size === f.size && again.mtime === f.mtime) stable.push(again);
    else growing.push(f.name);
  }
  return { stable, growing };
}

export interface Downloaded {
  bytes: number;
  sha256: string;
  md5: string;
}

/** Streams the remote file into `localPath`, hashing on the way: one pass over the bytes. */
export async function download(sftp: SftpClient, remotePath: string, localPath: string): Promise<Downloaded> {
  const sha256 = crypto.createHash('sha256');
  const md5 = crypto.createHash('md5');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      sha256.update(chunk);
      md5.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(sftp.createReadStream(remotePath), tap, fs.createWriteStream(localPath, { flags: 'wx', mode: 0o600 }));
  } catch (err) {
    throw new SftpError('network', `download of ${remotePath} broke off after ${bytes} bytes: ${(err as Error).message}`, { cause: err });
  }
  return { bytes, sha256: sha256.digest('hex'), md5: md5.digest('hex') };
}

/** The digest a companion file announces ("<hex>" or sha256sum/md5sum output), or undefined. */
export async function announcedDigest(sftp: SftpClient, folder: string, c: NonNullable<RemoteFile['checksumFile']>): Promise<string | undefined> {
  const text = ((await sftp.get(posix.join(folder, c.name))) as Buffer).subarray(0, 4096).toString('latin1');
  const len = c.algorithm === 'sha256' ? 64 : 32;
  return new RegExp(`^\\s*([0-9a-fA-F]{${len}})\\b`).exec(text)?.[1]?.toLowerCase();
}

export async function ensureFolder(sftp: SftpClient, folder: string): Promise<void> {
  if (!(await sftp.exists(folder))) await sftp.mkdir(folder, true);
}

/** "births.csv" → "births.20240306T020000Z.csv" (and "-2", "-3" … within the same second). */
export function stampedName(name: string, at: Date, n = 1): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z') + (n > 1 ? `-${n}` : '');
  const ext = posix.extname(name);
  return ext && ext !== name ? `${name.slice(0, -ext.length)}.${stamp}${ext}` : `${name}.${stamp}`;
}

/** A free name for `name` in `folder`: the name itself, or with a timestamp when that is taken. */
export async function freeName(sftp: SftpClient, folder: string, name: string, at = new Date()): Promise<string> {
  if (!(await sftp.exists(posix.join(folder, name)))) return name;
  for (let n = 1; ; n++) {
    const candidate = stampedName(name, at, n);
    if (!(await sftp.exists(posix.join(folder, candidate)))) return candidate;
  }
}

/** Moves the file (and its checksum companion) into `toFolder`; returns the new path. */
export async function moveInto(sftp: SftpClient, f: RemoteFile, folder: string, toFolder: string, as?: string): Promise<string> {
  const target = posix.join(toFolder, as ?? (await freeName(sftp, toFolder, f.name)));
  await sftp.rename(f.path, target);
  if (f.checksumFile) {
    const ext = f.checksumFile.name.slice(f.name.length);
    await sftp.rename(posix.join(folder, f.checksumFile.name), `${target}${ext}`);
  }
  return target;
}
