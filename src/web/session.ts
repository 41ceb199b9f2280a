// Browser sessions for the staff pages. The JWT from POST /v1/auth/login is kept in an HttpOnly,
// SameSite=Strict cookie; only page routes (config.session) accept it, never the /v1 API, so the
// API keeps its header-only auth and no cross-site request can act through it. State-changing
// page requests also carry an anti-forgery token bound to the session (a hash of the JWT, which a
// foreign page can neither read nor compute), and a foreign Origin is refused outright.
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError, appError } from '../errors.js';
import { principalFromClaims, type Principal } from '../auth/principal.js';
import { requireLiveUser } from '../coordination/users/user-service.js';
import type { AppContext } from '../gateway/app.js';

export const SESSION_COOKIE = 'ypq_session';
export const LANG_COOKIE = 'ypq_lang';

const tokens = new WeakMap<FastifyRequest, string>();

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 1) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/** The session's JWT, as the page's API calls forward it (set by sessionPrincipal). */
export function sessionToken(req: FastifyRequest): string {
  const t = tokens.get(req);
  if (!t) throw appError('YPQ_UNAUTHORIZED', 'no session');
  return t;
}

/** Authenticates a page request from its session cookie (the gateway's onRequest hook calls this). */
export async function sessionPrincipal(ctx: AppContext, req: FastifyRequest): Promise<Principal> {
  const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (!token) throw appError('YPQ_UNAUTHORIZED', 'log in first');
  let claims;
  try {
    claims = await ctx.keys.verify(token);
  } catch (err) {
    throw new AppError('YPQ_UNAUTHORIZED', [(err as { code?: string }).code ?? 'bad session'], { cause: err });
  }
  // A disabled user, or one whose password changed, is logged out of the pages at once.
  await requireLiveUser(ctx.pool, token);
  tokens.set(req, token);
  return principalFromClaims(claims);
}

export function csrfToken(sessionJwt: string): string {
  return crypto.createHash('sha256').update('yipanqi-csrf\0').update(sessionJwt).digest('base64url');
}

/** Refuses a request sent by another site's page (Fetch Metadata, else Origin). */
export function checkSameOrigin(req: FastifyRequest): void {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') throw appError('YPQ_CSRF', `a ${site} request`);
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw appError('YPQ_CSRF', 'an unreadable Origin');
    }
    if (host !== req.headers.host) throw appError('YPQ_CSRF', `Origin ${host}`);
  } else if (origin === 'null') {
    throw appError('YPQ_CSRF', 'an opaque Origin');
  }
}

/** Refuses a state-changing page request without this session's token or from a foreign origin. */
export function checkCsrf(req: FastifyRequest, supplied: unknown): void {
  checkSameOrigin(req);
  const expected = Buffer.from(csrfToken(sessionToken(req)));
  const given = Buffer.from(typeof supplied === 'string' ? supplied : String(req.headers['x-csrf-token'] ?? ''));
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw appError('YPQ_CSRF', 'missing or wrong token');
}

const secureFlag = (req: FastifyRequest) => (req.protocol === 'https' ? '; Secure' : '');

export function sessionCookie(req: FastifyRequest, jwt: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${jwt}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secureFlag(req)}`;
}

export function clearSessionCookie(req: FastifyRequest): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secureFlag(req)}`;
}

export function langCookie(req: FastifyRequest, lang: string): string {
  return `${LANG_COOKIE}=${lang}; Path=/; SameSite=Strict; Max-Age=31536000${secureFlag(req)}`;
}
