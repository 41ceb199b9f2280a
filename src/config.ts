// The one module that reads the environment: validated, defaulted, frozen.
import path from 'node:path';
import dotenv from 'dotenv';
import { RULE_CODES } from './rules/catalog.js';

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
  /** Per-rule deadline overrides in hours (CASE_DEADLINE_HOURS="newborn_unregistered=720,new_resident=4"). */
  readonly caseDeadlineHours: Readonly<Record<string, number>>;
  /** When the escalation job runs (pg-boss cron, minute resolution). */
  readonly caseEscalationCron: string;
  /** A case escalated to the county and still not handled this long after is escalated again (level 2). */
  readonly caseEscalationLevel2AfterHours: number;
  /** Days after a hospital birth without a household birth registration before newborn_unregistered is raised. */
  readonly newbornRegistrationDays: number;
  /** When the newborn sweep runs (pg-boss cron, Beijing time). */
  readonly newbornSweepCron: string;
  readonly notifyMaxAttempts: number;
  readonly notifyBackoffBaseMs: number;
  readonly notifyBackoffMaxMs: number;
  readonly notifyTimeoutMs: number;
  readonly notifyPollIntervalMs: number;
  /** The SMS gateway notifications are POSTed to; unset → SMS deliveries fail and end dead. */
  readonly notifySmsUrl: string | undefined;
  /** SMS text with {caseId} {rule} {title} {unit} {deadline} {event} {level} placeholders; never personal data. */
  readonly notifySmsTemplate: string;
  /** Coordination attachments go to this folder (by sha256); unset → stored in PostgreSQL. */
  readonly coordAttachmentDir: string | undefined;
  readonly coordAttachmentMaxBytes: number;
  /** When overdue business items are looked for and reminders sent (pg-boss cron). */
  readonly coordReminderCron: string;
  /** When the monthly data-sharing and supervision figures are recomputed (pg-boss cron). */
  readonly coordMonthlyCron: string;
  /** Days after the end of a scheduled period within which a submission still counts as on time (DHIS2's N). */
  readonly coordOnTimeDays: number;
  /** Agencies whose completeness falls below this share (0–1) get a reminder. */
  readonly coordCompletenessThreshold: number;
  /** Consecutive failed logins that lock an account, and for how long. */
  readonly loginMaxFailures: number;
  readonly loginLockMinutes: number;
  /** Lifetime of the token POST /v1/auth/login issues (e.g. 8h). */
  readonly loginTokenTtl: string;
  /** scrypt cost (N, a power of two) for new password hashes. */
  readonly passwordScryptCost: number;
  /** Matching (docs/matching.md): probability at or above which the best candidate links. */
  readonly matchLinkThreshold: number;
  /** Probability at or above which a person goes to clerical review instead of being new. */
  readonly matchReviewThreshold: number;
  /** Bits by which the best candidate must lead the runner-up to link. */
  readonly matchMinMarginBits: number;
  /** Largest block one fuzzy blocking rule may return for one person; larger blocks are dropped. */
  readonly matchBlockCap: number;
  /** Recount name frequencies when the population changed by more than this share (0–1). */
  readonly matchTfRefreshShare: number;
  /** Records linked at a time within one batch (MATCH_CHUNK_RECORDS): bounds the link job's memory. */
  readonly matchChunkRecords: number;
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

function deadlineOverrides(env: NodeJS.ProcessEnv): Record<string, number> {
  const raw = env.CASE_DEADLINE_HOURS?.trim();
  const out: Record<string, number> = {};
  if (!raw) return out;
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z_]+)\s*=\s*(\d+)$/.exec(part);
    if (!m || !(RULE_CODES as readonly string[]).includes(m[1]) || Number(m[2]) < 1) {
      throw new ConfigError(`CASE_DEADLINE_HOURS must be rule=hours pairs separated by commas (rules: ${RULE_CODES.join(', ')}), got "${part}"`);
    }
    out[m[1]] = Number(m[2]);
  }
  return Object.freeze(out);
}

function cronVar(env: NodeJS.ProcessEnv, name: string, dflt: string): string {
  const v = env[name] || dflt;
  if (v.trim().split(/\s+/).length !== 5) throw new ConfigError(`${name} must be a five-field cron expression, got "${v}"`);
  return v;
}

function numberVar(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number, exclusive = false): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (exclusive && (n === min || n === max))) {
    throw new ConfigError(`${name} must be a number ${exclusive ? 'strictly ' : ''}between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function matchSettings(env: NodeJS.ProcessEnv) {
  const matchLinkThreshold = numberVar(env, 'MATCH_LINK_THRESHOLD', 0.99, 0, 1, true);
  const matchReviewThreshold = numberVar(env, 'MATCH_REVIEW_THRESHOLD', 0.3, 0, 1, true);
  if (matchReviewThreshold > matchLinkThreshold) {
    throw new ConfigError(`MATCH_REVIEW_THRESHOLD (${matchReviewThreshold}) must not be above MATCH_LINK_THRESHOLD (${matchLinkThreshold})`);
  }
  return {
    matchLinkThreshold,
    matchReviewThreshold,
    matchMinMarginBits: numberVar(env, 'MATCH_MIN_MARGIN_BITS', 6, 0, 100),
    matchBlockCap: intVar(env, 'MATCH_BLOCK_CAP', 50, 1, 10_000),
    matchTfRefreshShare: numberVar(env, 'MATCH_TF_REFRESH_SHARE', 0.1, 0, 1),
    matchChunkRecords: intVar(env, 'MATCH_CHUNK_RECORDS', 200_000, 100, 10_000_000),
  };
}

const DEFAULT_SMS_TEMPLATE = '【一盘棋】{unit} 案件 {caseId}（{title}）{event}，请于 {deadline} 前办理。';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  const notifySmsUrl = env.NOTIFY_SMS_URL || undefined;
  if (notifySmsUrl && !/^https?:\/\//.test(notifySmsUrl)) throw new ConfigError('NOTIFY_SMS_URL must start with http:// or https://');
  const caseEscalationCron = env.CASE_ESCALATION_CRON || '*/5 * * * *';
  if (caseEscalationCron.trim().split(/\s+/).length !== 5) {
    throw new ConfigError(`CASE_ESCALATION_CRON must be a five-field cron expression, got "${caseEscalationCron}"`);
  }
  const coordReminderCron = cronVar(env, 'COORD_REMINDER_CRON', '*/15 * * * *');
  const coordMonthlyCron = cronVar(env, 'COORD_MONTHLY_CRON', '30 1 * * *');
  const loginTokenTtl = env.LOGIN_TOKEN_TTL || '8h';
  if (!/^\d+[smhd]$/.test(loginTokenTtl)) throw new ConfigError(`LOGIN_TOKEN_TTL must look like 30m, 8h or 1d, got "${loginTokenTtl}"`);
  const scryptCost = intVar(env, 'PASSWORD_SCRYPT_COST', 32768, 1024, 1 << 20);
  if ((scryptCost & (scryptCost - 1)) !== 0) throw new ConfigError(`PASSWORD_SCRYPT_COST must be a power of two, got ${scryptCost}`);
  const threshold = Number(env.COORD_COMPLETENESS_THRESHOLD || '0.95');
  if (!(threshold >= 0 && threshold <= 1)) throw new ConfigError('COORD_COMPLETENESS_THRESHOLD must be a number from 0 to 1');
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
    caseDeadlineHours: deadlineOverrides(env),
    caseEscalationCron,
    caseEscalationLevel2AfterHours: intVar(env, 'CASE_ESCALATION_LEVEL2_AFTER_HOURS', 72, 1, 24 * 365),
    newbornRegistrationDays: intVar(env, 'NEWBORN_REGISTRATION_DAYS', 30, 0, 3650),
    newbornSweepCron: cronVar(env, 'NEWBORN_SWEEP_CRON', '15 2 * * *'),
    notifyMaxAttempts: intVar(env, 'NOTIFY_MAX_ATTEMPTS', 8, 1, 100),
    notifyBackoffBaseMs: intVar(env, 'NOTIFY_BACKOFF_BASE_MS', 30_000, 1, 86_400_000),
    notifyBackoffMaxMs: intVar(env, 'NOTIFY_BACKOFF_MAX_MS', 6 * 3_600_000, 1, 7 * 86_400_000),
    notifyTimeoutMs: intVar(env, 'NOTIFY_TIMEOUT_MS', 10_000, 100, 300_000),
    notifyPollIntervalMs: intVar(env, 'NOTIFY_POLL_INTERVAL_MS', 10_000, 500, 3_600_000),
    notifySmsUrl,
    notifySmsTemplate: env.NOTIFY_SMS_TEMPLATE || DEFAULT_SMS_TEMPLATE,
    coordAttachmentDir: env.COORD_ATTACHMENT_DIR ? path.resolve(env.COORD_ATTACHMENT_DIR) : undefined,
    coordAttachmentMaxBytes: intVar(env, 'COORD_ATTACHMENT_MAX_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    coordReminderCron,
    coordMonthlyCron,
    coordOnTimeDays: intVar(env, 'COORD_ON_TIME_DAYS', 0, 0, 31),
    coordCompletenessThreshold: threshold,
    loginMaxFailures: intVar(env, 'LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockMinutes: intVar(env, 'LOGIN_LOCK_MINUTES', 15, 1, 24 * 60),
    loginTokenTtl,
    passwordScryptCost: scryptCost,
    ...matchSettings(env),
  });
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
