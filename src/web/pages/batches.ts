// 数据报送: an agency's submissions with their counts, a batch's rejects (and the CSV of them),
// and the upload form through which an agency sends a file (POST /v1/feeds/{feed}).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-client.js';
import { listBatches } from '../../intake/batch-list.js';
import { badge, csrfField, empty, notice } from '../components.js';
import { pageGet, pagePost, q1, type Ctx } from '../context.js';
import { agencies } from '../directory.js';
import { dateTime, num } from '../format.js';
import { html, qs } from '../html.js';
import { checkCsrf } from '../session.js';
import { appError } from '../../errors.js';
import { FEED_KINDS } from '../../auth/principal.js';
import { idParam } from './cases.js';

interface Batch {
  id: number;
  agency: string;
  feed: string;
  channel: string;
  fileName: string | null;
  format: string | null;
  status: string;
  receivedAt: string;
  finishedAt: string | null;
  bytes: number;
  counts: { received: number; accepted: number; rejected: number; duplicate: number; superseded: number };
  error: { code: string; message: string } | null;
}
interface Reject {
  position: number;
  recordId: string | null;
  field: string | null;
  code: string;
  message: string;
}

const PAGE = 30;
const MEDIA: Record<string, string> = { csv: 'text/csv', json: 'application/json', xml: 'application/xml' };

function uploadForm(c: Ctx) {
  if (c.who.role !== 'agency') return html``;
  return html`<section class="card" aria-labelledby="h-upload"><h2 id="h-upload">${c.t('batch.upload')}</h2>
    <form method="post" action="/ui/batches/upload" enctype="multipart/form-data" class="upload">
      ${csrfField(c)}
      <label>${c.t('batch.feed')}<select name="feed" required>${c.who.feeds.map((f) => html`<option value="${f}">${c.t.code('feed', f)}</option>`)}</select></label>
      <label>${c.t('batch.file')}<input type="file" name="file" required accept=".csv,.json,.xml,text/csv,application/json,application/xml"></label>
      <button type="submit" class="primary">${c.t('batch.send')}</button>
      <p class="muted">${c.t('batch.uploadHint')}</p>
    </form></section>`;
}

function statusOf(c: Ctx, b: Batch) {
  return badge(b.status === 'failed' ? 'bad' : b.counts.rejected ? 'warn' : b.status, c.t.code('bstatus', b.status));
}

async function listPage(c: Ctx) {
  const agency = q1(c.req.query, 'agency');
  const feed = q1(c.req.query, 'feed');
  const before = Number(q1(c.req.query, 'before')) || undefined;
  const rows = await listBatches(c.app.ctx.pool, c.who, {
    agency: agency || undefined,
    feed: (FEED_KINDS as readonly string[]).includes(feed) ? feed : undefined,
    before,
    limit: PAGE + 1,
  });
  const page = rows.slice(0, PAGE) as unknown as Batch[];
  const names = new Map((await agencies(c.api)).map((a) => [a.code, a.name]));
  const filters = c.who.role === 'agency' ? html`` : html`<form method="get" action="/ui/batches" class="filters" role="search">
    <label>${c.t('batch.agency')}<select name="agency"><option value="">${c.t('page.all')}</option>
      ${[...names].map(([code, name]) => html`<option value="${code}"${code === agency ? html` selected` : ''}>${name}</option>`)}</select></label>
    <label>${c.t('batch.feed')}<select name="feed"><option value="">${c.t('page.all')}</option>
      ${FEED_KINDS.map((f) => html`<option value="${f}"${f === feed ? html` selected` : ''}>${c.t.code('feed', f)}</option>`)}</select></label>
    <button type="submit">${c.t('page.filter')}</button></form>`;
  const table = page.length
    ? html`<table class="list" data-testid="batch-list"><thead><tr><th scope="col">${c.t('batch.batch')}</th><th scope="col">${c.t('batch.agency')}</th><th scope="col">${c.t('batch.feed')}</th>
        <th scope="col">${c.t('batch.file')}</th><th scope="col">${c.t('batch.received')}</th><th scope="col">${c.t('case.status')}</th>
        <th scope="col" class="num">${c.t('batch.records')}</th><th scope="col" class="num">${c.t('batch.accepted')}</th><th scope="col" class="num">${c.t('batch.rejected')}</th><th scope="col" class="num">${c.t('batch.duplicate')}</th></tr></thead><tbody>
      ${page.map(
        (b) => html`<tr><td><a href="/ui/batches/${b.id}">${b.id}</a></td><td>${names.get(b.agency) ?? b.agency}</td><td>${c.t.code('feed', b.feed)}</td>
          <td>${b.fileName ?? c.t.code('channel', b.channel)}</td><td>${dateTime(c.lang, b.receivedAt)}</td><td>${statusOf(c, b)}</td>
          <td class="num">${num(b.counts.received)}</td><td class="num">${num(b.counts.accepted)}</td><td class="num${b.counts.rejected ? ' bad' : ''}">${num(b.counts.rejected)}</td><td class="num">${num(b.counts.duplicate)}</td></tr>`,
      )}</tbody></table>`
    : empty(c);
  const more = rows.length > PAGE ? html`<nav class="pager"><a rel="next" href="/ui/batches${qs({ agency, feed, before: page[page.length - 1].id })}">${c.t('page.next')}</a></nav>` : '';
  return c.page(c.t('nav.batches'), html`${notice(c)}${uploadForm(c)}${filters}${table}${more}`);
}

async function detailPage(c: Ctx, id: number) {
  const b = await c.api.get<Batch>(`/v1/batches/${id}`);
  const rejects = await c.api.get<{ rejects: Reject[]; nextAfter: number | null }>(`/v1/batches/${id}/rejects?limit=200`);
  const name = (await agencies(c.api)).find((a) => a.code === b.agency)?.name ?? b.agency;
  const facts = html`<dl class="facts">
    <dt>${c.t('batch.agency')}</dt><dd>${name}</dd>
    <dt>${c.t('batch.feed')}</dt><dd>${c.t.code('feed', b.feed)}</dd>
    <dt>${c.t('batch.file')}</dt><dd>${b.fileName ?? '—'} <span class="muted">(${c.t.code('channel', b.channel)}, ${num(b.bytes)} B)</span></dd>
    <dt>${c.t('batch.received')}</dt><dd>${dateTime(c.lang, b.receivedAt)}</dd>
    <dt>${c.t('case.status')}</dt><dd data-testid="batch-status">${statusOf(c, b)}</dd>
    ${b.error ? html`<dt>${c.t('batch.error')}</dt><dd>${c.t.code('error', b.error.code)} <span class="muted">${b.error.message}</span></dd>` : ''}
  </dl>
  <div class="figures" data-testid="batch-counts">
    <div class="figure"><strong>${num(b.counts.received)}</strong><span>${c.t('batch.records')}</span></div>
    <div class="figure"><strong>${num(b.counts.accepted)}</strong><span>${c.t('batch.accepted')}</span></div>
    <div class="figure${b.counts.rejected ? ' warn' : ''}"><strong data-testid="rejected-count">${num(b.counts.rejected)}</strong><span>${c.t('batch.rejected')}</span></div>
    <div class="figure"><strong>${num(b.counts.duplicate)}</strong><span>${c.t('batch.duplicate')}</span></div>
  </div>`;
  const table = rejects.rejects.length
    ? html`<p><a href="/ui/batches/${id}/rejects.csv" download data-testid="rejects-csv">${c.t('batch.downloadRejects')}</a></p>
      <table class="list" data-testid="rejects"><thead><tr><th scope="col" class="num">${c.t('reject.position')}</th><th scope="col">${c.t('reject.recordId')}</th><th scope="col">${c.t('reject.field')}</th><th scope="col">${c.t('reject.code')}</th><th scope="col">${c.t('reject.message')}</th></tr></thead><tbody>
      ${rejects.rejects.map((r) => html`<tr><td class="num">${r.position}</td><td class="mono">${r.recordId ?? '—'}</td><td>${r.field ?? '—'}</td><td>${c.t.code('reject', r.code)} <span class="muted mono">${r.code}</span></td><td>${r.message}</td></tr>`)}
      </tbody></table>${rejects.nextAfter ? html`<p class="muted">${c.t('batch.moreRejects')}</p>` : ''}`
    : html`<p class="muted">${c.t('batch.noRejects')}</p>`;
  return c.page(`${c.t('batch.batch')} ${b.id}`, html`${notice(c)}<p><a href="/ui/batches">← ${c.t('nav.batches')}</a></p>
    <section class="card">${facts}</section>
    <section class="card" aria-labelledby="h-rejects"><h2 id="h-rejects">${c.t('batch.rejects')}</h2>${table}</section>`);
}

export async function batchRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/batches', listPage);
  pageGet(app, '/ui/batches/:id', (c) => detailPage(c, idParam(c)));
  pageGet(app, '/ui/batches/:id/rejects.csv', async (c) => {
    const id = idParam(c);
    const res = await c.api.raw('GET', `/v1/batches/${id}/rejects?format=csv`);
    return c.reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="batch-${id}-rejects.csv"`)
      .send(res.rawPayload);
  });

  pagePost(
    app,
    '/ui/batches/upload',
    async (c) => {
      let feed = '';
      let csrf: string | undefined;
      for await (const part of c.req.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === '_csrf') csrf = String(part.value);
          if (part.fieldname === 'feed') feed = String(part.value);
          continue;
        }
        // The token and the feed come before the file in the form; nothing is read before the check.
        checkCsrf(c.req, csrf);
        if (!(FEED_KINDS as readonly string[]).includes(feed)) {
          part.file.resume();
          return c.redirect('/ui/batches?error=YPQ_UNKNOWN_FEED');
        }
        const name = part.filename || 'upload';
        const ext = /\.(csv|json|xml)$/i.exec(name)?.[1]?.toLowerCase() ?? 'csv';
        let res;
        try {
          res = await c.api.raw('POST', `/v1/feeds/${feed}${qs({ fileName: name })}`, { body: part.file, contentType: MEDIA[ext] });
        } catch (err) {
          part.file.resume();
          if (err instanceof ApiError && err.statusCode < 500) return c.redirect(`/ui/batches?error=${encodeURIComponent(err.code)}`);
          throw err;
        }
        const out = res.json<{ id?: number; batchId?: number; code?: string }>();
        const batchId = out.id ?? out.batchId;
        return c.redirect(`/ui/batches/${batchId}?${res.statusCode === 422 ? `error=${encodeURIComponent(out.code ?? 'YPQ_UNPARSEABLE')}` : 'done=upload'}`);
      }
      checkCsrf(c.req, csrf);
      throw appError('YPQ_VALIDATION', 'choose a file');
    },
    { multipart: true },
  );
}
