// 档案查询: archived business items, searched in Chinese, and each unit's handling record.
import type { FastifyInstance } from 'fastify';
import { empty, notice, pager } from '../components.js';
import { pageGet, q1, type Ctx } from '../context.js';
import { html, qs } from '../html.js';
import { itemTable } from './items.js';

interface HandlingRecord {
  unit: string;
  unitName: string;
  [k: string]: unknown;
}

const COLUMNS = ['archived', 'onTime', 'late', 'returned', 'open', 'overdue'];

async function archivePage(c: Ctx) {
  const q = q1(c.req.query, 'q');
  const cursor = q1(c.req.query, 'cursor') || undefined;
  const page = await c.api.get<{ items: Parameters<typeof itemTable>[1]; nextCursor: string | null }>(`/v1/coordination/archive${qs({ q: q || undefined, cursor, limit: 25 })}`);
  const record = await c.api.get<HandlingRecord[]>('/v1/coordination/archive/handling-record').catch(() => [] as HandlingRecord[]);
  const cols = COLUMNS.filter((k) => record.some((r) => typeof r[k] === 'number'));
  const search = html`<form method="get" action="/ui/archive" class="filters" role="search">
    <label>${c.t('archive.q')}<input type="search" name="q" value="${q}" maxlength="200"></label><button type="submit">${c.t('archive.search')}</button></form>`;
  const recordTable = record.length && cols.length
    ? html`<table data-testid="handling-record"><thead><tr><th scope="col">${c.t('item.unit')}</th>${cols.map((k) => html`<th scope="col" class="num">${c.t.code('hr', k)}</th>`)}</tr></thead><tbody>
      ${record.map((r) => html`<tr><td>${r.unitName ?? r.unit}</td>${cols.map((k) => html`<td class="num">${String(r[k] ?? '')}</td>`)}</tr>`)}</tbody></table>`
    : empty(c);
  return c.page(
    c.t('nav.archive'),
    html`${notice(c)}${search}${itemTable(c, page.items, 'archive-list')}${pager('/ui/archive', { q: q || undefined, cursor }, page.nextCursor, c)}
    <section class="card" aria-labelledby="h-hr"><h2 id="h-hr">${c.t('archive.record')}</h2>${recordTable}</section>`,
  );
}

export async function archiveRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/archive', archivePage);
}
