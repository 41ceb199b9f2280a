// 文件规范 and 最新动态: what member units publish, with attachments to download; any member unit
// may publish under its own name.
import type { FastifyInstance } from 'fastify';
import { act, csrfField, empty, notice, pager } from '../components.js';
import { field, pageGet, pagePost, q1, type Ctx } from '../context.js';
import { dateTime, num } from '../format.js';
import { html, qs } from '../html.js';
import { idParam } from './cases.js';

interface DocSummary {
  id: number;
  unitName: string;
  title: string;
  docNumber: string | null;
  publishedAt: string;
  attachments: number;
}
interface Doc extends Omit<DocSummary, 'attachments'> {
  body: string;
  createdBy: string;
  attachments: { id: number; fileName: string; bytes: number; contentType: string }[];
}

const KINDS = { documents: { api: '/v1/coordination/documents', nav: 'nav.documents' }, news: { api: '/v1/coordination/news', nav: 'nav.news' } } as const;
type Kind = keyof typeof KINDS;

async function listPage(c: Ctx, kind: Kind) {
  const cursor = q1(c.req.query, 'cursor') || undefined;
  const page = await c.api.get<{ items: DocSummary[]; nextCursor: string | null }>(`${KINDS[kind].api}${qs({ cursor, limit: 25 })}`);
  const list = page.items.length
    ? html`<table class="list" data-testid="doc-list"><thead><tr><th scope="col">${c.t('doc.title')}</th><th scope="col">${c.t('doc.number')}</th><th scope="col">${c.t('doc.unit')}</th><th scope="col">${c.t('doc.published')}</th><th scope="col" class="num">${c.t('doc.attachments')}</th></tr></thead><tbody>
      ${page.items.map((d) => html`<tr><td><a href="/ui/${kind}/${d.id}">${d.title}</a></td><td>${d.docNumber ?? ''}</td><td>${d.unitName}</td><td>${dateTime(c.lang, d.publishedAt)}</td><td class="num">${d.attachments}</td></tr>`)}
      </tbody></table>`
    : empty(c);
  const form = html`<details class="card"><summary>${c.t('doc.publish')}</summary>
    <form method="post" action="/ui/${kind}" class="stack">${csrfField(c)}
      <label>${c.t('doc.title')}<input name="title" required maxlength="200"></label>
      ${kind === 'documents' ? html`<label>${c.t('doc.number')}<input name="docNumber" maxlength="100"></label>` : ''}
      <label>${c.t('doc.body')}<textarea name="body" rows="6" maxlength="200000"></textarea></label>
      <button type="submit" class="primary">${c.t('doc.publish')}</button></form></details>`;
  return c.page(c.t(KINDS[kind].nav), html`${notice(c)}${form}${list}${pager(`/ui/${kind}`, { cursor }, page.nextCursor, c)}`);
}

async function detailPage(c: Ctx, kind: Kind, id: number) {
  const d = await c.api.get<Doc>(`${KINDS[kind].api}/${id}`);
  return c.page(
    d.title,
    html`${notice(c)}<p><a href="/ui/${kind}">← ${c.t(KINDS[kind].nav)}</a></p>
    <article class="card"><p class="muted">${d.unitName} · ${dateTime(c.lang, d.publishedAt)}${d.docNumber ? html` · ${d.docNumber}` : ''}</p>
      <div class="pre">${d.body}</div>
      ${d.attachments.length ? html`<h2>${c.t('doc.attachments')}</h2><ul>${d.attachments.map((a) => html`<li><a href="/ui/attachments/${a.id}">${a.fileName}</a> <span class="muted">${num(a.bytes)} B</span></li>`)}</ul>` : ''}
    </article>`,
  );
}

export async function documentRoutes(app: FastifyInstance): Promise<void> {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    pageGet(app, `/ui/${kind}`, (c) => listPage(c, kind));
    pageGet(app, `/ui/${kind}/:id`, (c) => detailPage(c, kind, idParam(c)));
    pagePost(app, `/ui/${kind}`, async (c) => {
      const body = { title: field(c.req.body, 'title'), docNumber: field(c.req.body, 'docNumber') || undefined, body: field(c.req.body, 'body') };
      return act(c, `/ui/${kind}`, 'publish', () => c.api.send<{ id: number }>('POST', KINDS[kind].api, JSON.parse(JSON.stringify(body))), (d) => `/ui/${kind}/${d.id}`);
    });
  }
  pageGet(app, '/ui/attachments/:id', async (c) => {
    const res = await c.api.raw('GET', `/v1/coordination/attachments/${idParam(c)}`);
    return c.reply
      .type(String(res.headers['content-type'] ?? 'application/octet-stream'))
      .header('content-disposition', String(res.headers['content-disposition'] ?? 'attachment'))
      .send(res.rawPayload);
  });
}
