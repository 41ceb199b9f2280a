// 案件: the list with filters and paging, and one case with what its handler needs, the linked
// persons (ID numbers and phones masked until the handler asks, which is audited), the match
// explanation, handovers, history and the actions its status allows.
import type { FastifyInstance } from 'fastify';
import { RULES } from '../../rules/catalog.js';
import { appError } from '../../errors.js';
import { act, badge, csrfField, empty, idNumber, notice, pager, phone } from '../components.js';
import { field, fields, pageGet, pagePost, q1, type Ctx } from '../context.js';
import { countyOf, divisionName, townshipNames } from '../directory.js';
import { date, dateTime } from '../format.js';
import { html, qs, type Html } from '../html.js';
import { explanationView } from './explanation.js';

const STATUSES = ['open', 'accepted', 'resolved', 'returned', 'closed'] as const;

export interface CaseSummary {
  id: number;
  rule: string;
  title: { zh: string; en: string };
  status: string;
  township: string | null;
  county: string;
  deadline: string;
  overdue: boolean;
  escalationLevel: number;
  delegatedTo: string | null;
  createdAt: string;
  updatedAt: string;
}
interface Delegation {
  id: number;
  fromUnit: string;
  toUnit: string;
  deadline: string;
  request: string;
  status: string;
  answer: string | null;
  answeredBy: string | null;
  createdAt: string;
  answeredAt: string | null;
}
interface HistoryEntry {
  at: string;
  actor: string;
  role: string;
  unit: string;
  action: string;
  comment: string | null;
}
interface Case extends CaseSummary {
  subjects: string[];
  payload: Record<string, unknown>;
  explanation: unknown;
  source: Record<string, unknown>;
  returnReason: string | null;
  closure: string | null;
  closeReason: string | null;
  delegations: Delegation[];
  history: HistoryEntry[];
}
export interface Person {
  pid: string;
  idNumber: string | null;
  idSuspect: boolean;
  name: string;
  sex: number;
  birthDate: string | null;
  hukouDivision: string | null;
  residenceDivision: string | null;
  maritalStatus: string | null;
  phone: string | null;
  status: number;
}

const title = (c: Ctx, k: { title: { zh: string; en: string } }) => (c.lang === 'zh' ? k.title.zh : k.title.en);

function statusBadge(c: Ctx, s: string): Html {
  return badge(s, c.t.code('status', s));
}

async function townships(c: Ctx, county: string | null): Promise<Map<string, string>> {
  return county ? townshipNames(c.api, county).catch(() => new Map<string, string>()) : new Map<string, string>();
}

async function listPage(c: Ctx) {
  const q = c.req.query as Record<string, string | string[] | undefined>;
  const status = fields(q, 'status').filter((s) => (STATUSES as readonly string[]).includes(s));
  const rule = q1(q, 'rule');
  const township = q1(q, 'township');
  const overdue = q1(q, 'overdue') === 'true';
  const cursor = q1(q, 'cursor');
  const params = { status, rule: rule || undefined, township: township || undefined, overdue: overdue ? 'true' : undefined, cursor: cursor || undefined };
  const page = await c.api.get<{ items: CaseSummary[]; nextCursor: string | null }>(`/v1/cases${qs({ ...params, limit: 25, purpose: 'case list' })}`);
  const county = countyOf(c.who);
  const towns = await townships(c, county);
  const filters = html`<form method="get" action="/ui/cases" class="filters" role="search" aria-label="${c.t('case.filters')}">
    <fieldset><legend>${c.t('case.status')}</legend>
      ${STATUSES.map((s) => html`<label class="check"><input type="checkbox" name="status" value="${s}"${status.includes(s) ? html` checked` : ''}> ${c.t.code('status', s)}</label>`)}
    </fieldset>
    <label>${c.t('case.rule')}<select name="rule"><option value="">${c.t('page.all')}</option>
      ${RULES.map((r) => html`<option value="${r.code}"${r.code === rule ? html` selected` : ''}>${c.lang === 'zh' ? r.title.zh : r.title.en}</option>`)}</select></label>
    ${c.who.role !== 'township' && towns.size
      ? html`<label>${c.t('case.township')}<select name="township"><option value="">${c.t('page.all')}</option>
        ${[...towns].map(([code, name]) => html`<option value="${code}"${code === township ? html` selected` : ''}>${name}</option>`)}</select></label>`
      : ''}
    <label class="check"><input type="checkbox" name="overdue" value="true"${overdue ? html` checked` : ''}> ${c.t('case.overdueOnly')}</label>
    <button type="submit">${c.t('page.filter')}</button> <a href="/ui/cases">${c.t('page.reset')}</a>
  </form>`;
  const table = page.items.length
    ? html`<table class="list" data-testid="case-list"><thead><tr>
        <th scope="col">${c.t('case.id')}</th><th scope="col">${c.t('case.rule')}</th><th scope="col">${c.t('case.status')}</th>
        <th scope="col">${c.t('case.township')}</th><th scope="col">${c.t('case.deadline')}</th><th scope="col">${c.t('case.created')}</th></tr></thead><tbody>
      ${page.items.map(
        (k) => html`<tr${k.overdue ? html` class="overdue"` : ''}>
          <td><a href="/ui/cases/${k.id}">#${k.id}</a></td><td>${title(c, k)}</td>
          <td>${statusBadge(c, k.status)}${k.overdue ? html` ${badge('overdue', c.t('case.overdue'))}` : ''}${k.escalationLevel ? html` ${badge('escalated', c.t('case.escalated', { level: k.escalationLevel }))}` : ''}</td>
          <td>${k.township ? towns.get(k.township) ?? k.township : c.t('case.countyQueue')}</td>
          <td>${dateTime(c.lang, k.deadline)}</td><td>${dateTime(c.lang, k.createdAt)}</td></tr>`,
      )}</tbody></table>`
    : empty(c);
  return c.page(c.t('nav.cases'), html`${notice(c)}${filters}${table}${pager('/ui/cases', params, page.nextCursor, c)}`);
}

const SEX: Record<number, string> = { 0: 'sex.0', 1: 'sex.1', 2: 'sex.2', 9: 'sex.9' };
// Payload fields that hold an identifier of a person or a way to reach them: masked like the person's own.
const IDENTIFIER_FIELDS = new Set(['suppliedValue', 'idNumber']);
const PHONE_FIELDS = new Set(['phone', 'contact']);

async function divisionLabel(c: Ctx, code: string | null): Promise<string> {
  if (!code) return '—';
  const name = await divisionName(c.api, code.length === 12 && code.endsWith('000') ? code.slice(0, 9) : code).catch(() => code);
  return name === code ? code : `${name} (${code})`;
}

export async function personCard(c: Ctx, p: Person, reveal: boolean): Promise<Html> {
  return html`<dl class="person" data-testid="person">
    <dt>${c.t('person.name')}</dt><dd>${p.name}</dd>
    <dt>${c.t('person.idNumber')}</dt><dd>${idNumber(p.idNumber, reveal)}${p.idSuspect ? html` ${badge('warn', c.t('person.idSuspect'))}` : ''}</dd>
    <dt>${c.t('person.sex')}</dt><dd>${SEX[p.sex] ? c.t.code('sex', String(p.sex)) : p.sex}</dd>
    <dt>${c.t('person.birthDate')}</dt><dd>${date(c.lang, p.birthDate)}</dd>
    <dt>${c.t('person.hukou')}</dt><dd>${await divisionLabel(c, p.hukouDivision)}</dd>
    <dt>${c.t('person.residence')}</dt><dd>${await divisionLabel(c, p.residenceDivision)}</dd>
    <dt>${c.t('person.phone')}</dt><dd>${phone(p.phone, reveal)}</dd>
    <dt>${c.t('person.status')}</dt><dd>${c.t.code('pstatus', String(p.status))}</dd>
  </dl>`;
}

function maskedValue(v: string, fieldName: string, reveal: boolean): Html {
  return /phone/i.test(fieldName) ? phone(v, reveal) : idNumber(v, reveal);
}

async function payloadView(c: Ctx, payload: Record<string, unknown>, reveal: boolean): Promise<Html> {
  const entries = Object.entries(payload);
  if (!entries.length) return empty(c);
  const rows: Html[] = [];
  // A disagreement about an ID number or a phone quotes them: masked like the person's own.
  const disputedIdentifier = /id|phone/i.test(String(payload.field ?? ''));
  for (const [k, v] of entries) {
    let shown: Html | string;
    if (v === null || v === undefined) shown = '—';
    else if (IDENTIFIER_FIELDS.has(k)) shown = idNumber(String(v), reveal);
    else if (PHONE_FIELDS.has(k)) shown = phone(String(v), reveal);
    else if (disputedIdentifier && k === 'populationValue') shown = maskedValue(String(v), String(payload.field), reveal);
    else if (disputedIdentifier && k === 'values' && typeof v === 'object') {
      shown = html`${Object.entries(v as Record<string, unknown>).map(([agency, x]) => html`<span class="mono">${agency}</span>: ${maskedValue(String(x), String(payload.field), reveal)}<br>`)}`;
    }
    else if (/Division$/.test(k) && typeof v === 'string') shown = await divisionLabel(c, v);
    else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) shown = dateTime(c.lang, v);
    else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) shown = date(c.lang, v);
    else if (k === 'childSex') shown = c.t.code('sex', String(v));
    else if (typeof v === 'object') shown = html`<code>${JSON.stringify(v)}</code>`;
    else shown = String(v);
    rows.push(html`<dt>${c.t.code('payload', k)}</dt><dd>${shown}</dd>`);
  }
  return html`<dl class="payload" data-testid="payload">${rows}</dl>`;
}

function actionForms(c: Ctx, k: Case, towns: Map<string, string>): Html {
  const id = k.id;
  const live = k.status === 'open' || k.status === 'accepted';
  const pending = k.delegations.find((d) => d.status === 'pending');
  const form = (action: string, label: string, inner: Html | string, cls = '') =>
    html`<form method="post" action="/ui/cases/${id}/${action}" class="action ${cls}" data-action="${action}">${csrfField(c)}${inner}<button type="submit">${label}</button></form>`;
  const forms: Html[] = [];
  if (k.status === 'open') forms.push(form('accept', c.t('action.accept'), html`<label>${c.t('action.comment')}<input name="comment" maxlength="2000"></label>`, 'primary'));
  if (k.status === 'accepted') forms.push(form('resolve', c.t('action.resolve'), html`<label>${c.t('action.resolveWhat')}<textarea name="comment" required maxlength="2000" rows="2"></textarea></label>`, 'primary'));
  if (live) forms.push(form('return', c.t('action.return'), html`<label>${c.t('action.returnReason')}<textarea name="reason" required maxlength="2000" rows="2"></textarea></label>`));
  if (live && !pending) {
    const others = [...towns].filter(([code]) => code !== k.township);
    if (others.length) {
      forms.push(form('delegate', c.t('action.delegate'), html`
        <label>${c.t('action.delegateTo')}<select name="to" required>${others.map(([code, name]) => html`<option value="${code}">${name}</option>`)}</select></label>
        <label>${c.t('action.delegateRequest')}<textarea name="request" required maxlength="2000" rows="2"></textarea></label>
        <label>${c.t('action.delegateDeadline')}<input type="date" name="deadline"></label>`));
    }
  }
  if (pending && (c.who.role === 'admin' || pending.toUnit === c.who.unit)) {
    forms.push(form('answer', c.t('action.answer'), html`<label>${c.t('action.answerText')}<textarea name="answer" required maxlength="2000" rows="2"></textarea></label>`));
  }
  if ((k.status === 'resolved' || k.status === 'returned') && c.who.role !== 'township') {
    forms.push(form('close', c.t('action.close'), html`<label>${c.t('action.comment')}<input name="comment" maxlength="2000"></label>`));
  }
  forms.push(form('comment', c.t('action.addComment'), html`<label>${c.t('action.comment')}<textarea name="comment" required maxlength="2000" rows="2"></textarea></label>`));
  return html`<section class="card actions" aria-labelledby="h-actions"><h2 id="h-actions">${c.t('case.actions')}</h2>${forms}</section>`;
}

async function detailPage(c: Ctx, id: number) {
  const reveal = q1(c.req.query, 'reveal') === '1' && (c.who.role === 'township' || c.who.role === 'county');
  const k = await c.api.get<Case>(`/v1/cases/${id}?purpose=${encodeURIComponent(reveal ? `case ${id}: contact the resident (full ID number and phone)` : 'case handling')}`);
  const towns = await townships(c, k.county);
  const persons: Html[] = [];
  for (const pid of k.subjects) {
    const purpose = reveal ? `case ${id}: contact the resident (full ID number and phone)` : `case ${id}`;
    const p = await c.api.find<Person>(`/v1/persons/${encodeURIComponent(pid)}?purpose=${encodeURIComponent(purpose)}`);
    persons.push(p ? await personCard(c, p, reveal) : html`<p class="muted">${c.t('person.outOfScope', { pid })}</p>`);
  }
  const src = k.source;
  const facts = html`<dl class="facts">
    <dt>${c.t('case.status')}</dt><dd data-testid="case-status">${statusBadge(c, k.status)}${k.overdue ? html` ${badge('overdue', c.t('case.overdue'))}` : ''}</dd>
    <dt>${c.t('case.township')}</dt><dd>${k.township ? towns.get(k.township) ?? k.township : c.t('case.countyQueue')}</dd>
    <dt>${c.t('case.deadline')}</dt><dd>${dateTime(c.lang, k.deadline)}</dd>
    <dt>${c.t('case.created')}</dt><dd>${dateTime(c.lang, k.createdAt)}</dd>
    ${k.escalationLevel ? html`<dt>${c.t('case.escalation')}</dt><dd>${c.t('case.escalated', { level: k.escalationLevel })}</dd>` : ''}
    ${k.delegatedTo ? html`<dt>${c.t('case.delegatedTo')}</dt><dd>${towns.get(k.delegatedTo) ?? k.delegatedTo}</dd>` : ''}
    ${k.returnReason ? html`<dt>${c.t('case.returnReason')}</dt><dd>${k.returnReason}</dd>` : ''}
    ${k.closeReason ? html`<dt>${c.t('case.closeReason')}</dt><dd>${k.closeReason}</dd>` : ''}
    <dt>${c.t('case.source')}</dt><dd>${src.agency ? String(src.agency) : ''} ${src.feed ? c.t.code('feed', String(src.feed)) : ''}
      ${src.batchId ? html` · <a href="/ui/batches/${String(src.batchId)}">${c.t('batch.batch')} ${String(src.batchId)}</a>` : ''}
      ${src.recordId ? html` · ${c.t('case.record')} ${String(src.recordId)}` : ''}</dd>
  </dl>`;
  const revealLink =
    (c.who.role === 'township' || c.who.role === 'county') && !reveal
      ? html`<p><a href="/ui/cases/${id}?reveal=1" data-testid="reveal">${c.t('person.reveal')}</a> <span class="muted">${c.t('person.revealNote')}</span></p>`
      : '';
  const delegations = k.delegations.length
    ? html`<table><thead><tr><th scope="col">${c.t('deleg.to')}</th><th scope="col">${c.t('deleg.request')}</th><th scope="col">${c.t('case.deadline')}</th><th scope="col">${c.t('case.status')}</th><th scope="col">${c.t('deleg.answer')}</th></tr></thead><tbody>
      ${k.delegations.map((d) => html`<tr><td>${towns.get(d.toUnit) ?? d.toUnit}</td><td>${d.request}</td><td>${dateTime(c.lang, d.deadline)}</td><td>${c.t.code('deleg', d.status)}</td><td>${d.answer ?? ''}</td></tr>`)}
      </tbody></table>`
    : empty(c);
  const history = html`<table data-testid="history"><thead><tr><th scope="col">${c.t('hist.at')}</th><th scope="col">${c.t('hist.who')}</th><th scope="col">${c.t('hist.action')}</th><th scope="col">${c.t('hist.note')}</th></tr></thead><tbody>
    ${k.history.map((h) => html`<tr><td>${dateTime(c.lang, h.at)}</td><td>${h.actor} <span class="muted">${towns.get(h.unit) ?? h.unit}</span></td><td>${c.t.code('hist', h.action)}</td><td>${h.comment ?? ''}</td></tr>`)}
  </tbody></table>`;
  const body = html`${notice(c)}
    <p><a href="/ui/cases">← ${c.t('nav.cases')}</a></p>
    <div class="cols">
      <div>
        <section class="card" aria-labelledby="h-facts"><h2 id="h-facts">${title(c, k)}</h2>${facts}</section>
        <section class="card" aria-labelledby="h-payload"><h2 id="h-payload">${c.t('case.needs')}</h2>${await payloadView(c, k.payload, reveal)}</section>
        <section class="card" aria-labelledby="h-persons"><h2 id="h-persons">${c.t('case.persons')}</h2>${revealLink}${persons.length ? persons : empty(c)}</section>
        <section class="card" aria-labelledby="h-expl"><h2 id="h-expl">${c.t('case.explanation')}</h2>${explanationView(c, k.explanation)}</section>
      </div>
      <div>
        ${actionForms(c, k, towns)}
        <section class="card" aria-labelledby="h-deleg"><h2 id="h-deleg">${c.t('case.delegations')}</h2>${delegations}</section>
        <section class="card" aria-labelledby="h-hist"><h2 id="h-hist">${c.t('case.history')}</h2>${history}</section>
      </div>
    </div>`;
  return c.page(`${c.t('case.case')} #${k.id}`, body);
}

function actionBody(action: string, form: unknown): Record<string, unknown> {
  const opt = (name: string) => field(form, name) || undefined;
  switch (action) {
    case 'accept':
    case 'close':
      return { comment: opt('comment') };
    case 'resolve':
    case 'comment':
      return { comment: field(form, 'comment') };
    case 'return':
      return { reason: field(form, 'reason') };
    case 'answer':
      return { answer: field(form, 'answer') };
    case 'delegate': {
      const d = field(form, 'deadline');
      // A date picked in the form is the end of that day in Beijing.
      return { to: field(form, 'to'), request: field(form, 'request'), deadline: d ? new Date(`${d}T23:59:59+08:00`).toISOString() : undefined };
    }
    default:
      return {};
  }
}

const ACTIONS = ['accept', 'resolve', 'return', 'delegate', 'answer', 'comment', 'close'];

export async function caseRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/cases', listPage);
  pageGet(app, '/ui/cases/:id', (c) => detailPage(c, idParam(c)));
  pagePost(app, '/ui/cases/:id/:action', async (c) => {
    const id = idParam(c);
    const action = (c.req.params as { action: string }).action;
    if (!ACTIONS.includes(action)) return c.redirect(`/ui/cases/${id}?error=YPQ_VALIDATION`);
    const body = JSON.parse(JSON.stringify(actionBody(action, c.req.body))) as Record<string, unknown>;
    return act(c, `/ui/cases/${id}`, action, () => c.api.send('POST', `/v1/cases/${id}/${action}`, body));
  });
}

export function idParam(c: Ctx): number {
  const id = Number((c.req.params as { id: string }).id);
  if (!Number.isInteger(id) || id < 1) throw appError('YPQ_NOT_FOUND', String((c.req.params as { id: string }).id));
  return id;
}
