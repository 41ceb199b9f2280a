// coord_units: SQL and row mapping.
import type { Unit, UnitInput, UnitKind } from './unit-schema.js';

export interface UnitRow {
  code: string;
  county: string;
  name: string;
  kind: UnitKind;
  duties: string;
  topics: string[];
  leader: string | null;
  leader_title: string | null;
  office: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  notify_webhook: string | null;
  notify_sms: string | null;
  sort_order: number;
  active: boolean;
  updated_at: Date;
}

export function toUnit(r: UnitRow): Unit {
  return {
    code: r.code,
    county: r.county,
    name: r.name,
    kind: r.kind,
    duties: r.duties,
    topics: r.topics,
    leader: r.leader,
    leaderTitle: r.leader_title,
    office: r.office,
    contactName: r.contact_name,
    contactPhone: r.contact_phone,
    notifyWebhook: r.notify_webhook,
    notifySms: r.notify_sms,
    sortOrder: r.sort_order,
    active: r.active,
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface UnitFilter {
  county: string | null;
  kind?: UnitKind;
  /** A topic the unit answers for (exact), or text found in its name, duties or topics. */
  topic?: string;
  q?: string;
  includeInactive?: boolean;
}

export function listUnitsSql(f: UnitFilter) {
  return {
    text: `SELECT * FROM coord_units
           WHERE ($1::text IS NULL OR county = $1) AND ($2::text IS NULL OR kind = $2)
             AND ($3::text IS NULL OR $3 = ANY(topics))
             AND ($4::text IS NULL OR strpos(name || ' ' || duties || ' ' || array_to_string(topics, ' '), $4) > 0)
             AND (active OR $5)
           ORDER BY county, sort_order, code`,
    values: [f.county, f.kind ?? null, f.topic ?? null, f.q ?? null, f.includeInactive ?? false],
  };
}

export function unitByCodeSql(code: string) {
  return { text: 'SELECT * FROM coord_units WHERE code = $1', values: [code] };
}

export function unitsByCodesSql(codes: string[]) {
  return { text: 'SELECT * FROM coord_units WHERE code = ANY($1::text[])', values: [codes] };
}

/** Creates the unit or replaces what the input gives; fields left out keep their value. */
export function upsertUnitSql(code: string, county: string, u: UnitInput, now: Date) {
  const has = (k: keyof UnitInput) => Object.prototype.hasOwnProperty.call(u, k);
  const v = (k: keyof UnitInput) => (has(k) ? (u[k] ?? null) : null);
  return {
    text: `INSERT INTO coord_units (code, county, name, kind, duties, topics, leader, leader_title, office, contact_name,
                                    contact_phone, notify_webhook, notify_sms, sort_order, active, created_at, updated_at)
           VALUES ($1, $2, $3, $4, coalesce($5, ''), coalesce($6::text[], '{}'), $7, $8, $9, $10, $11, $12, $13, coalesce($14, 0), coalesce($15, true), $17, $17)
           ON CONFLICT (code) DO UPDATE SET
             name = EXCLUDED.name, kind = EXCLUDED.kind,
             duties = CASE WHEN $16::text[] @> '{duties}' THEN EXCLUDED.duties ELSE coord_units.duties END,
             topics = CASE WHEN $16 @> '{topics}' THEN EXCLUDED.topics ELSE coord_units.topics END,
             leader = CASE WHEN $16 @> '{leader}' THEN EXCLUDED.leader ELSE coord_units.leader END,
             leader_title = CASE WHEN $16 @> '{leaderTitle}' THEN EXCLUDED.leader_title ELSE coord_units.leader_title END,
             office = CASE WHEN $16 @> '{office}' THEN EXCLUDED.office ELSE coord_units.office END,
             contact_name = CASE WHEN $16 @> '{contactName}' THEN EXCLUDED.contact_name ELSE coord_units.contact_name END,
             contact_phone = CASE WHEN $16 @> '{contactPhone}' THEN EXCLUDED.contact_phone ELSE coord_units.contact_phone END,
             notify_webhook = CASE WHEN $16 @> '{notifyWebhook}' THEN EXCLUDED.notify_webhook ELSE coord_units.notify_webhook END,
             notify_sms = CASE WHEN $16 @> '{notifySms}' THEN EXCLUDED.notify_sms ELSE coord_units.notify_sms END,
             sort_order = CASE WHEN $16 @> '{sortOrder}' THEN EXCLUDED.sort_order ELSE coord_units.sort_order END,
             active = CASE WHEN $16 @> '{active}' THEN EXCLUDED.active ELSE coord_units.active END,
             updated_at = $17
           WHERE coord_units.county = EXCLUDED.county
           RETURNING *, (xmax = 0) AS created`,
    values: [
      code, county, u.name, u.kind, v('duties'), v('topics'), v('leader'), v('leaderTitle'), v('office'), v('contactName'),
      v('contactPhone'), v('notifyWebhook'), v('notifySms'), v('sortOrder'), v('active'),
      (Object.keys(u) as (keyof UnitInput)[]).filter(has), now,
    ],
  };
}
