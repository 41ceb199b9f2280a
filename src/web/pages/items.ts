// 业务办理: business items between member units — submit, assign, handle, feedback, return,
// archive — each with its deadline, handling units and history.
import type { FastifyInstance } from 'fastify';
import { act, badge, csrfField, empty, notice, pager } from '../components.js';
import { field, fields, pageGet, pagePost, q1, type Ctx } from '../context.js';
import { dateTime } from '../format.js';
import { html, qs, type Html } from '../html.js';
import { idParam } from './cases.js';

const BOXES = ['todo', 'in_progress', 'done', 'all'] as const;

interface ItemSummary {
  id: number;
  county: string;
  requester: string;
  requesterName: string;
  title: string;
  status: string;
  returns: number;
  onTime: boolean | null;
  units: string[];
  nextDeadline: string | null;
  overdue: boolean;
  createdAt: string;
  archivedAt: string | null;
}
interface Assignment {
  unit: string;
  unitName: string;
  status: string;
  deadline: string;
  overdue: boolean;
  returns: number;
  late: boolean;
  result: string | null;
  submittedBy: string | null;
  submittedAt: string | null;
}
interface ItemEvent {
  at: string;
  actor: string;
  unit: string;
  action: string;
  comment: string | null;
}
interface Item extends ItemSummary {
  details: string;
  requestedHandling: string;
  createdBy: string;
  assignments: Assignment[];
  events: ItemEvent[];
  you: { office: boolean; requester: boolean; handler: boolean };
}
interface Unit {
  code: string;
  name: string;
  kind: string;
  active: boolean;
}

export function itemTable(c: Ctx, items: ItemSummary[], testid = 'item-list'): Html {
  return items.length
    ? html`<table class="list" data-testid="${testid}"><thead><tr><th scope="col">${c.t('item.id')}</th><th scope="col">${c.t('item.title')}</th><th scope="col">${c.t('item.requester')}</th>
        <th scope="col">${c.t('case.status')}</th><th scope="col">${c.t('item.deadline')}</th><th scope="col">${c.t('item.created')}</th></tr></thead><tbody>
      ${items.map(
        (i) => html`<tr${i.overdue ? html` class="overdue"` : ''}><td>${i.id}</td><td><a href="/ui/items/${i.id}">${i.title}</a></td><td>${i.requesterName}</td>
          <td>${badge(i.status, c.t.code('istatus', i.status))}${i.overdue ? html` ${badge('overdue', c.t('case.overdue'))}` : ''}${i.onTime === false ? html` ${badge('warn', c.t('item.late'))}` : ''}</td>
          <td>${dateTime(c.lang, i.nextDeadline)}</td><td>${dateTime(c.lang, i.createdAt)}</td></tr>`,
      )}</tbody></table>`
    : empty(c);
}

async function listPage(c: Ctx) {
  const box = (BOXES as readonly string[]).includes(q1(c.req.query, 'box')) ? q1(c.req.query, 'box') : 'todo';
  const cursor = q1(c.req.query, 'cursor') || undefined;
  const page = await c.api.get<{ items: ItemSummary[]; nextCursor: string | null }>(`/v1/coordination/items${qs({ box, cursor, limit: 25 })}`);
  const tabs = html`<nav class="tabs" aria-label="${c.t('item.boxes')}">${BOXES.map(
    (b) => html`<a href="/ui/items?box=${b}"${b === box ? html` aria-current="page"` : ''}>${c.t.code('box', b)}</a>`,
  )}</nav>`;
  return c.page(
    c.t('nav.items'),
    html`${notice(c)}<p><a class="button primary" href="/ui/items/new">${c.t('item.new')}</a></p>${tabs}${itemTable(c, page.items)}${pager('/ui/items', { box, cursor }, page.nextCursor, c)}`,
  );
}

async function unitsOf(c: Ctx): Promise<Unit[]> {
  return (await c.api.get<Unit[]>('/v1/coordination/units')).filter((u) => u.active && u.kind !== 'office');
}

function dateEnd(d: string): string | undefined {
  return d ? new Date(`${d}T23:59:59+08:00`).toISOString() : undefined;
}

async function detailPage(c: Ctx, id: number) {
  const i = await c.api.get<Item>(`/v1/coordination/items/${id}`);
  const form = (action: string, label: string, inner: Html, cls = '') =>
    html`<form method="post" action="/ui/items/${id}/${action}" class="action ${cls}" data-action="${action}">${csrfField(c)}${inner}<button type="submit">${label}</button></form>`;
  const forms: Html[] = [];
  const mine = i.assignments.find((a) => a.unit === c.who.unit);
  if (i.you.office && i.status !== 'archived') {
    const units = await unitsOf(c);
    forms.push(form('assign', c.t('item.assign'), html`
      <fieldset><legend>${c.t('item.units')}</legend><div class="checks">${units.map(
        (u) => html`<label class="check"><input type="checkbox" name="units" value="${u.code}"${i.units.includes(u.code) ? html` checked disabled` : ''}> ${u.name}</label>`,
      )}</div></fieldset>
      <label>${c.t('item.deadline')}<input type="date" name="deadline" required></label>
      <label>${c.t('action.comment')}<input name="comment" maxlength="4000"></label>`, 'primary'));
  }
  if (mine && mine.status === 'pending' && i.status === 'in_progress') {
    forms.push(form('handle', c.t('item.handle'), html`<label>${c.t('item.result')}<textarea name="result" required maxlength="20000" rows="3"></textarea></label>`, 'primary'));
  }
  if (i.you.requester && (i.status === 'in_progress' || i.status === 'handled')) {
    forms.push(form('feedback', c.t('item.feedback'), html`<fieldset><legend>${c.t('item.satisfied')}</legend>
      <label class="check"><input type="radio" name="satisfied" value="true" checked> ${c.t('page.yes')}</label>
      <label class="check"><input type="radio" name="satisfied" value="false"> ${c.t('page.no')}</label></fieldset>
      <label>${c.t('action.comment')}<input name="comment" maxlength="4000"></label>`));
  }
  if (i.you.office && (i.status === 'in_progress' || i.status === 'handled')) {
    forms.push(form('return', c.t('item.return'), html`<label>${c.t('action.returnReason')}<textarea name="reason" required maxlength="4000" rows="2"></textarea></label>
      <label>${c.t('item.newDeadline')}<input type="date" name="deadline" required></label>`));
  }
  if (i.you.office && i.status === 'handled') {
    forms.push(form('archive', c.t('item.archive'), html`<label>${c.t('action.comment')}<input name="comment" maxlength="4000"></label>`, 'primary'));
  }
  const assignments = i.assignments.length
    ? html`<table data-testid="assignments"><thead><tr><th scope="col">${c.t('item.unit')}</th><th scope="col">${c.t('case.status')}</th><th scope="col">${c.t('item.deadline')}</th><th scope="col">${c.t('item.result')}</th></tr></thead><tbody>
      ${i.assignments.map((a) => html`<tr${a.overdue ? html` class="overdue"` : ''}><td>${a.unitName}</td><td>${c.t.code('astatus', a.status)}${a.late ? html` ${badge('warn', c.t('item.late'))}` : ''}${a.returns ? html` ${badge('warn', c.t('item.returned', { n: a.returns }))}` : ''}</td>
        <td>${dateTime(c.lang, a.deadline)}</td><td>${a.result ?? ''}${a.submittedAt ? html` <span class="muted">${a.submittedBy} ${dateTime(c.lang, a.submittedAt)}</span>` : ''}</td></tr>`)}
      </tbody></table>`
    : empty(c);
  const events = html`<table data-testid="item-history"><thead><tr><th scope="col">${c.t('hist.at')}</th><th scope="col">${c.t('hist.who')}</th><th scope="col">${c.t('hist.action')}</th><th scope="col">${c.t('hist.note')}</th></tr></thead><tbody>
    ${i.events.map((e) => html`<tr><td>${dateTime(c.lang, e.at)}</td><td>${e.actor} <span class="muted">${e.unit}</span></td><td>${c.t.code('iaction', e.action)}</td><td>${e.comment ?? ''}</td></tr>`)}</tbody></table>`;
  const body = html`${notice(c)}<p><a href="/ui/items">← ${c.t('nav.items')}</a></p>
    <div class="cols"><div>
      <section class="card"><dl class="facts">
        <dt>${c.t('case.status')}</dt><dd data-testid="item-status">${badge(i.status, c.t.code('istatus', i.status))}${i.overdue ? html` ${badge('overdue', c.t('case.overdue'))}` : ''}</dd>
        <dt>${c.t('item.requester')}</dt><dd>${i.requesterName}</dd>
        <dt>${c.t('item.created')}</dt><dd>${dateTime(c.lang, i.createdAt)}</dd>
        <dt>${c.t('item.details')}</dt><dd class="pre">${i.details}</dd>
        ${i.requestedHandling ? html`<dt>${c.t('item.requested')}</dt><dd class="pre">${i.requestedHandling}</dd>` : ''}
      </dl></section>
      <section class="card" aria-labelledby="h-asg"><h2 id="h-asg">${c.t('item.units')}</h2>${assignments}</section>
      <section class="card" aria-labelledby="h-ev"><h2 id="h-ev">${c.t('case.history')}</h2>${events}</section>
    </div><div>
      ${forms.length ? html`<section class="card actions" aria-labelledby="h-act"><h2 id="h-act">${c.t('case.actions')}</h2>${forms}</section>` : ''}
    </div></div>`;
  return c.page(i.title, body);
}

function itemBody(action: string, form: unknown): Record<string, unknown> {
  const opt = (n: string) => field(form, n) || undefined;
  switch (action) {
    case 'assign':
      return { units: fields(form, 'units'), deadline: dateEnd(field(form, 'deadline')), comment: opt('comment') };
    case 'handle':
      return { result: field(form, 'result') };
    case 'feedback':
      return { satisfied: field(form, 'satisfied') !== 'false', comment: opt('comment') };
    case 'return':
      return { reason: field(form, 'reason'), deadline: dateEnd(field(form, 'deadline')) };
    case 'archive':
      return { comment: opt('comment') };
    default:
      return {};
  }
}

export async function itemRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/items', listPage);
  pageGet(app, '/ui/items/new', async (c) =>
    c.page(c.t('item.new'), html`<form method="post" action="/ui/items" class="card stack">${csrfField(c)}
      <label>${c.t('item.title')}<input name="title" required maxlength="200"></label>
      <label>${c.t('item.details')}<textarea name="details" required maxlength="20000" rows="6"></textarea></label>
      <label>${c.t('item.requested')}<textarea name="requestedHandling" maxlength="4000" rows="3"></textarea></label>
      <button type="submit" class="primary">${c.t('item.submit')}</button></form>`),
  );
  pagePost(app, '/ui/items', async (c) => {
    const body = { title: field(c.req.body, 'title'), details: field(c.req.body, 'details'), requestedHandling: field(c.req.body, 'requestedHandling') || undefined };
    return act(
      c, '/ui/items/new', 'submit',
      () => c.api.send<{ id: number }>('POST', '/v1/coordination/items', JSON.parse(JSON.stringify(body))),
      (item) => `/ui/items/${item.id}`,
    );
  });
  pageGet(app, '/ui/items/:id', (c) => detailPage(c, idParam(c)));
  pagePost(app, '/ui/items/:id/:action', async (c) => {
    const id = idParam(c);
    const action = (c.req.params as { action: string }).action;
    if (!['assign', 'handle', 'feedback', 'return', 'archive'].includes(action)) return c.redirect(`/ui/items/${id}?error=YPQ_VALIDATION`);
    const body = JSON.parse(JSON.stringify(itemBody(action, c.req.body))) as Record<string, unknown>;
    return act(c, `/ui/items/${id}`, `item_${action}`, () => c.api.send('POST', `/v1/coordination/items/${id}/${action}`, body));
  });
}
