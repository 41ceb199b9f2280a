// A real SFTP server for tests, in-process: ssh2's Server over a local temp folder, with
// password and public-key auth, a generated host key, and a few faults a test can switch on
// (cut the TCP connection after N bytes of file data, fail the next RENAMEs, run a hook after
// each directory listing).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthContext, Attributes, SFTPWrapper } from 'ssh2';
import { fingerprint } from '../../src/intake/sftp/connect.js';
import { pollSource, type PollDeps, type PollResult } from '../../src/intake/sftp/poll-source.js';
import type { FeedRoute } from '../../src/intake/sftp/routes.js';
import { insertSourceSql, toSource, type SftpSource } from '../../src/intake/sftp/source-store.js';
import { createLogger } from '../../src/logger.js';
import { checkDigit } from '../../src/normalise/id-number.js';
import { createTestDb, type TestDb } from './db.js';

const { Server, utils } = ssh2;
const { STATUS_CODE, flagsToString } = utils.sftp;

export interface SftpUser {
  username: string;
  password?: string;
  /** An OpenSSH public key line ("ssh-ed25519 AAAA…"). */
  publicKey?: string;
}

export interface TestSftpServer {
  host: string;
  port: number;
  /** The local folder served as "/". */
  root: string;
  /** OpenSSH-style fingerprint of the host key: "SHA256:…" (base64, no padding). */
  hostKeyFingerprint: string;
  /** Local path of a served path, e.g. local('/drop/a.csv'). */
  local(remote: string): string;
  /** Drop every open connection once more than `bytes` of file data have been read in total. */
  cutAfterBytes(bytes: number): void;
  /** Answer the next `n` RENAME requests with FAILURE. */
  failRenames(n: number): void;
  /** Called after each READDIR that returned entries (to change files between two looks). */
  afterReaddir: (() => void) | undefined;
  /** Successful logins so far. */
  readonly logins: number;
  close(): Promise<void>;
}

type Handle = { kind: 'file'; fd: number } | { kind: 'dir'; dir: string; done: boolean };

function attrsOf(st: fs.Stats): Attributes {
  return {
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
  };
}

function longname(name: string, st: fs.Stats): string {
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  const perms = [6, 3, 0]
    .map((s) => ((st.mode >> s) & 4 ? 'r' : '-') + ((st.mode >> s) & 2 ? 'w' : '-') + ((st.mode >> s) & 1 ? 'x' : '-'))
    .join('');
  return `${type}${perms} 1 ${st.uid} ${st.gid} ${st.size} ${st.mtime.toISOString().slice(0, 10)} ${name}`;
}

function statusOf(err: unknown): number {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return STATUS_CODE.NO_SUCH_FILE;
    case 'EACCES':
    case 'EPERM':
      return STATUS_CODE.PERMISSION_DENIED;
    default:
      return STATUS_CODE.FAILURE;
  }
}

/**
 * A host key ssh2 can read back. Its ed25519 generator drops a leading zero byte of the public
 * key, so about one key in 256 fails to parse (mscdex/ssh2 #1390, #1513): draw again then.
 */
function hostKeyPair() {
  for (let i = 0; ; i++) {
    const pair = utils.generateKeyPairSync('ed25519');
    const parsed = utils.parseKey(pair.private);
    if (!(parsed instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return { pem: pair.private, parsed };
    if (i === 20) throw parsed instanceof Error ? parsed : new Error('ssh2 could not read back a generated host key');
  }
}

export async function startSftpServer(users: SftpUser[]): Promise<TestSftpServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-sftp-'));
  const { pem: hostKeyPem, parsed: parsedHost } = hostKeyPair();
  const sockets = new Set<net.Socket>();
  let cutAfter: number | undefined;
  let bytesRead = 0;
  let renameFailures = 0;
  let logins = 0;

  const toLocal = (remote: string): string => path.join(root, path.posix.resolve('/', remote));

  const checkAuth = (ctx: AuthContext): boolean => {
    const user = users.find((u) => u.username === ctx.username);
    if (!user) return false;
    if (ctx.method === 'password') return user.password !== undefined && ctx.password === user.password;
    if (ctx.method === 'publickey' && user.publicKey) {
      const allowed = utils.parseKey(user.publicKey);
      if (allowed instanceof Error) return false;
      if (ctx.key.algo !== allowed.type || !ctx.key.data.equals(allowed.getPublicSSH())) return false;
      // Without a signature the client only asks whether the key would do.
      if (!ctx.signature) return true;
      return allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true;
    }
    return false;
  };

  const serveSftp = (sftp: SFTPWrapper): void => {
    const handles = new Map<number, Handle>();
    let next = 0;
    const newHandle = (h: Handle): Buffer => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(next, 0);
      handles.set(next++, h);
      return b;
    };
    const get = (b: Buffer): Handle | undefined => (b.length === 4 ? handles.get(b.readUInt32BE(0)) : undefined);
    const attempt = (reqid: number, body: () => void): void => {
      try {
        body();
      } catch (err) {
        sftp.status(reqid, statusOf(err), (err as Error).message);
      }
    };

    sftp
      .on('REALPATH', (reqid, p) => sftp.name(reqid, [{ filename: path.posix.resolve('/', p), longname: '', attrs: {} as Attributes }]))
      .on('STAT', (reqid, p) => attempt(reqid, () => sftp.attrs(reqid, attrsOf(fs.statSync(toLocal(p))))))
      .on('LSTAT', (reqid, p) => attempt(reqid, () => sftp.attrs(reqid, attrsOf(fs.lstatSync(toLocal(p))))))
      .on('FSTAT', (reqid, h) => {
        const f = get(h);
        if (f?.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
        attempt(reqid, () => sftp.attrs(reqid, attrsOf(fs.fstatSync(f.fd))));
      })
      .on('OPEN', (reqid, p, flags) => {
        const mode = flagsToString(flags);
        if (!mode) return sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED);
        attempt(reqid, () => sftp.handle(reqid, newHandle({ kind: 'file', fd: fs.openSync(toLocal(p), mode) })));
      })
      .on('READ', (reqid, h, offset, length) => {
        const f = get(h);
        if (f?.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
        attempt(reqid, () => {
          const buf = Buffer.alloc(length);
          const n = fs.readSync(f.fd, buf, 0, length, offset);
          if (n === 0) return sftp.status(reqid, STATUS_CODE.EOF);
          bytesRead += n;
          if (cutAfter !== undefined && bytesRead > cutAfter) {
            // One-shot: the connection vanishes as a network failure would, without a reply.
            cutAfter = undefined;
            for (const s of sockets) s.destroy();
            return;
          }
          sftp.data(reqid, buf.subarray(0, n));
        });
      })
      .on('WRITE', (reqid, h, offset, data) => {
        const f = get(h);
        if (f?.kind !== 'file') return sftp.status(reqid, STATUS_CODE.FAILURE);
        attempt(reqid, () => {
          fs.writeSync(f.fd, data, 0, data.length, offset);
          sftp.status(reqid, STATUS_CODE.OK);
        });
      })
      .on('CLOSE', (reqid, h) => {
        const f = get(h);
        if (!f) return sftp.status(reqid, STATUS_CODE.FAILURE);
        handles.delete(h.readUInt32BE(0));
        if (f.kind === 'file') fs.closeSync(f.fd);
        sftp.status(reqid, STATUS_CODE.OK);
      })
      .on('OPENDIR', (reqid, p) =>
        attempt(reqid, () => {
          const dir = toLocal(p);
          if (!fs.statSync(dir).isDirectory()) return sftp.status(reqid, STATUS_CODE.FAILURE, 'not a directory');
          sftp.handle(reqid, newHandle({ kind: 'dir', dir, done: false }));
        }),
      )
      .on('READDIR', (reqid, h) => {
        const d = get(h);
        if (d?.kind !== 'dir') return sftp.status(reqid, STATUS_CODE.FAILURE);
        if (d.done) return sftp.status(reqid, STATUS_CODE.EOF);
        d.done = true;
        attempt(reqid, () => {
          const entries = fs.readdirSync(d.dir).map((name) => {
            const st = fs.lstatSync(path.join(d.dir, name));
            return { filename: name, longname: longname(name, st), attrs: attrsOf(st) };
          });
          sftp.name(reqid, entries);
          server.afterReaddir?.();
        });
      })
      .on('RENAME', (reqid, from, to) => {
        if (renameFailures > 0) {
          renameFailures--;
          return sftp.status(reqid, STATUS_CODE.FAILURE, 'rename refused (test fault)');
        }
        attempt(reqid, () => {
          // SFTP v3 (and OpenSSH) refuse to rename over an existing file.
          if (fs.existsSync(toLocal(to))) return sftp.status(reqid, STATUS_CODE.FAILURE, 'target exists');
          fs.renameSync(toLocal(from), toLocal(to));
          sftp.status(reqid, STATUS_CODE.OK);
        });
      })
      .on('MKDIR', (reqid, p) =>
        attempt(reqid, () => {
          fs.mkdirSync(toLocal(p));
          sftp.status(reqid, STATUS_CODE.OK);
        }),
      )
      .on('REMOVE', (reqid, p) =>
        attempt(reqid, () => {
          fs.unlinkSync(toLocal(p));
          sftp.status(reqid, STATUS_CODE.OK);
        }),
      )
      .on('RMDIR', (reqid, p) =>
        attempt(reqid, () => {
          fs.rmdirSync(toLocal(p));
          sftp.status(reqid, STATUS_CODE.OK);
        }),
      )
      .on('SETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK))
      .on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS_CODE.OK));
  };

  const ssh = new Server({ hostKeys: [hostKeyPem] }, (client) => {
    client
      .on('authentication', (ctx) => (checkAuth(ctx) ? ctx.accept() : ctx.reject(['password', 'publickey'])))
      .on('ready', () => {
        logins++;
        client.on('session', (accept) => {
          accept().on('sftp', (acceptSftp) => serveSftp(acceptSftp()));
        });
      })
      .on('error', () => undefined); // a client that vanishes is normal here
  });

  // Own TCP listener, handing sockets to ssh2, so that a test can cut them.
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    ssh.injectSocket(socket);
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const port = (tcp.address() as net.AddressInfo).port;

  const server: TestSftpServer = {
    host: '127.0.0.1',
    port,
    root,
    hostKeyFingerprint: fingerprint(parsedHost.getPublicSSH()),
    local: toLocal,
    cutAfterBytes(bytes) {
      cutAfter = bytesRead + bytes;
    },
    failRenames(n) {
      renameFailures = n;
    },
    afterReaddir: undefined,
    get logins() {
      return logins;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return server;
}

// ---------------------------------------------------------------------------------------------
// A test bed: a database of its own with one hospital agency, a served drop folder, and that
// agency's SFTP source pointing at it (password login, pinned host key).

export interface SftpTestbed {
  db: TestDb;
  server: TestSftpServer;
  source: SftpSource;
  deps: PollDeps;
  /** Every log line written by the poller, as JSON text. */
  logLines: string[];
  /** Writes a file into the drop folder. */
  drop(name: string, content: string | Buffer): void;
  /** Names in a served folder (relative to the drop folder), sorted. */
  ls(sub?: string): string[];
  poll(): Promise<PollResult>;
  batches(): Promise<{ id: number; status: string; file_name: string; channel: string; actor: string; accepted: number; error_code: string | null }[]>;
  close(): Promise<void>;
}

export const TEST_AGENCY = 'H370725001';
export const TEST_PASSWORD_ENV = 'YPQ_TEST_SFTP_PASSWORD';
const TEST_PASSWORD = 'correct horse battery staple';

export async function createSftpTestbed(o: { settleMs?: number; routes?: FeedRoute[] } = {}): Promise<SftpTestbed> {
  const db = await createTestDb();
  await db.pool.query(
    `INSERT INTO agencies (code, name, kind, division, feeds) VALUES ($1, '县人民医院', 'hospital', '370725', '{birth,prenatal}')`,
    [TEST_AGENCY],
  );
  const server = await startSftpServer([{ username: 'hospital', password: TEST_PASSWORD }]);
  fs.mkdirSync(server.local('/outbox'));
  const source = toSource(
    (
      await db.pool.query(
        insertSourceSql({
          agency: TEST_AGENCY, host: server.host, port: server.port, username: 'hospital',
          passwordEnv: TEST_PASSWORD_ENV, keyFile: null, passphraseEnv: null, hostKey: server.hostKeyFingerprint,
          folder: '/outbox', routes: o.routes ?? [{ pattern: 'births_*.csv', feed: 'birth' }],
          processedFolder: 'processed', rejectedFolder: 'rejected', settleMs: o.settleMs ?? 150, enabled: true,
        }),
      )
    ).rows[0],
  );
  const logLines: string[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-sftp-data-'));
  const deps: PollDeps = {
    pool: db.pool,
    log: createLogger('info', dest),
    dataDir,
    env: { [TEST_PASSWORD_ENV]: TEST_PASSWORD },
    readyTimeoutMs: 5000,
  };
  return {
    db, server, source, deps, logLines,
    drop: (name, content) => fs.writeFileSync(server.local(`/outbox/${name}`), content),
    ls: (sub = '') => (fs.existsSync(server.local(`/outbox/${sub}`)) ? fs.readdirSync(server.local(`/outbox/${sub}`)).sort() : []),
    poll: () => pollSource(deps, source),
    batches: async () =>
      (await db.pool.query('SELECT id, status, file_name, channel, actor, accepted, error_code FROM batches ORDER BY id')).rows,
    async close() {
      await server.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A valid 18-character resident ID number (check digit computed) for a birth date and serial. */
export function idNumber(birth: string, serial: number): string {
  const first17 = `370725${birth}${String(serial % 1000).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}

/** A small birth-feed CSV (the contract's Chinese headers) with `n` records. */
export function birthCsv(n: number, prefix = 'BC'): string {
  const header = '出生医学证明编号,机构代码,出生时间,新生儿姓名,新生儿性别,母亲姓名,母亲证件号码,父亲姓名,父亲证件号码,出生地区划代码';
  const rows = Array.from({ length: n }, (_, i) =>
    [`${prefix}${String(i + 1).padStart(6, '0')}`, TEST_AGENCY, `2024-03-0${(i % 9) + 1} 08:30`, '', i % 2 ? '1' : '2',
      '王芳', idNumber('19950101', 100 + 2 * i), '李强', idNumber('19930505', 301 + 2 * i), '370725100001'].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}
