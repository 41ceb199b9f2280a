// What every page handler gets: the caller, the language, the API client, the anti-forgery
// token, and helpers to answer with a page or a redirect. Page routes are registered through
// pageGet/pagePost so that each one is session-authenticated, hidden from the OpenAPI
// description, and (for POST) anti-forgery checked before its handler runs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { appError } from '../errors.js';
import { apiFor, type Api } from './api-client.js';
import { Html } from './html.js';
import { langOf, translator, type Lang, type T } from './i18n/index.js';
import { shell } from './layout.js';
import { checkCsrf, csrfToken, sessionToken } from './session.js';
import { unitName } from './directory.js';

export type Form = Record<string, string | string[]>;

export interface Ctx {
  app: FastifyInstance;
  req: FastifyRequest;
  reply: FastifyReply;
  who: Principal;
  lang: Lang;
  t: T;
  api: Api;
  csrf: string;
  /** The page in a shell with the navigation and the user's unit. */
  page(title: string, body: Html, status?: number): Promise<FastifyReply>;
  redirect(url: string): FastifyReply;
}

export function makeCtx(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply): Ctx {
  const lang = langOf(req);
  const t = translator(lang);
  const api = apiFor(app, req);
  const csrf = csrfToken(sessionToken(req));
  const who = req.principal;
  return {
    app, req, reply, who, lang, t, api, csrf,
    async page(title, body, status = 200) {
      const name = await unitName(api, who).catch(() => who.unit);
      return reply.status(status).type('text/html; charset=utf-8').send(shell({ t, who, unitName: name, csrf, path: req.url }, title, body));
    },
    redirect(url) {
      return reply.redirect(url, 303);
    },
  };
}

type Handler = (c: Ctx) => Promise<FastifyReply | Html | void>;

export function pageGet(app: FastifyInstance, url: string, handler: Handler): void {
  app.get(url, { config: { session: true }, schema: { hide: true } }, async (req, reply) => {
    const out = await handler(makeCtx(app, req, reply));
    return out instanceof Html ? reply.type('text/html; charset=utf-8').send(out.value) : out;
  });
}

/** A form POST: urlencoded body, anti-forgery token in `_csrf`. */
export function pagePost(app: FastifyInstance, url: string, handler: Handler, opts: { multipart?: boolean } = {}): void {
  app.post(
    url,
    {
      config: { session: true },
      schema: { hide: true },
      // Multipart bodies are streamed by the handler, which checks the token in the first field.
      preHandler: opts.multipart ? undefined : async (req) => checkCsrf(req, (req.body as Form | undefined)?._csrf),
    },
    async (req, reply) => {
      if (!opts.multipart && (typeof req.body !== 'object' || req.body === null)) throw appError('YPQ_UNSUPPORTED_MEDIA', 'send the form');
      const out = await handler(makeCtx(app, req, reply));
      return out instanceof Html ? reply.type('text/html; charset=utf-8').send(out.value) : out;
    },
  );
}

/** One form value, trimmed; '' when absent. */
export function field(form: unknown, name: string): string {
  const v = (form as Form | undefined)?.[name];
  return (Array.isArray(v) ? v[0] ?? '' : v ?? '').trim();
}

export function fields(form: unknown, name: string): string[] {
  const v = (form as Form | undefined)?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((s) => s.trim()).filter(Boolean);
}

export function parseForm(body: string): Form {
  const out: Form = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** A query value as one string. */
export function q1(query: unknown, name: string): string {
  return field(query, name);
}

/** A local page path to go back to: only /ui paths, never another host. */
export function safeNext(next: string | undefined, fallback = '/ui/'): string {
  if (!next || !next.startsWith('/ui') || next.startsWith('//') || /[\\\r\n]/.test(next)) return fallback;
  return next;
}
