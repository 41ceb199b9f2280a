// users: SQL and row mapping. The hash never leaves this module's queries except for checking.
import type { Role } from '../../auth/principal.js';
import type { User } from './user-schema.js';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  unit: string;
  feeds: string[];
  active: boolean;
  failed_logins: number;
  locked_until: Date | null;
  password_changed_at: Date;
  last_login_at: Date | null;
  created_at: Date;
}

export function toUser(r: UserRow): User {
  return {
    id: r.id, username: r.username, displayName: r.display_name, role: r.role, unit: r.unit, feeds: r.feeds, active: r.active,
    lockedUntil: r.locked_until ? r.locked_until.toISOString() : null, failedLogins: r.failed_logins,
    passwordChangedAt: r.password_changed_at.toISOString(), lastLoginAt: r.last_login_at ? r.last_login_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
  };
}

export function userByNameSql(username: string, forUpdate = false) {
  return { text: `SELECT * FROM users WHERE lower(username) = lower($1)${forUpdate ? ' FOR UPDATE' : ''}`, values: [username] };
}

export function userByIdSql(id: number, forUpdate = false) {
  return { text: `SELECT * FROM users WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, values: [id] };
}

export function listUsersSql(f: { role?: Role; unit?: string; active?: boolean }) {
  return {
    text: `SELECT * FROM users WHERE ($1::text IS NULL OR role = $1) AND ($2::text IS NULL OR unit = $2)
             AND ($3::boolean IS NULL OR active = $3) ORDER BY username`,
    values: [f.role ?? null, f.unit ?? null, f.active ?? null],
  };
}

export function insertUserSql(u: { username: string; displayName: string; hash: string; role: Role; unit: string; feeds: string[]; by: string }, now: Date) {
  return {
    text: `INSERT INTO users (username, display_name, password_hash, role, unit, feeds, created_by, created_at, updated_at, password_changed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8) RETURNING *`,
    values: [u.username, u.displayName, u.hash, u.role, u.unit, u.feeds, u.by, now],
  };
}

/** A failed login: count it, and lock the account once `max` failures are reached in a row. */
export function loginFailedSql(id: number, max: number, lockMinutes: number, now: Date) {
  return {
    text: `UPDATE users SET failed_logins = failed_logins + 1,
                  locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $4::timestamptz + make_interval(mins => $3) ELSE locked_until END
           WHERE id = $1 RETURNING failed_logins, locked_until`,
    values: [id, max, lockMinutes, now],
  };
}

export function loginSucceededSql(id: number, now: Date) {
  return { text: 'UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1', values: [id, now] };
}

export function setPasswordSql(id: number, hash: string, now: Date) {
  return {
    text: 'UPDATE users SET password_hash = $2, password_changed_at = $3, updated_at = $3, failed_logins = 0, locked_until = NULL WHERE id = $1 RETURNING *',
    values: [id, hash, now],
  };
}

export function patchUserSql(id: number, p: { displayName?: string; role?: Role; unit?: string; feeds?: string[]; active?: boolean; unlock?: boolean }, now: Date) {
  return {
    text: `UPDATE users SET display_name = coalesce($2, display_name), role = coalesce($3, role), unit = coalesce($4, unit),
                  feeds = coalesce($5, feeds), active = coalesce($6, active),
                  failed_logins = CASE WHEN $7 THEN 0 ELSE failed_logins END,
                  locked_until = CASE WHEN $7 THEN NULL ELSE locked_until END, updated_at = $8
           WHERE id = $1 RETURNING *`,
    values: [id, p.displayName ?? null, p.role ?? null, p.unit ?? null, p.feeds ?? null, p.active ?? null, p.unlock ?? false, now],
  };
}

/** Whether the user a login token names may still act (not disabled, not deleted). */
export function userActiveSql(id: number) {
  return { text: 'SELECT active, password_changed_at FROM users WHERE id = $1', values: [id] };
}
