// 首页: my open and overdue cases, business items due this week, today's intake per agency, and
// the agencies late with their data this month.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-client.js';
import { intakeSince } from '../../intake/batch-list.js';
import { empty, notice } from '../components.js';
import { pageGet, type Ctx } from '../context.js';
import { dateTime, monthKey, month as fmtMonth, pct, startOfToday } from '../format.js';
import { html, type Html } from '../html.js';
import type { CaseSummary } from './cases.js';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface ItemSummary {
  id: number;
  title: string;
  status: string;
  nextDeadline: string | null;
  overdue: boolean;
  requesterName: string;
}
interface Sharing {
  agency: string;
  agencyName: string | null;
  feed: string;
  expected: number;
  submissions: number;
  reportingRate: number | null;
  onTimeRate: number | null;
}

const count = (p: Page<unknown>) => (p.nextCursor ? `${p.items.length}+` : String(p.items.length));

/** A dashboard panel that shows a short message instead of failing the page when its API refuses. */
async function panel(c: Ctx, title: string, id: string, load: () => Promise<Html>): Promise<Html> {
  let body: Html;
  try {
    body = await load();
  } catch (err) {
    if (!(err instanceof ApiError) || err.statusCode >= 500) throw err;
    body = html`<p class="muted">${c.t.code('error', err.code)}</p>`;
  }
  return html`<section class="card" aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${body}</section>`;
}

async function casesPanel(c: Ctx): Promise<Html> {
  const open = await c.api.get<Page<CaseSummary>>('/v1/cases?status=open&status=accepted&limit=200&purpose=dashboard');
  const overdue = await c.api.get<Page<CaseSummary>>('/v1/cases?status=open&status=accepted&overdue=true&limit=200&purpose=dashboard');
  const soon = open.items.slice(0, 6);
  return html`<div class="figures">
      <a class="figure" href="/ui/cases?status=open&amp;status=accepted" data-testid="open-cases"><strong>${count(open)}</strong><span>${c.t('dash.openCases')}</span></a>
      <a class="figure warn" href="/ui/cases?overdue=true" data-testid="overdue-cases"><strong>${count(overdue)}</strong><span>${c.t('dash.overdueCases')}</span></a>
    </div>
    ${soon.length
      ? html`<table><caption>${c.t('dash.soonest')}</caption><thead><tr><th scope="col">${c.t('case.id')}</th><th scope="col">${c.t('case.rule')}</th><th scope="col">${c.t('case.deadline')}</th></tr></thead><tbody>
        ${soon.map((k) => html`<tr${k.overdue ? html` class="overdue"` : ''}><td><a href="/ui/cases/${k.id}">#${k.id}</a></td><td>${c.lang === 'zh' ? k.title.zh : k.title.en}</td><td>${dateTime(c.lang, k.deadline)}</td></tr>`)}
        </tbody></table>`
      : empty(c)}`;
}

async function itemsPanel(c: Ctx): Promise<Html> {
  const page = await c.api.get<Page<ItemSummary>>('/v1/coordination/items?box=todo&limit=200&purpose=dashboard');
  const weekEnd = Date.now() + 7 * 86_400_000;
  const due = page.items.filter((i) => i.nextDeadline && Date.parse(i.nextDeadline) <= weekEnd);
  return due.length
    ? html`<ul class="plain" data-testid="items-due">${due.map(
        (i) => html`<li${i.overdue ? html` class="overdue"` : ''}><a href="/ui/items/${i.id}">${i.title}</a> <span class="muted">${c.t('item.deadline')} ${dateTime(c.lang, i.nextDeadline)}</span></li>`,
      )}</ul>`
    : empty(c);
}

async function intakePanel(c: Ctx): Promise<Html> {
  const rows = await intakeSince(c.app.ctx.pool, c.who, startOfToday());
  return rows.length
    ? html`<table data-testid="intake-today"><thead><tr><th scope="col">${c.t('batch.agency')}</th><th scope="col" class="num">${c.t('batch.batches')}</th><th scope="col" class="num">${c.t('batch.accepted')}</th><th scope="col" class="num">${c.t('batch.rejected')}</th></tr></thead><tbody>
      ${rows.map((r) => html`<tr><td><a href="/ui/batches?agency=${encodeURIComponent(r.agency)}">${r.agencyName ?? r.agency}</a></td><td class="num">${r.batches}</td><td class="num">${r.accepted}</td><td class="num${r.rejected ? ' bad' : ''}">${r.rejected}</td></tr>`)}
      </tbody></table>`
    : empty(c);
}

async function latePanel(c: Ctx): Promise<Html> {
  const m = monthKey();
  const rows = await c.api.get<Sharing[]>(`/v1/coordination/data-sharing/monthly?month=${m}`);
  const late = rows.filter((r) => r.expected > 0 && ((r.reportingRate ?? 0) < 1 || (r.onTimeRate ?? 0) < 1));
  if (!rows.length) return html`<p class="muted">${c.t('dash.noFigures', { month: fmtMonth(c.lang, m) })} <a href="/ui/sharing">${c.t('nav.sharing')}</a></p>`;
  return late.length
    ? html`<table data-testid="late-agencies"><thead><tr><th scope="col">${c.t('batch.agency')}</th><th scope="col">${c.t('batch.feed')}</th><th scope="col" class="num">${c.t('sharing.submissions')}</th><th scope="col" class="num">${c.t('sharing.onTimeRate')}</th></tr></thead><tbody>
      ${late.map((r) => html`<tr><td>${r.agencyName ?? r.agency}</td><td>${c.t.code('feed', r.feed)}</td><td class="num">${r.submissions} / ${r.expected}</td><td class="num">${pct(r.onTimeRate)}</td></tr>`)}
      </tbody></table>`
    : html`<p>${c.t('dash.noneLate')}</p>`;
}

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/', async (c) => {
    const staff = c.who.role !== 'agency';
    const panels: Promise<Html>[] = [];
    if (staff) panels.push(panel(c, c.t('dash.cases'), 'p-cases', () => casesPanel(c)));
    panels.push(panel(c, c.t('dash.itemsDue'), 'p-items', () => itemsPanel(c)));
    panels.push(panel(c, c.t('dash.intakeToday'), 'p-intake', () => intakePanel(c)));
    if (c.who.role === 'county' || c.who.role === 'admin') panels.push(panel(c, c.t('dash.lateAgencies', { month: fmtMonth(c.lang, monthKey()) }), 'p-late', () => latePanel(c)));
    const body = html`${notice(c)}<div class="grid">${await Promise.all(panels)}</div>`;
    return c.page(c.t('nav.dashboard'), body);
  });
}
