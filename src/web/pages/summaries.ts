// 数据共享 and 监管: the monthly data-sharing figures per agency and the case-handling figures per
// township, a table for the chosen month and a chart of the months before it (uPlot, served by
// the gateway), with the XLSX export of the data-sharing figures.
import type { FastifyInstance } from 'fastify';
import { act, badge, csrfField, empty, notice } from '../components.js';
import { pageGet, pagePost, q1, type Ctx } from '../context.js';
import { countyOf, townshipNames } from '../directory.js';
import { month as fmtMonth, monthKey, num, pct } from '../format.js';
import { html, jsonScript, qs, type Html } from '../html.js';
import { asset } from '../static.js';

interface Sharing {
  month: string;
  agency: string;
  agencyName: string | null;
  feed: string;
  expected: number;
  submissions: number;
  onTimeSubmissions: number;
  supplied: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  reportingRate: number | null;
  onTimeRate: number | null;
  completenessRate: number | null;
  linkedShare: number | null;
  score: number | null;
}
interface Supervision {
  month: string;
  level: string;
  unit: string;
  received: number;
  due: number;
  accepted: number;
  resolvedOnTime: number;
  overdue: number;
  returned: number;
  medianResponseHours: number | null;
  delegations: number;
  delegationsOnTime: number;
  score: number | null;
}

const MONTHS_SHOWN = 6;

function chosenMonth(c: Ctx): string {
  const m = q1(c.req.query, 'month');
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(m) ? m : monthKey();
}

/** The chosen month and the MONTHS_SHOWN − 1 before it, oldest first. */
function monthsUpTo(m: string): string[] {
  const [y, mo] = m.split('-').map(Number);
  const out: string[] = [];
  for (let i = MONTHS_SHOWN - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(y, mo - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

function monthForm(c: Ctx, path: string, m: string, extra: Html | string = ''): Html {
  return html`<form method="get" action="${path}" class="filters"><label>${c.t('summary.month')}<input type="month" name="month" value="${m}" required></label>
    <button type="submit">${c.t('page.show')}</button>${extra}</form>`;
}

function chart(c: Ctx, id: string, title: string, months: string[], series: { name: string; values: (number | null)[] }[], unit: string): Html {
  return html`<figure class="chart card" aria-labelledby="${id}-cap">
    <figcaption id="${id}-cap">${title}</figcaption>
    <div class="chart-box" data-chart="${id}" role="img" aria-label="${title}"></div>
    ${jsonScript(`${id}-data`, { labels: months.map((x) => fmtMonth(c.lang, x)), series, unit })}
  </figure>`;
}

function computeForm(c: Ctx, path: string, m: string): Html {
  if (c.who.role !== 'county' && c.who.role !== 'admin') return html``;
  return html`<form method="post" action="${path}/compute" class="inline">${csrfField(c)}<input type="hidden" name="month" value="${m}">
    <button type="submit" data-testid="recompute">${c.t('summary.recompute')}</button></form>`;
}

const chartScripts = html`<link rel="stylesheet" href="${asset('uplot.css')}"><script src="${asset('uplot.js')}" defer></script><script src="${asset('charts.js')}" defer></script>`;

async function sharingPage(c: Ctx) {
  const m = chosenMonth(c);
  const months = monthsUpTo(m);
  const rows = await c.api.get<Sharing[]>(`/v1/coordination/data-sharing/monthly${qs({ from: months[0], to: m })}`);
  const current = rows.filter((r) => r.month === m);
  const agencies = [...new Map(rows.map((r) => [r.agency, r.agencyName ?? r.agency]))];
  const series = agencies.map(([code, name]) => ({
    name,
    values: months.map((mo) => {
      const of = rows.filter((r) => r.agency === code && r.month === mo);
      return of.length ? of.reduce((s, r) => s + r.accepted, 0) : null;
    }),
  }));
  const table = current.length
    ? html`<div class="scroll"><table class="list" data-testid="sharing-table"><thead><tr>
        <th scope="col">${c.t('batch.agency')}</th><th scope="col">${c.t('batch.feed')}</th><th scope="col" class="num">${c.t('sharing.submissions')}</th>
        <th scope="col" class="num">${c.t('sharing.supplied')}</th><th scope="col" class="num">${c.t('batch.accepted')}</th><th scope="col" class="num">${c.t('batch.rejected')}</th>
        <th scope="col" class="num">${c.t('sharing.reportingRate')}</th><th scope="col" class="num">${c.t('sharing.onTimeRate')}</th><th scope="col" class="num">${c.t('sharing.completeness')}</th>
        <th scope="col" class="num">${c.t('sharing.linkedShare')}</th><th scope="col" class="num">${c.t('sharing.score')}</th></tr></thead><tbody>
      ${current.map((r) => {
        const late = r.expected > 0 && ((r.reportingRate ?? 0) < 1 || (r.onTimeRate ?? 0) < 1);
        return html`<tr${late ? html` class="overdue"` : ''}><td>${r.agencyName ?? r.agency}${late ? html` ${badge('overdue', c.t('sharing.late'))}` : ''}</td><td>${c.t.code('feed', r.feed)}</td>
          <td class="num">${r.submissions} / ${r.expected}</td><td class="num">${num(r.supplied)}</td><td class="num">${num(r.accepted)}</td><td class="num">${num(r.rejected)}</td>
          <td class="num">${pct(r.reportingRate)}</td><td class="num">${pct(r.onTimeRate)}</td><td class="num">${pct(r.completenessRate)}</td><td class="num">${pct(r.linkedShare)}</td><td class="num">${num(r.score, 1)}</td></tr>`;
      })}</tbody></table></div>`
    : html`<p class="muted">${c.t('summary.noFigures')}</p>`;
  const downloads = html` <a class="button" href="/ui/sharing/export.xlsx?month=${m}" download data-testid="xlsx">${c.t('summary.xlsx')}</a>`;
  const body = html`${notice(c)}${monthForm(c, '/ui/sharing', m, downloads)}${computeForm(c, '/ui/sharing', m)}
    ${chart(c, 'sharing', c.t('sharing.chart'), months, series, c.t('sharing.records'))}
    <section class="card" aria-labelledby="h-month"><h2 id="h-month">${fmtMonth(c.lang, m)}</h2>${table}</section>`;
  return c.page(c.t('nav.sharing'), html`${body}${chartScripts}`);
}

async function supervisionPage(c: Ctx) {
  const m = chosenMonth(c);
  const months = monthsUpTo(m);
  const perMonth = await Promise.all(months.map((mo) => c.api.get<Supervision[]>(`/v1/coordination/supervision${qs({ month: mo, level: 'township' })}`)));
  const county = countyOf(c.who) ?? perMonth.flat()[0]?.unit.slice(0, 6) ?? null;
  const names = county ? await townshipNames(c.api, county).catch(() => new Map<string, string>()) : new Map<string, string>();
  const current = perMonth[perMonth.length - 1];
  const units = [...new Set(perMonth.flat().map((r) => r.unit))].sort();
  const series = units.map((u) => ({ name: names.get(u) ?? u, values: perMonth.map((rows) => rows.find((r) => r.unit === u)?.score ?? null) }));
  const table = current.length
    ? html`<div class="scroll"><table class="list" data-testid="supervision-table"><thead><tr><th scope="col">${c.t('case.township')}</th>
        <th scope="col" class="num">${c.t('sup.received')}</th><th scope="col" class="num">${c.t('sup.due')}</th><th scope="col" class="num">${c.t('sup.accepted')}</th>
        <th scope="col" class="num">${c.t('sup.resolvedOnTime')}</th><th scope="col" class="num">${c.t('sup.overdue')}</th><th scope="col" class="num">${c.t('sup.returned')}</th>
        <th scope="col" class="num">${c.t('sup.median')}</th><th scope="col" class="num">${c.t('sup.delegations')}</th><th scope="col" class="num">${c.t('sharing.score')}</th></tr></thead><tbody>
      ${current.map((r) => html`<tr><td>${names.get(r.unit) ?? r.unit}</td><td class="num">${r.received}</td><td class="num">${r.due}</td><td class="num">${r.accepted}</td>
        <td class="num">${r.resolvedOnTime}</td><td class="num${r.overdue ? ' bad' : ''}">${r.overdue}</td><td class="num">${r.returned}</td><td class="num">${num(r.medianResponseHours, 1)}</td>
        <td class="num">${r.delegationsOnTime} / ${r.delegations}</td><td class="num">${num(r.score, 1)}</td></tr>`)}</tbody></table></div>`
    : html`<p class="muted">${c.t('summary.noFigures')}</p>`;
  const body = html`${notice(c)}${monthForm(c, '/ui/supervision', m)}${computeForm(c, '/ui/supervision', m)}
    ${units.length ? chart(c, 'supervision', c.t('sup.chart'), months, series, c.t('sharing.score')) : empty(c)}
    <section class="card" aria-labelledby="h-month"><h2 id="h-month">${fmtMonth(c.lang, m)}</h2>${table}</section>`;
  return c.page(c.t('nav.supervision'), html`${body}${chartScripts}`);
}

export async function summaryRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/sharing', sharingPage);
  pageGet(app, '/ui/supervision', supervisionPage);
  pageGet(app, '/ui/sharing/export.xlsx', async (c) => {
    const m = chosenMonth(c);
    const res = await c.api.raw('GET', `/v1/coordination/data-sharing/export${qs({ month: m, format: 'xlsx' })}`);
    return c.reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="data-sharing-${m}.xlsx"`)
      .send(res.rawPayload);
  });
  for (const what of ['sharing', 'supervision'] as const) {
    pagePost(app, `/ui/${what}/compute`, async (c) => {
      const m = /^\d{4}-\d{2}$/.test(String((c.req.body as Record<string, unknown>).month)) ? String((c.req.body as Record<string, unknown>).month) : monthKey();
      const months = monthsUpTo(m);
      return act(c, `/ui/${what}?month=${m}`, 'compute', () =>
        c.api.send('POST', `/v1/coordination/${what === 'sharing' ? 'data-sharing' : 'supervision'}/compute`, { from: months[0], to: m }),
      );
    });
  }
}
