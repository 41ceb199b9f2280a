// Linked events → the population database. Called by the link job for a whole batch (inside its
// transaction), by a clerk's review decision for one person, and by a relink for the decisions
// it settled. Idempotent per decision: link_results.applied_at marks what was applied, and the
// callers pass only decisions not applied yet.
//
// In two steps, so that a batch can store its decisions already marked applied (one COPY, no
// second pass over link_results): plan (the effects, and the pids of the persons to create —
// reused when an earlier version of the record created one), then carry out.
import type pg from 'pg';
import type { FeedKind, PersonRole } from '../../adapters/index.js';
import { copyEscape } from '../../intake/copy-text.js';
import type { LinkStatus } from '../decide.js';
import { copyLines, inSlices } from '../link-staged.js';
import { countCreatedNamesSql } from '../sql/frequency-sql.js';
import {
  analyzeApplyTablesSql, copyAppliedSql, copyEffectsSql, copyRelationEffectsSql, copyUpdatesSql, createApplyTablesSql, createdBeforeSql,
  dropApplyTablesSql, insertCreatedSql, markAppliedSql, markCreatedSql, newPidsSql, relationsSql, resolveStoredRolesSql, updatePersonsSql,
  widowSql,
} from './apply-sql.js';
import { eventEffect, PERSON_FIELDS, type Effect, type PersonFields } from './event-effects.js';

export interface ApplyItem {
  agency: string;
  feed: FeedKind;
  recordId: string;
  version: number;
  role: PersonRole;
  status: LinkStatus;
  pid: string | null;
  record: unknown;
}

export interface ApplyCounts {
  /** Decisions marked applied (those without an effect included). */
  applied: number;
  created: number;
}

export interface ApplyPlan {
  items: readonly ApplyItem[];
  effects: (Effect | null)[];
  /** Per item: the person its 'create' effect makes (or updates, when `reused`). */
  createdPid: (string | null)[];
  reused: boolean[];
}

const N = '\\N';
const t = (s: string | null | undefined) => (s === null || s === undefined ? N : copyEscape(s));

/** Where a change came from, as person_history.source: feed, agency, record, role. */
export const sourceOf = (i: Pick<ApplyItem, 'feed' | 'agency' | 'recordId' | 'role'>) => `${i.feed}:${i.agency}:${i.recordId}#${i.role}`;

const keyCols = (i: ApplyItem) => `${t(i.agency)}\t${i.feed}\t${t(i.recordId)}\t${i.version}`;

export async function planApply(client: pg.PoolClient, items: readonly ApplyItem[]): Promise<ApplyPlan> {
  const effects = items.map((i) => {
    const e = eventEffect(i.feed, i.role, i.status, i.record);
    return e && e.kind === 'update' && !i.pid ? null : e;
  });
  const createdPid: (string | null)[] = items.map(() => null);
  const reused = items.map(() => false);
  const creating = items.map((_, k) => k).filter((k) => effects[k]?.kind === 'create');
  if (creating.length) {
    const before = await client.query<{ n: number; pid: string }>(createdBeforeSql(creating.map((k) => items[k])));
    for (const r of before.rows) {
      const k = creating[Number(r.n) - 1];
      createdPid[k] = r.pid;
      reused[k] = true;
    }
    const fresh = creating.filter((k) => !reused[k]);
    if (fresh.length) {
      const pids = (await client.query<{ pid: string }>(newPidsSql(fresh.length))).rows;
      fresh.forEach((k, n) => (createdPid[k] = pids[n].pid));
    }
  }
  return { items, effects, createdPid, reused };
}

/** A person column's value as COPY text (booleans as t/f, dates as written, numbers as digits). */
const fieldText = (v: PersonFields[keyof PersonFields]): string => (v === undefined || v === null ? N : typeof v === 'boolean' ? (v ? 't' : 'f') : t(String(v)));
const fieldsText = (f: PersonFields | null, fields: readonly (keyof PersonFields)[] = PERSON_FIELDS): string =>
  fields.map((c) => (f ? fieldText(f[c]) : N)).join('\t');

interface MergedUpdate {
  set: PersonFields;
  fill: PersonFields;
  actor: string;
  sources: Set<string>;
}

/** The COPY lines of a plan's temporary tables (apply-sql.ts). */
export interface ApplyLines {
  effects: string[];
  relations: string[];
  updates: string[];
  applied: string[];
  /** pids of the persons to create. */
  created: string[];
  /** The fields the updates set or fill (the columns of link_updates). */
  updateFields: (keyof PersonFields)[];
}

/**
 * The lines a plan's effects are copied in with, built in slices that give the event loop back
 * between them: a batch builds them while its decisions are being copied into link_results.
 * `markResults`: the decisions were stored before this plan (a clerk's, a relink's).
 */
export async function applyLinesOf(plan: ApplyPlan, actor: string, o: { markResults: boolean }): Promise<ApplyLines> {
  const { items, effects } = plan;
  // A batch stored its decisions from this very plan: the person of each of its roles is known
  // here (linked: the pid; else the person its event creates). A clerk's or a relink's plan holds
  // some of a record's persons only; the others are looked up in link_results (resolveStoredRolesSql).
  const keys = items.map(keyCols);
  const known = new Map<string, number>();
  if (!o.markResults) items.forEach((i, k) => known.set(`${keys[k]}\t${i.role}`, k));
  const personOf = (k: number, role: string): string | null => {
    const x = known.get(`${keys[k]}\t${role}`);
    return x === undefined ? null : items[x].status === 'linked' ? items[x].pid : plan.createdPid[x];
  };
  const linkedOf = (k: number, role: string | undefined): string | null => {
    const x = role ? known.get(`${keys[k]}\t${role}`) : undefined;
    return x !== undefined && items[x].status === 'linked' ? items[x].pid : null;
  };

  const out: ApplyLines = { effects: [], relations: [], updates: [], applied: [], created: [], updateFields: [] };
  // Several effects on one person (two records of a batch) merge in seq order, as one update:
  // a set column takes the last effect's value, a filled one the first's. Effects never carry a
  // null or empty value (event-effects.ts leaves them out), so a column is set iff it has a value.
  const updates = new Map<string, MergedUpdate>();
  await inSlices(items.length, (k) => {
    const i = items[k];
    if (o.markResults) out.applied.push(`${keys[k]}\t${i.role}\n`);
    const e = effects[k];
    if (!e) return;
    const seq = k + 1;
    const creates = e.kind === 'create';
    // A person an earlier version of the record created is updated, not created again.
    const kind = creates && plan.reused[k] ? 'update' : e.kind;
    if (kind === 'create') out.created.push(plan.createdPid[k]!);
    const target = creates ? plan.createdPid[k] : i.pid;
    const source = sourceOf(i);
    if (kind === 'update' && target && (Object.keys(e.set).length || Object.keys(e.fill).length)) {
      const u = updates.get(target);
      if (!u) updates.set(target, { set: { ...e.set }, fill: { ...e.fill }, actor, sources: new Set([source]) });
      else {
        Object.assign(u.set, e.set);
        u.fill = { ...e.fill, ...u.fill };
        u.sources.add(source);
      }
    }
    out.effects.push(`${seq}\t${keys[k]}\t${i.role}\t${kind}\t${t(e.residenceOf)}\t${t(linkedOf(k, e.residenceOf))}\t${e.widowSpouse ? 't' : 'f'}\t` +
      `${t(target)}\t${t(actor)}\t${t(source)}\t${creates ? 't' : 'f'}\t${fieldsText(kind === 'create' ? e.set : null)}\n`);
    for (const r of e.relations) {
      out.relations.push(`${seq}\t${keys[k]}\t${r.from}\t${r.kind}\t${r.to}\t${r.op}\t${t(actor)}\t${t(source)}\t` +
        `${t(personOf(k, r.from))}\t${t(personOf(k, r.to))}\n`);
    }
  });
  const touched = new Set<string>();
  for (const u of updates.values()) for (const f of [u.set, u.fill]) for (const c in f) touched.add(c);
  out.updateFields = PERSON_FIELDS.filter((c) => touched.has(c));
  for (const [pid, u] of updates) {
    // The sources in the order string_agg(DISTINCT …) gave them (code-point order, as collation C).
    const source = [...u.sources].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('; ');
    out.updates.push(`${t(pid)}\t${t(u.actor)}\t${t(source)}\t${fieldsText(u.set, out.updateFields)}\t${fieldsText(u.fill, out.updateFields)}\n`);
  }
  return out;
}

/**
 * Carries a plan out (its lines built here unless given). `markResults`: set applied_at and
 * created_pid on the stored decisions (a batch writes them with its COPY instead). Leaves no
 * temporary tables behind.
 */
export async function carryOut(
  client: pg.PoolClient,
  plan: ApplyPlan,
  actor: string,
  o: { markResults: boolean },
  given?: ApplyLines,
): Promise<ApplyCounts> {
  const { items, effects } = plan;
  if (!items.length) return { applied: 0, created: 0 };
  const lines = given ?? (await applyLinesOf(plan, actor, o));
  // On an error the caller's transaction rolls back, and the temporary tables with it.
  await client.query(createApplyTablesSql());
  await copyLines(client, copyEffectsSql(), lines.effects);
  await copyLines(client, copyRelationEffectsSql(), lines.relations);
  await copyLines(client, copyUpdatesSql(lines.updateFields), lines.updates);
  const widows = effects.some((e) => e?.widowSpouse);
  if (widows) await client.query(analyzeApplyTablesSql());
  if (o.markResults) {
    await copyLines(client, copyAppliedSql(), lines.applied);
    await client.query(markCreatedSql());
    // A batch's plan knew every role of its records (those it did not hold are in review: no
    // person); only a clerk's or a relink's plan leaves some to be looked up.
    await client.query(resolveStoredRolesSql());
  }
  if (lines.created.length) await client.query(insertCreatedSql());
  if (lines.updates.length) await client.query(updatePersonsSql(lines.updateFields));
  if (lines.relations.length) for (const s of relationsSql()) await client.query(s);
  if (widows) await client.query(widowSql());
  if (o.markResults) await client.query(markAppliedSql());
  if (lines.created.length) await client.query(countCreatedNamesSql());
  await client.query(dropApplyTablesSql());
  return { applied: items.length, created: lines.created.length };
}

/** Plan and carry out, for decisions already stored (a clerk's, a relink's). */
export async function applyDecisions(client: pg.PoolClient, items: readonly ApplyItem[], actor: string): Promise<ApplyCounts> {
  if (!items.length) return { applied: 0, created: 0 };
  return carryOut(client, await planApply(client, items), actor, { markResults: true });
}
