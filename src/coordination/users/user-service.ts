// Users, login and passwords. A login checks the scrypt hash, counts failures and locks the
// account after LOGIN_MAX_FAILURES in a row for LOGIN_LOCK_MINUTES; success issues the JWT the
// rest of the API takes (claims sub, role, unit, feeds; uid and pwv tie it to this user and this
// password). Every login, failed or not, and every password change is audited; passwords and
// hashes are never logged or returned.
import type pg from 'pg';
import * as jose from 'jose';
import { audit } from '../../audit/audit-log.js';
import type { KeyRing } from '../../auth/keys.js';
import { principalFromClaims, type Principal } from '../../auth/principal.js';
import type { Config } from '../../config.js';
import { AppError, appError } from '../../errors.js';
import { write } from '../shared/db-errors.js';
import { inTransaction } from '../../db/transaction.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './password.js';
import {
  insertUserSql, listUsersSql, loginFailedSql, loginSucceededSql, patchUserSql, setPasswordSql, toUser, userActiveSql, userByIdSql,
  userByNameSql, type UserRow,
} from './user-repo.js';
import type { Login, NewUser, User, UserPatch } from './user-schema.js';

type Actor = Pick<Principal, 'sub' | 'role' | 'unit'>;
// Who acts when nobody is logged in yet (a failed login) or from the command line; the audit log
// takes any role text, the Principal type only the four token roles.
const ANONYMOUS = { sub: 'anonymous', role: 'anonymous', unit: '-' } as unknown as Actor;
export const CLI_ACTOR = { sub: 'cli', role: 'admin', unit: '-' } as unknown as Actor;
const PURPOSE = 'user administration';

let dummyHash: Promise<string> | undefined;
/** Unknown users cost a hash check too, so that timing does not tell which names exist. */
function dummy(cfg: Config): Promise<string> {
  dummyHash ??= hashPassword('not a password of anyone', cfg.passwordScryptCost);
  return dummyHash;
}

const asActor = (u: UserRow): Actor => ({ sub: u.username, role: u.role, unit: u.unit });

/** The password version a token carries: when the password last changed, in ms. */
const passwordVersion = (u: { password_changed_at: Date }) => u.password_changed_at.getTime();

export interface LoginResult {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
  user: User;
}

export async function login(pool: pg.Pool, keys: KeyRing, cfg: Config, input: Login): Promise<LoginResult> {
  if (!keys.sign) throw appError('YPQ_INTERNAL', 'logins need the local signing key (JWKS_URL or JWT_PUBLIC_KEY is set)');
  const now = new Date();
  // The outcome is decided and recorded in one transaction that always commits (a failure must
  // count), and only then thrown.
  const outcome = await inTransaction(pool, async (client): Promise<{ user: UserRow } | { error: AppError }> => {
    const user = (await client.query<UserRow>(userByNameSql(input.username, true))).rows[0];
    if (!user) {
      await verifyPassword(input.password, await dummy(cfg));
      await audit(client, ANONYMOUS, { action: 'login', objectType: 'user', objectId: '-', purpose: 'login', detail: { outcome: 'unknown_user' } });
      return { error: appError('YPQ_LOGIN_FAILED', 'unknown user name or wrong password') };
    }
    const who = asActor(user);
    if (user.locked_until && user.locked_until > now) {
      await audit(client, who, { action: 'login', objectType: 'user', objectId: String(user.id), purpose: 'login', detail: { outcome: 'locked' } });
      return { error: appError('YPQ_LOGIN_LOCKED', user.locked_until.toISOString()) };
    }
    const ok = await verifyPassword(input.password, user.password_hash);
    if (!ok) {
      const { rows } = await client.query<{ failed_logins: number; locked_until: Date | null }>(loginFailedSql(user.id, cfg.loginMaxFailures, cfg.loginLockMinutes, now));
      const locked = rows[0].locked_until !== null && rows[0].locked_until > now;
      await audit(client, who, { action: 'login', objectType: 'user', objectId: String(user.id), purpose: 'login', detail: { outcome: locked ? 'failed_and_locked' : 'failed', failures: rows[0].failed_logins } });
      return { error: locked ? appError('YPQ_LOGIN_LOCKED', rows[0].locked_until!.toISOString()) : appError('YPQ_LOGIN_FAILED', 'unknown user name or wrong password') };
    }
    if (!user.active) {
      await audit(client, who, { action: 'login', objectType: 'user', objectId: String(user.id), purpose: 'login', detail: { outcome: 'disabled' } });
      return { error: appError('YPQ_LOGIN_FAILED', 'unknown user name or wrong password') };
    }
    await client.query(loginSucceededSql(user.id, now));
    await audit(client, who, { action: 'login', objectType: 'user', objectId: String(user.id), purpose: 'login', detail: { outcome: 'ok' } });
    return { user: { ...user, failed_logins: 0, locked_until: null, last_login_at: now } };
  });
  if ('error' in outcome) throw outcome.error;
  const u = outcome.user;
  const token = await keys.sign({ sub: u.username, role: u.role, unit: u.unit, feeds: u.feeds, uid: u.id, pwv: passwordVersion(u) }, cfg.loginTokenTtl);
  const exp = jose.decodeJwt(token).exp!;
  return { token, tokenType: 'Bearer', expiresAt: new Date(exp * 1000).toISOString(), user: toUser(u) };
}

/**
 * A token from POST /v1/auth/login stops working on coordination routes once its user is
 * disabled or changes password (other routes honour it until it expires: keep LOGIN_TOKEN_TTL short).
 */
export async function requireLiveUser(pool: pg.Pool, rawToken: string | undefined): Promise<void> {
  if (!rawToken) return;
  let claims: jose.JWTPayload;
  try {
    claims = jose.decodeJwt(rawToken);
  } catch {
    return; // the gateway's own check already refused anything unreadable
  }
  if (typeof claims.uid !== 'number') return;
  const row = (await pool.query<{ active: boolean; password_changed_at: Date }>(userActiveSql(claims.uid))).rows[0];
  if (!row || !row.active) throw appError('YPQ_UNAUTHORIZED', 'the user is disabled');
  if (typeof claims.pwv === 'number' && passwordVersion(row) > claims.pwv) throw appError('YPQ_UNAUTHORIZED', 'the password changed since this token was issued');
}

function checkClaims(u: { username: string; role: string; unit: string; feeds?: string[] }): void {
  try {
    principalFromClaims({ sub: u.username, role: u.role, unit: u.unit, feeds: u.feeds ?? [] });
  } catch (err) {
    throw appError('YPQ_VALIDATION', (err as Error).message.replace(/^Missing or invalid bearer token: /, ''));
  }
}

export async function createUser(pool: pg.Pool, cfg: Config, who: Actor, input: NewUser): Promise<User> {
  checkClaims(input);
  checkPasswordPolicy(input.password, input.username);
  const hash = await hashPassword(input.password, cfg.passwordScryptCost);
  return inTransaction(pool, async (client) => {
    const { rows } = await write<UserRow>(
      client,
      insertUserSql({ username: input.username, displayName: input.displayName ?? '', hash, role: input.role, unit: input.unit, feeds: input.feeds ?? [], by: who.sub }, new Date()),
    );
    await audit(client, who, { action: 'create', objectType: 'user', objectId: String(rows[0].id), purpose: PURPOSE, detail: { role: input.role, unit: input.unit } });
    return toUser(rows[0]);
  });
}

export async function listUsers(pool: pg.Pool, who: Principal, f: { role?: Principal['role']; unit?: string; active?: boolean }): Promise<User[]> {
  const { rows } = await pool.query<UserRow>(listUsersSql(f));
  await audit(pool, who, { action: 'list', objectType: 'user', objectId: 'all', purpose: PURPOSE, detail: { ids: rows.map((r) => r.id) } });
  return rows.map(toUser);
}

export async function getUser(pool: pg.Pool, who: Principal, id: number): Promise<User> {
  const row = (await pool.query<UserRow>(userByIdSql(id))).rows[0];
  if (!row) throw appError('YPQ_NOT_FOUND', `user ${id}`);
  await audit(pool, who, { action: 'read', objectType: 'user', objectId: String(id), purpose: PURPOSE });
  return toUser(row);
}

export async function patchUser(pool: pg.Pool, who: Principal, id: number, p: UserPatch): Promise<User> {
  return inTransaction(pool, async (client) => {
    const before = (await client.query<UserRow>(userByIdSql(id, true))).rows[0];
    if (!before) throw appError('YPQ_NOT_FOUND', `user ${id}`);
    if (before.username === who.sub && p.active === false) throw appError('YPQ_CONFLICT', 'an admin cannot disable their own account');
    checkClaims({ username: before.username, role: p.role ?? before.role, unit: p.unit ?? before.unit, feeds: p.feeds ?? before.feeds });
    const { rows } = await write<UserRow>(client, patchUserSql(id, p, new Date()));
    await audit(client, who, { action: 'update', objectType: 'user', objectId: String(id), purpose: PURPOSE, detail: { fields: Object.keys(p) } });
    return toUser(rows[0]);
  });
}

/** An admin sets a new password (the user forgot theirs); audited, the password itself never. */
export async function resetPassword(pool: pg.Pool, cfg: Config, who: Actor, id: number, password: string): Promise<User> {
  return inTransaction(pool, async (client) => {
    const user = (await client.query<UserRow>(userByIdSql(id, true))).rows[0];
    if (!user) throw appError('YPQ_NOT_FOUND', `user ${id}`);
    checkPasswordPolicy(password, user.username);
    const { rows } = await client.query<UserRow>(setPasswordSql(id, await hashPassword(password, cfg.passwordScryptCost), new Date()));
    await audit(client, who, { action: 'update', objectType: 'user', objectId: String(id), purpose: PURPOSE, detail: { action: 'password_reset' } });
    return toUser(rows[0]);
  });
}

/** The caller changes their own password, proving the current one. */
export async function changeOwnPassword(pool: pg.Pool, cfg: Config, who: Principal, current: string, next: string): Promise<User> {
  const user = (await pool.query<UserRow>(userByNameSql(who.sub))).rows[0];
  if (!user || user.role !== who.role || user.unit !== who.unit) throw appError('YPQ_NOT_FOUND', 'a user account for this token');
  if (!(await verifyPassword(current, user.password_hash))) {
    await audit(pool, who, { action: 'update', objectType: 'user', objectId: String(user.id), purpose: 'password change', detail: { action: 'password_change', outcome: 'wrong_current_password' } });
    throw appError('YPQ_LOGIN_FAILED', 'the current password is wrong');
  }
  checkPasswordPolicy(next, user.username);
  if (current === next) throw appError('YPQ_PASSWORD_POLICY', 'the new password must differ from the current one');
  const hash = await hashPassword(next, cfg.passwordScryptCost);
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<UserRow>(setPasswordSql(user.id, hash, new Date()));
    await audit(client, who, { action: 'update', objectType: 'user', objectId: String(user.id), purpose: 'password change', detail: { action: 'password_change', outcome: 'ok' } });
    return toUser(rows[0]);
  });
}

