// The one module that reads the environment: validated, defaulted, frozen.
import path from 'node:path';
import dotenv from 'dotenv';

dotenv.config({ quiet: true } as dotenv.DotenvConfigOptions);

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** Remote key set used to verify tokens in production; when unset the local key is used. */
  readonly jwksUrl: string | undefined;
  /** A PEM public key (SPKI) to verify tokens with, as an alternative to JWKS_URL. */
  readonly jwtPublicKey: string | undefined;
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** Load the synthetic demo county on the first start of an empty database. */
  readonly demoData: boolean;
  readonly demoPersons: number;
  readonly maxBodyBytes: number;
  readonly sftpPollIntervalMs: number;
  readonly jobPollIntervalMs: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

function intVar(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function boolVar(env: NodeJS.ProcessEnv, name: string, dflt: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  return Object.freeze({
    databaseUrl,
    dataDir: path.resolve(env.YIPANQI_DATA_DIR || './.yipanqi'),
    host: env.HOST || '127.0.0.1',
    port: intVar(env, 'PORT', 8080, 0, 65535),
    logLevel,
    jwksUrl: env.JWKS_URL || undefined,
    jwtPublicKey: env.JWT_PUBLIC_KEY || undefined,
    jwtIssuer: env.JWT_ISSUER || 'yipanqi',
    jwtAudience: env.JWT_AUDIENCE || 'yipanqi',
    demoData: boolVar(env, 'YIPANQI_DEMO_DATA', true),
    demoPersons: intVar(env, 'YIPANQI_DEMO_PERSONS', 5000, 0, 10_000_000),
    maxBodyBytes: intVar(env, 'MAX_BODY_BYTES', 512 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
    sftpPollIntervalMs: intVar(env, 'SFTP_POLL_INTERVAL_MS', 60_000, 1000, 86_400_000),
    jobPollIntervalMs: intVar(env, 'JOB_POLL_INTERVAL_MS', 2000, 100, 60_000),
  });
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
