// Opening an SFTP session for a source: credentials from where the source says they are
// (an environment variable, a key file), the pinned host key checked, failures put into words.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import type { Logger } from 'pino';
import type { SftpSource } from './source-store.js';

export type SftpErrorKind = 'config' | 'auth' | 'host-key' | 'network' | 'remote' | 'incomplete';

/** A failure of the SFTP channel, with a sentence an operator can act on (never a secret). */
export class SftpError extends Error {
  constructor(readonly kind: SftpErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SftpError';
  }
}

export interface ConnectOptions {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  log: Logger;
  readyTimeoutMs?: number;
}

interface Credentials {
  password?: string;
  privateKey?: Buffer;
  passphrase?: string;
}

/** OpenSSH's notation (`ssh-keygen -lf`): "SHA256:" + unpadded base64 of the key blob's digest. */
export function fingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

export function keyFilePath(keyFile: string, dataDir: string): string {
  return path.resolve(dataDir, keyFile);
}

function fromEnv(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const v = env[name];
  if (!v) throw new SftpError('config', `environment variable ${name} (${what}) is not set in the gateway's environment`);
  return v;
}

export function credentials(s: SftpSource, env: NodeJS.ProcessEnv, dataDir: string): Credentials {
  const who = `${s.username}@${s.host}`;
  if (s.passwordEnv) return { password: fromEnv(env, s.passwordEnv, `the SFTP password of ${who}`) };
  if (!s.keyFile) throw new SftpError('config', `source ${s.id} has neither a password variable nor a key file`);
  const file = keyFilePath(s.keyFile, dataDir);
  let privateKey: Buffer;
  try {
    privateKey = fs.readFileSync(file);
  } catch (err) {
    throw new SftpError('config', `cannot read the private key file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const passphrase = s.passphraseEnv ? fromEnv(env, s.passphraseEnv, `the passphrase of ${file}`) : undefined;
  return { privateKey, passphrase };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);

export async function connectSource(s: SftpSource, o: ConnectOptions): Promise<SftpClient> {
  const creds = credentials(s, o.env, o.dataDir);
  const where = `${s.host}:${s.port}`;
  // The wrapper's default global listeners print to the console; route them to the log instead.
  const client = new SftpClient(`sftp-${s.id}`, {
    error: (err) => o.log.debug({ err }, 'sftp connection error'),
    end: () => undefined,
    close: () => undefined,
  });
  let presented: string | undefined;
  let raw: (Error & { level?: string; code?: string }) | undefined;
  const keepRaw = (err: Error) => (raw ??= err);
  client.on('error', keepRaw);
  try {
    await client.connect({
      host: s.host,
      port: s.port,
      username: s.username,
      ...creds,
      tryKeyboard: false,
      readyTimeout: o.readyTimeoutMs ?? 20_000,
      // A silent peer is noticed within ~30 s, so a stalled download cannot hold the source's lock for long.
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        presented = fingerprint(key);
        return !s.hostKey || presented === s.hostKey;
      },
    });
  } catch (err) {
    const cause = raw ?? err;
    if (s.hostKey && presented && presented !== s.hostKey) {
      throw new SftpError('host-key', `the host key of ${where} is ${presented}, not the pinned ${s.hostKey}: refusing to connect (server replaced, or someone in between)`, { cause });
    }
    const level = raw?.level;
    const msg = (cause as Error).message ?? String(cause);
    if (level === 'client-authentication' || /authentication methods failed/i.test(msg)) {
      throw new SftpError('auth', `login refused by ${where} for user ${s.username}: wrong password or key (${s.passwordEnv ? `password from $${s.passwordEnv}` : `key ${s.keyFile}`})`, { cause });
    }
    if (/passphrase|private key|unsupported key|cannot parse/i.test(msg)) {
      throw new SftpError('config', `the private key ${s.keyFile} cannot be used: ${msg}`, { cause });
    }
    const code = (cause as { code?: string }).code ?? '';
    if (NETWORK_CODES.has(code) || level === 'client-socket' || level === 'client-timeout' || /timed out/i.test(msg)) {
      throw new SftpError('network', `cannot reach ${where}: ${code || msg}`, { cause });
    }
    throw new SftpError('remote', `SFTP connection to ${where} failed: ${msg}`, { cause });
  } finally {
    client.removeListener('error', keepRaw);
  }
  if (!s.hostKey) {
    o.log.warn({ sourceId: s.id, host: where, hostKey: presented }, 'SFTP host key not pinned; pin it with "yipanqi sftp add … --host-key"');
  }
  return client;
}

/** Connects only to learn the server's host key (for `yipanqi sftp host-key`). */
export async function presentedHostKey(host: string, port: number, timeoutMs = 10_000): Promise<string> {
  const client = new SftpClient('host-key', { error: () => undefined, end: () => undefined, close: () => undefined });
  let presented: string | undefined;
  await client
    .connect({
      host,
      port,
      username: 'yipanqi-host-key-probe',
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        presented = fingerprint(key);
        return false; // nothing else is needed from this server
      },
    })
    .catch(() => undefined);
  await client.end().catch(() => undefined);
  if (!presented) throw new SftpError('network', `no host key from ${host}:${port} (not reachable, or not an SSH server)`);
  return presented;
}
