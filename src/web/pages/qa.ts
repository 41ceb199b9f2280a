// 交流园地: questions to the group or to one unit, and their answers.
import type { FastifyInstance } from 'fastify';
import { act, badge, csrfField, empty, notice, pager } from '../components.js';
import { field, pageGet, pagePost, q1, type Ctx } from '../context.js';
import { dateTime } from '../format.js';
import { html, qs } from '../html.js';
import { idParam } from './cases.js';

interface QuestionSummary {
  id: number;
  askerName: string;
  toUnitName: string | null;
  title: string;
  status: string;
  answers: number;
  createdAt: string;
}
interface Question extends QuestionSummary {
  body: string;
  createdBy: string;
  answerList: { id: number; unitName: string; body: string; createdBy: string; createdAt: string }[];
}
interface Unit {
  code: string;
  name: string;
  active: boolean;
}

async function listPage(c: Ctx) {
  const status = ['open', 'answered'].includes(q1(c.req.query, 'status')) ? q1(c.req.query, 'status') : undefined;
  const cursor = q1(c.req.query, 'cursor') || undefined;
  const page = await c.api.get<{ items: QuestionSummary[]; nextCursor: string | null }>(`/v1/coordination/questions${qs({ status, cursor, limit: 25 })}`);
  const units = (await c.api.get<Unit[]>('/v1/coordination/units').catch(() => [] as Unit[])).filter((u) => u.active);
  const ask = html`<details class="card"><summary>${c.t('qa.ask')}</summary><form method="post" action="/ui/qa" class="stack">${csrfField(c)}
    <label>${c.t('qa.title')}<input name="title" required maxlength="200"></label>
    <label>${c.t('qa.body')}<textarea name="body" required rows="4" maxlength="20000"></textarea></label>
    <label>${c.t('qa.toUnit')}<select name="toUnit"><option value="">${c.t('qa.anyUnit')}</option>${units.map((u) => html`<option value="${u.code}">${u.name}</option>`)}</select></label>
    <button type="submit" class="primary">${c.t('qa.ask')}</button></form></details>`;
  const tabs = html`<nav class="tabs"><a href="/ui/qa"${!status ? html` aria-current="page"` : ''}>${c.t('page.all')}</a><a href="/ui/qa?status=open"${status === 'open' ? html` aria-current="page"` : ''}>${c.t('qstatus.open')}</a><a href="/ui/qa?status=answered"${status === 'answered' ? html` aria-current="page"` : ''}>${c.t('qstatus.answered')}</a></nav>`;
  const list = page.items.length
    ? html`<table class="list" data-testid="qa-list"><thead><tr><th scope="col">${c.t('qa.title')}</th><th scope="col">${c.t('qa.asker')}</th><th scope="col">${c.t('qa.toUnit')}</th><th scope="col">${c.t('case.status')}</th><th scope="col">${c.t('item.created')}</th></tr></thead><tbody>
      ${page.items.map((q) => html`<tr><td><a href="/ui/qa/${q.id}">${q.title}</a></td><td>${q.askerName}</td><td>${q.toUnitName ?? c.t('qa.anyUnit')}</td><td>${badge(q.status, c.t.code('qstatus', q.status))} <span class="muted">${q.answers}</span></td><td>${dateTime(c.lang, q.createdAt)}</td></tr>`)}
      </tbody></table>`
    : empty(c);
  return c.page(c.t('nav.qa'), html`${notice(c)}${ask}${tabs}${list}${pager('/ui/qa', { status, cursor }, page.nextCursor, c)}`);
}

async function detailPage(c: Ctx, id: number) {
  const q = await c.api.get<Question>(`/v1/coordination/questions/${id}`);
  return c.page(
    q.title,
    html`${notice(c)}<p><a href="/ui/qa">← ${c.t('nav.qa')}</a></p>
    <article class="card"><p class="muted">${q.askerName} · ${dateTime(c.lang, q.createdAt)}${q.toUnitName ? html` → ${q.toUnitName}` : ''}</p><div class="pre">${q.body}</div></article>
    ${q.answerList.map((a) => html`<article class="card answer"><p class="muted">${a.unitName} · ${a.createdBy} · ${dateTime(c.lang, a.createdAt)}</p><div class="pre">${a.body}</div></article>`)}
    <form method="post" action="/ui/qa/${id}/answer" class="card stack">${csrfField(c)}<label>${c.t('qa.answer')}<textarea name="body" required rows="3" maxlength="20000"></textarea></label><button type="submit">${c.t('qa.answer')}</button></form>`,
  );
}

export async function qaRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/qa', listPage);
  pageGet(app, '/ui/qa/:id', (c) => detailPage(c, idParam(c)));
  pagePost(app, '/ui/qa', async (c) => {
    const body = { title: field(c.req.body, 'title'), body: field(c.req.body, 'body'), toUnit: field(c.req.body, 'toUnit') || undefined };
    return act(c, '/ui/qa', 'ask', () => c.api.send<{ id: number }>('POST', '/v1/coordination/questions', JSON.parse(JSON.stringify(body))), (q) => `/ui/qa/${q.id}`);
  });
  pagePost(app, '/ui/qa/:id/answer', async (c) => {
    const id = idParam(c);
    return act(c, `/ui/qa/${id}`, 'answer', () => c.api.send('POST', `/v1/coordination/questions/${id}/answers`, { body: field(c.req.body, 'body') }));
  });
}
