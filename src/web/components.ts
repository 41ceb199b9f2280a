// Small pieces several pages use: the outcome notice after an action, paging links, badges, an
// anti-forgery field, masked identifiers, and running an API action with a redirect back.
import type { FastifyReply } from 'fastify';
import { ApiError } from './api-client.js';
import type { Ctx } from './context.js';
import { q1 } from './context.js';
import { html, qs, raw, type Html } from './html.js';
import { maskId, maskPhone } from './format.js';

export function csrfField(c: Ctx): Html {
  return html`<input type="hidden" name="_csrf" value="${c.csrf}">`;
}

/** The notice after a redirect: ?done=<action> or ?error=<code>, as translated text (never text from the URL). */
export function notice(c: Ctx): Html {
  const done = q1(c.req.query, 'done');
  const error = q1(c.req.query, 'error');
  if (error) return html`<div class="alert" role="alert" data-testid="notice-error">${c.t.code('error', error)}</div>`;
  if (done) return html`<div class="ok" role="status" data-testid="notice-ok">${c.t.code('done', done)}</div>`;
  return html``;
}

/** Runs an action through the API; back to `back` with ?done=, or ?error=<code> when the API refused it. */
export async function act<R>(c: Ctx, back: string, done: string, fn: () => Promise<R>, next?: (r: R) => string): Promise<FastifyReply> {
  const sep = back.includes('?') ? '&' : '?';
  let result: R;
  try {
    result = await fn();
  } catch (err) {
    if (err instanceof ApiError && err.statusCode >= 400 && err.statusCode < 500 && err.statusCode !== 401) {
      c.req.log.info({ code: err.code, msg: err.message }, 'page action refused');
      return c.redirect(`${back}${sep}error=${encodeURIComponent(err.code)}`);
    }
    throw err;
  }
  if (next) {
    const to = next(result);
    return c.redirect(`${to}${to.includes('?') ? '&' : '?'}done=${encodeURIComponent(done)}`);
  }
  return c.redirect(`${back}${sep}done=${encodeURIComponent(done)}`);
}

export function pager(path: string, params: Record<string, string | string[] | undefined>, nextCursor: string | null, c: Ctx, key = 'cursor'): Html {
  const hasPrev = !!params[key];
  if (!nextCursor && !hasPrev) return html``;
  return html`<nav class="pager" aria-label="${c.t('page.paging')}">
    ${hasPrev ? html`<a href="${path}${qs({ ...params, [key]: undefined })}">${c.t('page.first')}</a>` : ''}
    ${nextCursor ? html`<a href="${path}${qs({ ...params, [key]: nextCursor })}" rel="next">${c.t('page.next')}</a>` : ''}
  </nav>`;
}

export function badge(kind: string, text: string): Html {
  return html`<span class="badge badge-${kind}">${text}</span>`;
}

export function idNumber(v: string | null, reveal: boolean): Html {
  return reveal ? html`<span class="mono">${v ?? '—'}</span>` : html`<span class="mono masked">${maskId(v)}</span>`;
}

export function phone(v: string | null, reveal: boolean): Html {
  return reveal ? html`<span class="mono">${v ?? '—'}</span>` : html`<span class="mono masked">${maskPhone(v)}</span>`;
}

export function empty(c: Ctx): Html {
  return html`<p class="muted">${c.t('page.empty')}</p>`;
}

/** A bar for a weight, drawn in SVG (the page's CSP allows no inline style). */
export function weightBar(weight: number, max: number): Html {
  const w = Math.min(100, Math.round((Math.abs(weight) / Math.max(max, 1)) * 100));
  const cls = weight >= 0 ? 'pos' : 'neg';
  return raw(`<svg class="wbar ${cls}" width="100" height="10" aria-hidden="true"><rect width="${w}" height="10"></rect></svg>`);
}
