// 待核对: the clerical review queue of the matching stage (GET /v1/review …). The record stands
// beside each candidate, fields that differ are highlighted with their weights, and one click or
// one key decides: L (or 1–3) links a candidate, N makes a new person; J/K move through the queue.
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-client.js';
import { badge, csrfField, empty, idNumber, notice, phone } from '../components.js';
import { field, pageGet, pagePost, q1, type Ctx } from '../context.js';
import { agencies, divisionName } from '../directory.js';
import { date, dateTime, num, pct } from '../format.js';
import { html, qs, type Html } from '../html.js';
import type { ReviewCandidate as Candidate, ReviewView } from '../../matching/review/review-service.js';
import { idParam } from './cases.js';

interface LinkResult {
  id: number;
  agency: string;
  feed: string;
  recordId: string;
  role: string;
  batchId: number;
  division: string | null;
  status: string;
  pid: string | null;
  score: number;
  rule: string;
  decidedAt: string;
  decidedBy: string;
}
/** GET /v1/review/{id} as JSON: the service's view, with the result's dates as strings. */
type ReviewItem = Omit<ReviewView, 'result'> & { result: LinkResult };

const FIELDS = ['name', 'id_number', 'birth_date', 'sex', 'division', 'phone'] as const;

async function queuePage(c: Ctx) {
  const after = Number(q1(c.req.query, 'after')) || 0;
  let page: { items: (LinkResult & { candidateCount: number })[]; nextAfter: number | null };
  try {
    page = await c.api.get(`/v1/review${qs({ after: after || undefined, limit: 50 })}`);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'YPQ_ROUTE_NOT_FOUND') return c.page(c.t('nav.review'), html`<p class="muted">${c.t('review.unavailable')}</p>`);
    throw err;
  }
  const names = new Map((await agencies(c.api)).map((a) => [a.code, a.name]));
  const table = page.items.length
    ? html`<table class="list" data-testid="review-list"><thead><tr><th scope="col">${c.t('item.id')}</th><th scope="col">${c.t('batch.agency')}</th><th scope="col">${c.t('batch.feed')}</th>
        <th scope="col">${c.t('case.record')}</th><th scope="col" class="num">${c.t('expl.probability')}</th><th scope="col" class="num">${c.t('review.candidate')}</th><th scope="col">${c.t('batch.received')}</th></tr></thead><tbody>
      ${page.items.map((r) => html`<tr><td><a href="/ui/review/${r.id}">${r.id}</a></td><td>${names.get(r.agency) ?? r.agency}</td><td>${c.t.code('feed', r.feed)}</td>
        <td class="mono">${r.recordId}</td><td class="num">${pct(r.score)}</td><td class="num">${r.candidateCount}</td><td>${dateTime(c.lang, r.decidedAt)}</td></tr>`)}</tbody></table>`
    : empty(c);
  const more = page.nextAfter ? html`<nav class="pager"><a rel="next" href="/ui/review?after=${page.nextAfter}">${c.t('page.next')}</a></nav>` : '';
  return c.page(c.t('nav.review'), html`${notice(c)}<p class="muted">${c.t('review.keys')}</p>${table}${more}`);
}

async function divisionLabel(c: Ctx, code: string | null | undefined): Promise<string> {
  if (!code) return '—';
  const n = await divisionName(c.api, code.length === 12 && code.endsWith('000') ? code.slice(0, 9) : code).catch(() => code);
  return n === code ? code : n;
}

async function recordValue(c: Ctx, item: ReviewItem, f: string, reveal: boolean): Promise<Html | string> {
  const r = item.record;
  switch (f) {
    case 'name': return r.name ?? '—';
    case 'id_number': return r.idNumber ? idNumber(r.idNumber, reveal) : '—';
    case 'birth_date': return date(c.lang, r.birthDate);
    case 'sex': return r.sex === null ? '—' : c.t.code('sex', String(r.sex));
    case 'division': return (await Promise.all(r.divisions.map((d) => divisionLabel(c, d)))).join('、') || '—';
    case 'phone': return r.phone ? phone(r.phone, reveal) : '—';
    default: return '—';
  }
}

async function personValue(c: Ctx, p: Candidate['person'], f: string, reveal: boolean): Promise<Html | string> {
  switch (f) {
    case 'name': return p.name;
    case 'id_number': return p.idNumber ? idNumber(p.idNumber, reveal) : '—';
    case 'birth_date': return date(c.lang, p.birthDate);
    case 'sex': return p.sex === null ? '—' : c.t.code('sex', String(p.sex));
    case 'division': return `${await divisionLabel(c, p.residenceDivision)} / ${await divisionLabel(c, p.hukouDivision)}`;
    case 'phone': return p.phone ? phone(p.phone, reveal) : '—';
    default: return '—';
  }
}

async function itemPage(c: Ctx, id: number) {
  const reveal = q1(c.req.query, 'reveal') === '1' && (c.who.role === 'township' || c.who.role === 'county');
  const item = await c.api.get<ReviewItem>(`/v1/review/${id}`);
  const r = item.result;
  const cands = item.candidates.slice(0, 3);
  const best = cands.findIndex((k) => !k.excluded);
  const decided = r.status !== 'review';
  const rows: Html[] = [];
  for (const f of FIELDS) {
    const cells: Html[] = [];
    for (const k of cands) {
      const cmp = k.fields.find((x) => x.field === f);
      cells.push(html`<td class="${cmp?.differs ? 'diff' : ''}"${cmp?.differs ? html` data-differs="true"` : ''}>${await personValue(c, k.person, f, reveal)}
        ${cmp ? html`<br><span class="muted">${c.t.code('level', cmp.level)} · <span class="mono">${cmp.weight > 0 ? '+' : ''}${num(cmp.weight, 1)}</span></span>` : ''}
        ${cmp?.differs ? html` ${badge('warn', c.t('review.differs'))}` : ''}</td>`);
    }
    const anyDiff = cands.some((k) => k.fields.find((x) => x.field === f)?.differs);
    rows.push(html`<tr><th scope="row"${anyDiff ? html` class="diff"` : ''}>${c.t.code('mfield', f)}</th><td>${await recordValue(c, item, f, reveal)}</td>${cells}</tr>`);
  }
  rows.push(html`<tr><th scope="row">${c.t('person.status')}</th><td>—</td>${cands.map((k) => html`<td>${c.t.code('pstatus', String(k.person.status))}</td>`)}</tr>`);
  const decide = (k: Candidate, i: number) =>
    decided
      ? ''
      : k.excluded
        ? html`<p class="muted">${k.excluded}</p>`
        : html`<form method="post" action="/ui/review/${id}/decide" class="inline">${csrfField(c)}<input type="hidden" name="pid" value="${k.pid}">
            <button type="submit" class="${i === best ? 'primary' : ''}" data-shortcut="${String(i + 1)}"${i === best ? html` data-testid="link-best"` : ''}>${c.t('review.link')} <kbd>${i === best ? 'L' : String(i + 1)}</kbd></button></form>`;
  const table = html`<div class="scroll"><table class="compare" data-testid="compare"><thead><tr><th scope="col">${c.t('review.field')}</th><th scope="col">${c.t('review.record')}</th>
    ${cands.map((k, i) => html`<th scope="col">${c.t('expl.candidate', { n: i + 1 })} <span class="muted">${pct(k.probability)}</span><br>${decide(k, i)}</th>`)}</tr></thead>
    <tbody>${rows}</tbody></table></div>`;
  const newForm = decided
    ? html`<p>${badge('ok', c.t('review.decided'))} ${c.t.code('rstatus', r.status)} ${r.pid ? html`<span class="mono">${r.pid}</span>` : ''} · ${r.decidedBy}</p>`
    : html`<form method="post" action="/ui/review/${id}/decide" class="decide">${csrfField(c)}<input type="hidden" name="new" value="1">
        <label>${c.t('review.reason')}<input name="note" maxlength="500"></label>
        <button type="submit" data-shortcut="n" data-testid="new-person">${c.t('review.new')} <kbd>N</kbd></button></form>`;
  // L is the best candidate's button; the script finds it by this alias.
  const alias = !decided && best >= 0 ? html`<span hidden data-shortcut-alias="l" data-for="${String(best + 1)}"></span>` : '';
  const nav = html`<nav class="pager"><a href="/ui/review/${id}/prev" data-shortcut="k">← <kbd>K</kbd></a><a href="/ui/review">${c.t('review.queue')}</a><a href="/ui/review/${id}/next" data-shortcut="j"><kbd>J</kbd> →</a></nav>`;
  const revealLink = !reveal && (c.who.role === 'township' || c.who.role === 'county') ? html` · <a href="/ui/review/${id}?reveal=1">${c.t('person.reveal')}</a>` : '';
  const body = html`${notice(c)}${nav}
    <section class="card"><p>${(await agencies(c.api)).find((a) => a.code === r.agency)?.name ?? r.agency} · ${c.t.code('feed', r.feed)} · ${c.t('case.record')} <span class="mono">${r.recordId}</span>
      · <a href="/ui/batches/${r.batchId}">${c.t('batch.batch')} ${r.batchId}</a> · ${c.t('expl.rule')}: ${c.t.code('mrule', r.rule)}${revealLink}</p>
      <p class="muted">${c.t('review.keys')}</p>
      ${table}${newForm}${alias}</section>`;
  return c.page(`${c.t('nav.review')} #${id}`, body);
}

async function neighbour(c: Ctx, id: number, dir: 'next' | 'prev'): Promise<string> {
  if (dir === 'next') {
    const page = await c.api.get<{ items: { id: number }[] }>(`/v1/review?after=${id}&limit=1`);
    return page.items[0] ? `/ui/review/${page.items[0].id}` : '/ui/review';
  }
  // The queue pages forwards only; the previous item is the last one of the ids below this one.
  const page = await c.api.get<{ items: { id: number }[] }>(`/v1/review?limit=1000`);
  const before = page.items.filter((x) => x.id < id);
  return before.length ? `/ui/review/${before[before.length - 1].id}` : `/ui/review/${id}`;
}

export async function reviewRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/review', queuePage);
  pageGet(app, '/ui/review/:id', (c) => itemPage(c, idParam(c)));
  pageGet(app, '/ui/review/:id/next', async (c) => c.redirect(await neighbour(c, idParam(c), 'next')));
  pageGet(app, '/ui/review/:id/prev', async (c) => c.redirect(await neighbour(c, idParam(c), 'prev')));
  pagePost(app, '/ui/review/:id/decide', async (c) => {
    const id = idParam(c);
    const pid = field(c.req.body, 'pid');
    const note = field(c.req.body, 'note') || undefined;
    const body = pid ? { pid, note } : { new: true, note };
    try {
      await c.api.send('POST', `/v1/review/${id}/decide`, JSON.parse(JSON.stringify(body)));
    } catch (err) {
      if (err instanceof ApiError && err.statusCode < 500 && err.statusCode !== 401) return c.redirect(`/ui/review/${id}?error=${encodeURIComponent(err.code)}`);
      throw err;
    }
    const next = await neighbour(c, id, 'next');
    return c.redirect(`${next}${next.includes('?') ? '&' : '?'}done=decide`);
  });
}
