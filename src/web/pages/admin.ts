// 系统维护: users with their roles and units (admins), and the member units of the coordination
// group (the county office and admins).
import type { FastifyInstance } from 'fastify';
import { ROLES, FEED_KINDS } from '../../auth/principal.js';
import { act, badge, csrfField, empty, notice } from '../components.js';
import { field, fields, pageGet, pagePost, type Ctx } from '../context.js';
import { dateTime } from '../format.js';
import { html } from '../html.js';
import { idParam } from './cases.js';

interface User {
  id: number;
  username: string;
  displayName: string;
  role: string;
  unit: string;
  feeds: string[];
  active: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
}
interface Unit {
  code: string;
  county: string;
  name: string;
  kind: string;
  duties: string;
  contactName: string | null;
  contactPhone: string | null;
  active: boolean;
}
const UNIT_KINDS = ['office', 'department', 'agency', 'township'];

async function usersPage(c: Ctx) {
  const users = await c.api.get<User[]>('/v1/coordination/users');
  const table = users.length
    ? html`<table class="list" data-testid="user-list"><thead><tr><th scope="col">${c.t('user.username')}</th><th scope="col">${c.t('user.displayName')}</th><th scope="col">${c.t('user.role')}</th>
        <th scope="col">${c.t('user.unit')}</th><th scope="col">${c.t('case.status')}</th><th scope="col">${c.t('user.lastLogin')}</th><th scope="col">${c.t('case.actions')}</th></tr></thead><tbody>
      ${users.map(
        (u) => html`<tr><td class="mono">${u.username}</td><td>${u.displayName}</td><td>${c.t.code('role', u.role)}${u.feeds.length ? html` <span class="muted">${u.feeds.map((f) => c.t.code('feed', f)).join('、')}</span>` : ''}</td>
          <td class="mono">${u.unit}</td><td>${u.active ? badge('ok', c.t('user.active')) : badge('bad', c.t('user.disabled'))}${u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? html` ${badge('warn', c.t('user.locked'))}` : ''}</td>
          <td>${dateTime(c.lang, u.lastLoginAt)}</td>
          <td><form method="post" action="/ui/admin/users/${u.id}" class="inline">${csrfField(c)}
            ${u.active ? html`<button name="op" value="disable">${c.t('user.disable')}</button>` : html`<button name="op" value="enable">${c.t('user.enable')}</button>`}
            ${u.lockedUntil ? html`<button name="op" value="unlock">${c.t('user.unlock')}</button>` : ''}</form>
            <details class="inline-edit"><summary>${c.t('user.change')}</summary><form method="post" action="/ui/admin/users/${u.id}" class="inline">${csrfField(c)}
              <label class="sr-only" for="role-${u.id}">${c.t('user.role')}</label><select id="role-${u.id}" name="role">${ROLES.map((r) => html`<option value="${r}"${r === u.role ? html` selected` : ''}>${c.t.code('role', r)}</option>`)}</select>
              <label class="sr-only" for="unit-${u.id}">${c.t('user.unit')}</label><input id="unit-${u.id}" name="unit" value="${u.unit}" required maxlength="40" size="10">
              <button name="op" value="change">${c.t('user.save')}</button></form></details>
            <form method="post" action="/ui/admin/users/${u.id}/password" class="inline">${csrfField(c)}<label class="sr-only" for="pw-${u.id}">${c.t('user.newPassword')}</label><input id="pw-${u.id}" type="password" name="password" placeholder="${c.t('user.newPassword')}" required minlength="10" autocomplete="new-password"><button>${c.t('user.reset')}</button></form></td></tr>`,
      )}</tbody></table>`
    : empty(c);
  const create = html`<details class="card"><summary>${c.t('user.create')}</summary><form method="post" action="/ui/admin/users" class="stack">${csrfField(c)}
    <label>${c.t('user.username')}<input name="username" required pattern="[A-Za-z0-9._@-]{3,64}" autocomplete="off"></label>
    <label>${c.t('user.displayName')}<input name="displayName" maxlength="100"></label>
    <label>${c.t('user.role')}<select name="role">${ROLES.map((r) => html`<option value="${r}">${c.t.code('role', r)}</option>`)}</select></label>
    <label>${c.t('user.unit')}<input name="unit" required maxlength="40"></label>
    <fieldset><legend>${c.t('user.feeds')}</legend>${FEED_KINDS.map((f) => html`<label class="check"><input type="checkbox" name="feeds" value="${f}"> ${c.t.code('feed', f)}</label>`)}</fieldset>
    <label>${c.t('user.password')}<input type="password" name="password" required minlength="10" autocomplete="new-password"></label>
    <p class="muted">${c.t('user.policy')}</p>
    <button type="submit" class="primary">${c.t('user.create')}</button></form></details>`;
  return c.page(c.t('nav.users'), html`${notice(c)}${create}${table}`);
}

async function unitsPage(c: Ctx) {
  const units = await c.api.get<Unit[]>('/v1/coordination/units?includeInactive=true');
  const table = units.length
    ? html`<table class="list" data-testid="unit-list"><thead><tr><th scope="col">${c.t('unit.code')}</th><th scope="col">${c.t('unit.name')}</th><th scope="col">${c.t('unit.kind')}</th><th scope="col">${c.t('unit.duties')}</th><th scope="col">${c.t('unit.contact')}</th><th scope="col">${c.t('case.status')}</th></tr></thead><tbody>
      ${units.map((u) => html`<tr><td class="mono">${u.code}</td><td>${u.name}</td><td>${c.t.code('ukind', u.kind)}</td><td>${u.duties}</td><td>${u.contactName ?? ''} ${u.contactPhone ?? ''}</td><td>${u.active ? badge('ok', c.t('user.active')) : badge('bad', c.t('user.disabled'))}</td></tr>`)}
      </tbody></table>`
    : empty(c);
  const form = html`<details class="card"><summary>${c.t('unit.put')}</summary><form method="post" action="/ui/admin/units" class="stack">${csrfField(c)}
    <label>${c.t('unit.code')}<input name="code" required pattern="[A-Za-z0-9_-]{1,40}"></label>
    <label>${c.t('unit.name')}<input name="name" required maxlength="100"></label>
    <label>${c.t('unit.kind')}<select name="kind">${UNIT_KINDS.map((k) => html`<option value="${k}">${c.t.code('ukind', k)}</option>`)}</select></label>
    <label>${c.t('unit.duties')}<textarea name="duties" rows="2" maxlength="4000"></textarea></label>
    <label>${c.t('unit.contactName')}<input name="contactName" maxlength="60"></label>
    <label>${c.t('unit.contactPhone')}<input name="contactPhone" pattern="[0-9+() -]{3,30}"></label>
    <button type="submit" class="primary">${c.t('unit.put')}</button></form></details>`;
  return c.page(c.t('nav.units'), html`${notice(c)}${form}${table}`);
}

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  pageGet(app, '/ui/admin/users', usersPage);
  pageGet(app, '/ui/admin/units', unitsPage);
  pagePost(app, '/ui/admin/users', async (c) => {
    const b = c.req.body;
    const body = {
      username: field(b, 'username'), displayName: field(b, 'displayName') || undefined, role: field(b, 'role'), unit: field(b, 'unit'),
      feeds: fields(b, 'feeds'), password: field(b, 'password'),
    };
    return act(c, '/ui/admin/users', 'user_create', () => c.api.send('POST', '/v1/coordination/users', JSON.parse(JSON.stringify(body))));
  });
  pagePost(app, '/ui/admin/users/:id', async (c) => {
    const id = idParam(c);
    const op = field(c.req.body, 'op');
    const patch =
      op === 'disable' ? { active: false }
      : op === 'enable' ? { active: true }
      : op === 'unlock' ? { unlock: true }
      : op === 'change' ? { role: field(c.req.body, 'role'), unit: field(c.req.body, 'unit') }
      : null;
    if (!patch) return c.redirect('/ui/admin/users?error=YPQ_VALIDATION');
    return act(c, '/ui/admin/users', `user_${op}`, () => c.api.send('PATCH', `/v1/coordination/users/${id}`, patch));
  });
  pagePost(app, '/ui/admin/users/:id/password', async (c) => {
    const id = idParam(c);
    return act(c, '/ui/admin/users', 'user_password', () => c.api.send('POST', `/v1/coordination/users/${id}/password`, { password: field(c.req.body, 'password') }));
  });
  pagePost(app, '/ui/admin/units', async (c) => {
    const b = c.req.body;
    const code = field(b, 'code');
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(code)) return c.redirect('/ui/admin/units?error=YPQ_VALIDATION');
    const body = {
      name: field(b, 'name'), kind: field(b, 'kind'), duties: field(b, 'duties') || undefined,
      contactName: field(b, 'contactName') || undefined, contactPhone: field(b, 'contactPhone') || undefined,
    };
    return act(c, '/ui/admin/units', 'unit_put', () => c.api.send('PUT', `/v1/coordination/units/${code}`, JSON.parse(JSON.stringify(body))));
  });
}
