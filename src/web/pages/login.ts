// Login and logout. The form posts to the gateway's login API (POST /v1/auth/login) in process;
// the JWT it answers goes into the HttpOnly session cookie and never into the page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field, pagePost, safeNext } from '../context.js';
import { html } from '../html.js';
import { langOf, translator, type T } from '../i18n/index.js';
import { shell } from '../layout.js';
import { checkSameOrigin, clearSessionCookie, sessionCookie } from '../session.js';

function loginPage(t: T, req: FastifyRequest, reply: FastifyReply, opts: { next: string; error?: string; username?: string; status?: number }) {
  const body = html`<form method="post" action="/ui/login" class="login card" autocomplete="on">
    ${opts.error ? html`<div class="alert" role="alert">${opts.error}</div>` : ''}
    <input type="hidden" name="next" value="${opts.next}">
    <label>${t('login.username')}<input name="username" autocomplete="username" required autofocus value="${opts.username ?? ''}"></label>
    <label>${t('login.password')}<input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit" class="primary">${t('login.submit')}</button>
    <p class="muted">${t('login.hint')}</p>
  </form>`;
  return reply.status(opts.status ?? 200).type('text/html; charset=utf-8').send(shell({ t, who: null, path: req.url }, t('login.title'), body));
}

export async function loginRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { next?: string; expired?: string } }>('/ui/login', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const t = translator(langOf(req));
    return loginPage(t, req, reply, { next: safeNext(req.query.next), error: req.query.expired ? t('login.expired') : undefined });
  });

  app.post('/ui/login', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const t = translator(langOf(req));
    // No session yet to bind a token to; a login forced from another site is refused by origin.
    checkSameOrigin(req);
    const username = field(req.body, 'username');
    const password = field(req.body, 'password');
    const next = safeNext(field(req.body, 'next'));
    const res = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'application/json', 'x-request-id': String(req.id) },
      payload: JSON.stringify({ username, password }),
    });
    if (res.statusCode !== 200) {
      const code = (res.json() as { code?: string }).code ?? 'YPQ_LOGIN_FAILED';
      const message = code === 'YPQ_LOGIN_LOCKED' ? t('login.locked') : code === 'YPQ_VALIDATION' ? t('login.missing') : t('login.failed');
      return loginPage(t, req, reply, { next, error: message, username, status: res.statusCode === 423 ? 423 : 401 });
    }
    const { token, expiresAt } = res.json() as { token: string; expiresAt: string };
    return reply.header('set-cookie', sessionCookie(req, token, new Date(expiresAt))).redirect(next, 303);
  });

  pagePost(app, '/ui/logout', async (c) => {
    c.reply.header('set-cookie', clearSessionCookie(c.req));
    return c.redirect('/ui/login');
  });
}
