// Business items: submit, read, list by box, and the office's and units' actions. Each action
// checks scope (404), right (403) and status (409) in that order, then writes the item, its
// assignments, its history, any reminders and an audit entry in one transaction. Item text may
// name residents, so every read and list is audited too.
import type pg from 'pg';
import { audit } from '../../audit/audit-log.js';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { membership, type Member } from '../shared/member.js';
import { decodeCursor, encodeCursor, pageOf } from '../shared/page.js';
import { write } from '../shared/db-errors.js';
import { inTransaction } from '../../db/transaction.js';
import { remind, reminderMessage } from '../reminders/remind.js';
import type { NewReminder } from '../reminders/reminder-repo.js';
import {
  archiveItemSql, assignmentsOfSql, countyUnitsSql, eventsOfSql, insertAssignmentsSql, insertEventSql, insertItemSql, itemByIdSql,
  listItemsSql, pendingCountSql, returnAssignmentsSql, setItemStatusSql, submitResultSql, toAssignment, toEvent, toItemSummary,
  type AssignmentRow, type EventRow, type ItemRow, type ItemSummaryRow,
} from './item-repo.js';
import type { Item, ItemActionBody, ItemBox, ItemSummary, NewItem } from './item-schema.js';
import { archivedOnTime, itemRoles, requireRight, requireStatus, type ItemAction, type ItemRoles, type ItemStatus } from './item-state.js';

const PURPOSE = 'business item handling';

export async function submitItem(pool: pg.Pool, who: Principal, input: NewItem): Promise<Item> {
  const m = await membership(pool, who);
  if (m.admin) throw appError('YPQ_FORBIDDEN', 'an admin submits items through a member unit’s account');
  const now = new Date();
  const id = await inTransaction(pool, async (client) => {
    // The office submits as the county's own unit, which must be registered like any other.
    const { rows: unit } = await client.query('SELECT 1 FROM coord_units WHERE code = $1 AND active', [m.unit]);
    if (!unit.length) throw appError('YPQ_COORD_NOT_MEMBER', m.unit, ' (register it under /v1/coordination/units)');
    const { rows } = await write<{ id: number }>(client, insertItemSql(m.county!, m.unit, input, who.sub, now));
    await client.query(insertEventSql(rows[0].id, who, 'submit', null, undefined, now));
    await audit(client, who, { action: 'create', objectType: 'coord_item', objectId: String(rows[0].id), purpose: PURPOSE });
    return rows[0].id;
  });
  return readItem(pool, who, m, id, now);
}

interface Loaded {
  item: ItemRow;
  assignments: AssignmentRow[];
  roles: ItemRoles;
}

async function load(db: pg.Pool | pg.PoolClient, m: Member, id: number, forUpdate = false): Promise<Loaded> {
  const { rows } = await db.query<ItemRow>(itemByIdSql(id, forUpdate));
  const item = rows[0];
  if (!item) throw appError('YPQ_NOT_FOUND', `business item ${id}`);
  const assignments = (await db.query<AssignmentRow>(assignmentsOfSql(id))).rows;
  const roles = itemRoles(m, { county: item.county, requester: item.requester, units: assignments.map((a) => a.unit) });
  if (!roles.visible) throw appError('YPQ_NOT_FOUND', `business item ${id}`);
  return { item, assignments, roles };
}

function toItem(l: Loaded, events: EventRow[], now: Date): Item {
  const { item: r, assignments } = l;
  const pending = assignments.filter((a) => a.status === 'pending');
  const next = pending.length ? new Date(Math.min(...pending.map((a) => a.deadline.getTime()))) : null;
  return {
    ...toItemSummary({
      ...r,
      units: assignments.map((a) => a.unit),
      next_deadline: next,
      overdue: pending.some((a) => a.deadline < now),
    }),
    details: r.details,
    requestedHandling: r.requested_handling,
    createdBy: r.created_by,
    assignedAt: r.assigned_at ? r.assigned_at.toISOString() : null,
    handledAt: r.handled_at ? r.handled_at.toISOString() : null,
    assignments: assignments.map((a) => toAssignment(a, now)),
    events: events.map(toEvent),
    you: { office: l.roles.office, requester: l.roles.requester, handler: l.roles.handler },
  };
}

async function readItem(pool: pg.Pool, who: Principal, m: Member, id: number, now: Date, purpose = PURPOSE): Promise<Item> {
  const l = await load(pool, m, id);
  const events = (await pool.query<EventRow>(eventsOfSql(id))).rows;
  await audit(pool, who, { action: 'read', objectType: 'coord_item', objectId: String(id), purpose });
  return toItem(l, events, now);
}

export async function getItem(pool: pg.Pool, who: Principal, id: number, purpose?: string): Promise<Item> {
  return readItem(pool, who, await membership(pool, who), id, new Date(), purpose);
}

export interface ItemQuery {
  box: ItemBox;
  status?: ItemStatus[];
  overdue?: boolean;
  requester?: string;
  handler?: string;
  county?: string;
  limit: number;
  cursor?: string;
  purpose?: string;
}

export async function listItems(pool: pg.Pool, who: Principal, q: ItemQuery): Promise<{ items: ItemSummary[]; nextCursor: string | null }> {
  const m = await membership(pool, who);
  if (q.county && m.county !== null && q.county !== m.county) throw appError('YPQ_FORBIDDEN', `unit ${m.unit} sees county ${m.county} only`);
  const after = decodeCursor(q.cursor);
  const { rows } = await pool.query<ItemSummaryRow>(
    listItemsSql({
      box: q.box, unit: m.unit, office: m.office, officeCounty: m.admin ? (q.county ?? null) : m.county, status: q.status,
      overdue: q.overdue, requester: q.requester, handler: q.handler, afterId: after ? after.id : null, limit: q.limit + 1, now: new Date(),
    }),
  );
  const page = pageOf(rows, q.limit, toItemSummary, (r) => encodeCursor(String(r.id), r.id));
  await audit(pool, who, {
    action: 'list', objectType: 'coord_item', objectId: q.box, purpose: q.purpose ?? PURPOSE, detail: { ids: page.items.map((i) => i.id) },
  });
  return page;
}

interface ActionContext {
  client: pg.PoolClient;
  who: Principal;
  m: Member;
  l: Loaded;
  now: Date;
  reminders: NewReminder[];
}

const event = (c: ActionContext, action: string, comment: string | null, detail?: unknown) =>
  c.client.query(insertEventSql(c.l.item.id, c.who, action, comment, detail, c.now));

function notice(c: ActionContext, kind: NewReminder['kind'], unit: string, ref: string, deadline?: Date): void {
  const message = reminderMessage({ kind, unit, itemId: c.l.item.id, occurredAt: c.now.toISOString(), ...(deadline ? { deadline: deadline.toISOString() } : {}) });
  c.reminders.push({ kind, unit, itemId: c.l.item.id, ref, message });
}

function futureDeadline(iso: string, now: Date): Date {
  const d = new Date(iso);
  if (!(d > now)) throw appError('YPQ_VALIDATION', `deadline ${iso} is not in the future`);
  return d;
}

type Handler<A extends ItemAction> = (c: ActionContext, body: ItemActionBody<A>) => Promise<void>;

const HANDLERS: { [A in ItemAction]: Handler<A> } = {
  async assign(c, b) {
    const deadline = futureDeadline(b.deadline, c.now);
    const known = new Set((await c.client.query<{ code: string }>(countyUnitsSql(c.l.item.county, b.units))).rows.map((r) => r.code));
    const unknown = b.units.filter((u) => !known.has(u));
    if (unknown.length) throw appError('YPQ_COORD_NOT_MEMBER', unknown.join(', '), ` of county ${c.l.item.county}`);
    const added = (await c.client.query<{ unit: string }>(insertAssignmentsSql(c.l.item.id, b.units, deadline, c.now))).rows.map((r) => r.unit);
    if (!added.length) throw appError('YPQ_CONFLICT', `every unit named already handles item ${c.l.item.id}`);
    await c.client.query(setItemStatusSql(c.l.item.id, 'in_progress', c.now, { assigned: true }));
    await event(c, 'assign', b.comment ?? null, { units: added, deadline: deadline.toISOString() });
    for (const u of added) notice(c, 'item_assigned', u, `item:${c.l.item.id}:assigned`, deadline);
  },
  async handle(c, b) {
    const { rows } = await c.client.query<{ late: boolean }>(submitResultSql(c.l.item.id, c.m.unit, b.result, c.who.sub, c.now));
    if (!rows.length) throw appError('YPQ_COORD_ITEM_STATE', String(c.l.item.id), c.l.item.status, `unit ${c.m.unit} has already submitted its result`);
    await event(c, 'handle', b.result, { late: rows[0].late });
    const { rows: left } = await c.client.query<{ n: number }>(pendingCountSql(c.l.item.id));
    if (left[0].n === 0) {
      // Every handling unit has answered: the result goes to the requesting unit, the item to the office's review.
      await c.client.query(setItemStatusSql(c.l.item.id, 'handled', c.now, { handled: true }));
      await event(c, 'result', null, { to: c.l.item.requester });
      notice(c, 'item_result', c.l.item.requester, `item:${c.l.item.id}:result:${c.l.item.returns}`);
    }
  },
  async feedback(c, b) {
    await c.client.query('UPDATE coord_items SET updated_at = $2 WHERE id = $1', [c.l.item.id, c.now]);
    await event(c, 'feedback', b.comment ?? null, { satisfied: b.satisfied });
  },
  async return(c, b) {
    const deadline = futureDeadline(b.deadline, c.now);
    const assigned = new Set(c.l.assignments.map((a) => a.unit));
    const notAssigned = (b.units ?? []).filter((u) => !assigned.has(u));
    if (notAssigned.length) throw appError('YPQ_VALIDATION', `not handling units of item ${c.l.item.id}: ${notAssigned.join(', ')}`);
    const back = (await c.client.query<{ unit: string }>(returnAssignmentsSql(c.l.item.id, b.units ?? null, deadline))).rows.map((r) => r.unit);
    await c.client.query(setItemStatusSql(c.l.item.id, 'in_progress', c.now, { returned: true }));
    await event(c, 'return', b.reason, { units: back, deadline: deadline.toISOString() });
    for (const u of back) notice(c, 'item_returned', u, `item:${c.l.item.id}:returned:${c.l.item.returns + 1}`, deadline);
  },
  async archive(c, b) {
    const onTime = archivedOnTime(c.l.assignments);
    await c.client.query(archiveItemSql(c.l.item.id, onTime, c.now));
    await event(c, 'archive', b.comment ?? null, { onTime });
  },
};

export async function actOnItem<A extends ItemAction>(pool: pg.Pool, who: Principal, id: number, action: A, body: ItemActionBody<A>): Promise<Item> {
  const m = await membership(pool, who);
  const now = new Date();
  await inTransaction(pool, async (client) => {
    const l = await load(client, m, id, true);
    requireRight(l.roles, action);
    requireStatus(id, action, l.item.status);
    const c: ActionContext = { client, who, m, l, now, reminders: [] };
    await (HANDLERS[action] as Handler<A>)(c, body);
    await remind(client, c.reminders, now);
    await audit(client, who, { action: 'update', objectType: 'coord_item', objectId: String(id), purpose: PURPOSE, detail: { action } });
  });
  return readItem(pool, who, m, id, now);
}
