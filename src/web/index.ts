// The web pages for county, township and agency staff (docs/web.md): server-rendered HTML over
// the gateway's own API, in Chinese by default, with every asset served from here.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { AppError } from '../errors.js';
import { ApiError } from './api-client.js';
import { parseForm, safeNext } from './context.js';
import { html } from './html.js';
import { langOf, translator } from './i18n/index.js';
import { shell } from './layout.js';
import { clearSessionCookie, langCookie } from './session.js';
import { staticRoutes } from './static.js';
import { loginRoutes } from './pages/login.js';
import { dashboardRoutes } from './pages/dashboard.js';
import { caseRoutes } from './pages/cases.js';
import { reviewRoutes } from './pages/review.js';
import { batchRoutes } from './pages/batches.js';
import { itemRoutes } from './pages/items.js';
import { documentRoutes } from './pages/documents.js';
import { archiveRoutes } from './pages/archive.js';
import { qaRoutes } from './pages/qa.js';
import { summaryRoutes } from './pages/summaries.js';
import { adminRoutes } from './pages/admin.js';

// Scripts, styles and images from this gateway only; nothing inline may run.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const UPLOAD_MAX_BYTES = 50 * 1024 * 1024;

export async function webRoutes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => {
    done(null, parseForm(body as string));
  });
  await app.register(multipart, { limits: { fileSize: UPLOAD_MAX_BYTES, files: 1, fields: 10 } });

  app.addHook('onSend', async (req, reply) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    // Pages show personal data: never kept by the browser or a proxy.
    if (!req.url.startsWith('/ui/assets/')) reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((err: FastifyError | AppError | ApiError, req, reply) => errorPage(app, err, req, reply));
  await app.register(
    async (ui) => {
      ui.setNotFoundHandler((req, reply) => errorPage(app, new AppError('YPQ_ROUTE_NOT_FOUND', [req.url.split('?')[0]]), req, reply));
    },
    { prefix: '/ui' },
  );

  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/', 302));
  app.get('/ui', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/', 302));
  app.get<{ Querystring: { to?: string; next?: string } }>('/ui/lang', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const to = req.query.to === 'en' ? 'en' : 'zh';
    return reply.header('set-cookie', langCookie(req, to)).redirect(safeNext(req.query.next), 303);
  });

  await app.register(staticRoutes);
  await app.register(loginRoutes);
  await app.register(dashboardRoutes);
  await app.register(caseRoutes);
  await app.register(reviewRoutes);
  await app.register(batchRoutes);
  await app.register(itemRoutes);
  await app.register(documentRoutes);
  await app.register(archiveRoutes);
  await app.register(qaRoutes);
  await app.register(summaryRoutes);
  await app.register(adminRoutes);
}

function errorPage(app: FastifyInstance, err: FastifyError | AppError | ApiError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const t = translator(langOf(req));
  const code = err instanceof AppError || err instanceof ApiError ? err.code : (err as FastifyError).validation ? 'YPQ_VALIDATION' : undefined;
  // An unknown /ui path has no route config, so the gateway asked it for a bearer token: it is a 404.
  if (code === 'YPQ_UNAUTHORIZED' && !req.routeOptions.url) return errorPage(app, new AppError('YPQ_ROUTE_NOT_FOUND', [req.url.split('?')[0]]), req, reply);
  if (code === 'YPQ_UNAUTHORIZED') {
    reply.header('set-cookie', clearSessionCookie(req));
    if (req.method === 'GET') return reply.redirect(`/ui/login?next=${encodeURIComponent(req.url)}`, 303);
    return reply.redirect('/ui/login?expired=1', 303);
  }
  let status = err instanceof AppError || err instanceof ApiError ? err.statusCode : ((err as FastifyError).statusCode ?? 500);
  if (status < 400 || status > 599) status = 500;
  if (status >= 500) req.log.error({ err }, 'page failed');
  const message = code ? t.code('error', code) : status >= 500 ? t('error.internal') : t('error.generic');
  const who = req.principal ?? null;
  const body = html`<div class="alert" role="alert"><p>${message}</p>${code ? html`<p class="muted">${code}</p>` : ''}</div>
    <p><a href="/ui/">${t('nav.dashboard')}</a></p>`;
  void app;
  return reply.status(status).type('text/html; charset=utf-8').send(shell({ t, who, path: req.url.split('?')[0] }, t('error.title'), body));
}
