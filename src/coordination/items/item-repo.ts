// coord_items, coord_item_assignments and coord_item_events: SQL and row mapping.
import type { Assignment, ItemBox, ItemEvent, ItemSummary } from './item-schema.js';
import type { ItemStatus } from './item-state.js';

export interface ItemRow {
  id: number;
  county: string;
  requester: string;
  requester_name: string;
  title: string;
  details: string;
  requested_handling: string;
  status: ItemStatus;
  returns: number;
  on_time: boolean | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  assigned_at: Date | null;
  handled_at: Date | null;
  archived_at: Date | null;
}

export interface ItemSummaryRow {
  id: number;
  county: string;
  requester: string;
  requester_name: string;
  title: string;
  status: ItemStatus;
  returns: number;
  on_time: boolean | null;
  units: string[];
  next_deadline: Date | null;
  overdue: boolean;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
}

export interface AssignmentRow {
  id: number;
  item_id: number;
  unit: string;
  unit_name: string;
  status: 'pending' | 'submitted';
  first_deadline: Date;
  deadline: Date;
  returns: number;
  late: boolean;
  result: string | null;
  submitted_by: string | null;
  submitted_at: Date | null;
  assigned_at: Date;
}

export interface EventRow {
  at: Date;
  actor: string;
  role: string;
  unit: string;
  action: string;
  comment: string | null;
  detail: Record<string, unknown> | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toItemSummary(r: ItemSummaryRow): ItemSummary {
  return {
    id: r.id, county: r.county, requester: r.requester, requesterName: r.requester_name, title: r.title, status: r.status,
    returns: r.returns, onTime: r.on_time, units: r.units, nextDeadline: iso(r.next_deadline), overdue: r.overdue,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), archivedAt: iso(r.archived_at),
  };
}

export function toAssignment(r: AssignmentRow, now: Date): Assignment {
  return {
    unit: r.unit, unitName: r.unit_name, status: r.status, firstDeadline: r.first_deadline.toISOString(), deadline: r.deadline.toISOString(),
    overdue: r.status === 'pending' && r.deadline < now, returns: r.returns, late: r.late, result: r.result, submittedBy: r.submitted_by,
    submittedAt: iso(r.submitted_at), assignedAt: r.assigned_at.toISOString(),
  };
}

export function toEvent(r: EventRow): ItemEvent {
  return { at: r.at.toISOString(), actor: r.actor, role: r.role, unit: r.unit, action: r.action, comment: r.comment, detail: r.detail };
}

export function insertItemSql(county: string, requester: string, i: { title: string; details: string; requestedHandling?: string }, by: string, now: Date) {
  return {
    text: `INSERT INTO coord_items (county, requester, title, details, requested_handling, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
    values: [county, requester, i.title, i.details, i.requestedHandling ?? '', by, now],
  };
}

/** The item, locked for the change the caller is about to make. */
export function itemByIdSql(id: number, forUpdate = false) {
  return {
    text: `SELECT i.id, i.county, i.requester, u.name AS requester_name, i.title, i.details, i.requested_handling, i.status, i.returns,
                  i.on_time, i.created_by, i.created_at, i.updated_at, i.assigned_at, i.handled_at, i.archived_at
           FROM coord_items i JOIN coord_units u ON u.code = i.requester WHERE i.id = $1${forUpdate ? ' FOR UPDATE OF i' : ''}`,
    values: [id],
  };
}

export function assignmentsOfSql(itemId: number) {
  return {
    text: `SELECT a.*, u.name AS unit_name FROM coord_item_assignments a JOIN coord_units u ON u.code = a.unit
           WHERE a.item_id = $1 ORDER BY a.id`,
    values: [itemId],
  };
}

export function eventsOfSql(itemId: number) {
  return { text: 'SELECT at, actor, role, unit, action, comment, detail FROM coord_item_events WHERE item_id = $1 ORDER BY id', values: [itemId] };
}

export function insertEventSql(itemId: number, who: { sub: string; role: string; unit: string }, action: string, comment: string | null, detail: unknown, now: Date) {
  return {
    text: `INSERT INTO coord_item_events (item_id, at, actor, role, unit, action, comment, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    values: [itemId, now, who.sub, who.role, who.unit, action, comment, detail === undefined ? null : JSON.stringify(detail)],
  };
}

/** Active member units of a county among `codes`: the ones an item may be assigned to. */
export function countyUnitsSql(county: string, codes: string[]) {
  return { text: 'SELECT code FROM coord_units WHERE county = $1 AND active AND code = ANY($2::text[])', values: [county, codes] };
}

export function insertAssignmentsSql(itemId: number, units: string[], deadline: Date, now: Date) {
  return {
    text: `INSERT INTO coord_item_assignments (item_id, unit, first_deadline, deadline, assigned_at)
           SELECT $1, u, $3, $3, $4 FROM unnest($2::text[]) AS u
           ON CONFLICT (item_id, unit) DO NOTHING RETURNING unit`,
    values: [itemId, units, deadline, now],
  };
}

export function setItemStatusSql(id: number, status: ItemStatus, now: Date, extra: { assigned?: boolean; handled?: boolean; returned?: boolean } = {}) {
  return {
    text: `UPDATE coord_items SET status = $2, updated_at = $3,
                  assigned_at = CASE WHEN $4 THEN coalesce(assigned_at, $3) ELSE assigned_at END,
                  handled_at = CASE WHEN $5 THEN $3 WHEN $2 = 'in_progress' THEN NULL ELSE handled_at END,
                  returns = returns + CASE WHEN $6 THEN 1 ELSE 0 END
           WHERE id = $1`,
    values: [id, status, now, extra.assigned ?? false, extra.handled ?? false, extra.returned ?? false],
  };
}

export function submitResultSql(itemId: number, unit: string, result: string, by: string, now: Date) {
  return {
    text: `UPDATE coord_item_assignments SET status = 'submitted', result = $3, submitted_by = $4, submitted_at = $5,
                  late = late OR $5 > deadline
           WHERE item_id = $1 AND unit = $2 AND status = 'pending'
           RETURNING late, deadline`,
    values: [itemId, unit, result, by, now],
  };
}

export function pendingCountSql(itemId: number) {
  return { text: `SELECT count(*)::int AS n FROM coord_item_assignments WHERE item_id = $1 AND status = 'pending'`, values: [itemId] };
}

/** Sends assignments back with a new deadline; the earlier result stays in the history. */
export function returnAssignmentsSql(itemId: number, units: string[] | null, deadline: Date) {
  return {
    text: `UPDATE coord_item_assignments SET status = 'pending', deadline = $3, returns = returns + 1,
                  submitted_at = NULL, submitted_by = NULL
           WHERE item_id = $1 AND ($2::text[] IS NULL OR unit = ANY($2))
           RETURNING unit, result`,
    values: [itemId, units, deadline],
  };
}

export function archiveItemSql(id: number, onTime: boolean, now: Date) {
  return {
    text: `UPDATE coord_items i SET status = 'archived', archived_at = $3, updated_at = $3, on_time = $2,
                  search_text = concat_ws(E'\\n', i.title, i.details, i.requested_handling, u.name,
                    (SELECT string_agg(concat_ws(' ', au.name, a.result), E'\\n' ORDER BY a.id)
                     FROM coord_item_assignments a JOIN coord_units au ON au.code = a.unit WHERE a.item_id = i.id))
           FROM coord_units u WHERE i.id = $1 AND u.code = i.requester`,
    values: [id, onTime, now],
  };
}

export interface ItemListFilter {
  box: ItemBox;
  /** The caller's unit, and whether (and for which county; null = all) it is the coordination office. */
  unit: string;
  office: boolean;
  officeCounty: string | null;
  status?: ItemStatus[];
  overdue?: boolean;
  requester?: string;
  handler?: string;
  afterId: number | null;
  limit: number;
  now: Date;
}

/**
 * The caller's boxes. A unit: to-do = its pending assignments; in progress = items it asked for
 * or submitted a result on, not yet archived; done = archived items it asked for or handled.
 * The office: to-do = items waiting to be assigned or reviewed; in progress = being handled;
 * done = archived — over its county (an admin's: all counties).
 */
export function listItemsSql(f: ItemListFilter) {
  const mine = `(i.requester = $1 OR EXISTS (SELECT 1 FROM coord_item_assignments x WHERE x.item_id = i.id AND x.unit = $1))`;
  const pendingMine = `EXISTS (SELECT 1 FROM coord_item_assignments x WHERE x.item_id = i.id AND x.unit = $1 AND x.status = 'pending')`;
  const submittedMine = `EXISTS (SELECT 1 FROM coord_item_assignments x WHERE x.item_id = i.id AND x.unit = $1 AND x.status = 'submitted')`;
  const inCounty = `($2::text IS NULL OR i.county = $2)`;
  const unitBox: Record<ItemBox, string> = {
    todo: `i.status = 'in_progress' AND ${pendingMine}`,
    in_progress: `i.status <> 'archived' AND (i.requester = $1 OR ${submittedMine})`,
    done: `i.status = 'archived' AND ${mine}`,
    all: mine,
  };
  const officeBox: Record<ItemBox, string> = {
    todo: `${inCounty} AND (i.status IN ('submitted', 'handled') OR (i.status = 'in_progress' AND ${pendingMine}))`,
    in_progress: `${inCounty} AND i.status = 'in_progress'`,
    done: `${inCounty} AND i.status = 'archived'`,
    all: inCounty,
  };
  return {
    text: `SELECT i.id, i.county, i.requester, ru.name AS requester_name, i.title, i.status, i.returns, i.on_time,
                  i.created_at, i.updated_at, i.archived_at, a.units, a.next_deadline, a.overdue
           FROM coord_items i JOIN coord_units ru ON ru.code = i.requester
           CROSS JOIN LATERAL (
             SELECT coalesce(array_agg(unit ORDER BY id), '{}') AS units,
                    min(deadline) FILTER (WHERE status = 'pending') AS next_deadline,
                    coalesce(bool_or(status = 'pending' AND deadline < $3), false) AS overdue
             FROM coord_item_assignments WHERE item_id = i.id) a
           WHERE $1::text IS NOT NULL AND (${f.office ? officeBox[f.box] : `${inCounty} AND ${unitBox[f.box]}`})
             AND ($4::text[] IS NULL OR i.status = ANY($4))
             AND ($5::boolean IS NULL OR a.overdue = $5)
             AND ($6::text IS NULL OR i.requester = $6)
             AND ($7::text IS NULL OR $7 = ANY(a.units))
             AND ($8::bigint IS NULL OR i.id < $8)
           ORDER BY i.id DESC LIMIT $9`,
    values: [
      f.unit, f.office ? f.officeCounty : null, f.now, f.status ?? null, f.overdue ?? null, f.requester ?? null, f.handler ?? null,
      f.afterId, f.limit,
    ],
  };
}

/** The cause an overdue reminder is raised once for: the assignment and the deadline it missed. */
export function overdueRef(assignmentId: number, deadline: Date): string {
  return `assignment:${assignmentId}:${Math.floor(deadline.getTime() / 1000)}`;
}

/** Assignments past their deadline, not submitted and not yet reminded of that deadline. */
export function overdueAssignmentsSql(now: Date, limit: number) {
  return {
    text: `SELECT a.id, a.item_id, a.unit, a.deadline, i.county
           FROM coord_item_assignments a JOIN coord_items i ON i.id = a.item_id
           WHERE a.status = 'pending' AND a.deadline < $1 AND i.status = 'in_progress'
             AND NOT EXISTS (SELECT 1 FROM coord_reminders r
                             WHERE r.kind = 'item_overdue' AND r.unit = a.unit
                               AND r.ref = 'assignment:' || a.id || ':' || floor(extract(epoch FROM a.deadline))::bigint)
           ORDER BY a.deadline, a.id LIMIT $2`,
    values: [now, limit],
  };
}
