// Who is calling, and what they may see: roles and unit scopes from the token's claims.
import type * as jose from 'jose';
import { appError } from '../errors.js';

export const ROLES = ['agency', 'township', 'county', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const FEED_KINDS = ['prenatal', 'birth', 'household', 'marriage', 'housing'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

export interface Principal {
  sub: string;
  role: Role;
  /** An agency code, or a division code (9 digits for a township, 6 for a county; admins may hold any). */
  unit: string;
  feeds: FeedKind[];
}

export function principalFromClaims(p: jose.JWTPayload): Principal {
  const role = p.role as Role;
  if (typeof p.sub !== 'string' || !p.sub) throw appError('YPQ_UNAUTHORIZED', 'token has no subject');
  if (!ROLES.includes(role)) throw appError('YPQ_UNAUTHORIZED', `unknown role "${String(p.role)}"`);
  if (typeof p.unit !== 'string' || !p.unit) throw appError('YPQ_UNAUTHORIZED', 'token has no unit');
  if (role === 'township' && !/^\d{9}$/.test(p.unit)) throw appError('YPQ_UNAUTHORIZED', 'a township token needs a 9-digit unit');
  if (role === 'county' && !/^\d{6}$/.test(p.unit)) throw appError('YPQ_UNAUTHORIZED', 'a county token needs a 6-digit unit');
  const feeds = Array.isArray(p.feeds) ? (p.feeds.filter((f) => FEED_KINDS.includes(f as FeedKind)) as FeedKind[]) : [];
  return { sub: p.sub, role, unit: p.unit, feeds };
}

/** Whether the caller's unit covers a division: a township its own villages, a county its townships. */
export function coversDivision(who: Principal, division: string | null | undefined): boolean {
  if (who.role === 'admin') return true;
  if (who.role === 'agency' || !division) return false;
  return division.startsWith(who.unit);
}

export function requireRole(who: Principal, ...roles: Role[]): void {
  if (!roles.includes(who.role)) throw appError('YPQ_FORBIDDEN', `role ${who.role} cannot do this (needs ${roles.join(' or ')})`);
}
