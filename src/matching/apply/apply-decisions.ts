// Linked events → the population database. Called by the link job for a whole batch (inside its
// transaction, after the decisions are stored), by a clerk's review decision for one person, and
// by a relink for the decisions it settled. Idempotent per decision: link_results.applied_at is
// set here and the callers pass only decisions not applied yet.
import type pg from 'pg';
import type { FeedKind, PersonRole } from '../../adapters/index.js';
import { copyEscape } from '../../intake/copy-text.js';
import type { LinkStatus } from '../decide.js';
import { copyLines } from '../link-staged.js';
import { countCreatedNamesSql } from '../sql/frequency-sql.js';
import {
  copyAppliedSql, copyEffectsSql, copyRelationEffectsSql, createApplyTablesSql, dropApplyTablesSql, insertCreatedSql, markAppliedSql,
  newPidsSql, relationsSql, reuseCreatedSql, updatePersonsSql, widowSql,
} from './apply-sql.js';
import { eventEffect, type Effect } from './event-effects.js';

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

const N = '\\N';
const t = (s: string | null | undefined) => (s === null || s === undefined ? N : copyEscape(s));
const json = (o: unknown) => JSON.stringify(o).replace(/\\/g, '\\\\');

/** Where a change came from, as person_history.source: feed, agency, record, role. */
export const sourceOf = (i: Pick<ApplyItem, 'feed' | 'agency' | 'recordId' | 'role'>) => `${i.feed}:${i.agency}:${i.recordId}#${i.role}`;

function keyCols(i: ApplyItem): string {
  return `${t(i.agency)}\t${i.feed}\t${t(i.recordId)}\t${i.version}`;
}

function effectLine(seq: number, i: ApplyItem, e: Effect, actor: string): string {
  return `${seq}\t${keyCols(i)}\t${i.role}\t${e.kind}\t${json(e.set)}\t${json(e.fill)}\t${t(e.residenceOf)}\t${e.widowSpouse ? 't' : 'f'}\t` +
    `${e.kind === 'update' ? t(i.pid) : N}\t${t(actor)}\t${t(sourceOf(i))}\n`;
}

/**
 * Applies the events of the given decisions. Runs in the caller's transaction and leaves no
 * temporary tables behind (a review decision and a batch can share a connection).
 */
export async function applyDecisions(client: pg.PoolClient, items: readonly ApplyItem[], actor: string): Promise<ApplyCounts> {
  if (!items.length) return { applied: 0, created: 0 };
  const effects: string[] = [], relations: string[] = [], applied: string[] = [];
  let seq = 0;
  for (const i of items) {
    applied.push(`${keyCols(i)}\t${i.role}\n`);
    const e = eventEffect(i.feed, i.role, i.status, i.record);
    if (!e) continue;
    if (e.kind === 'update' && !i.pid) continue;
    seq++;
    effects.push(effectLine(seq, i, e, actor));
    for (const r of e.relations) {
      relations.push(`${seq}\t${keyCols(i)}\t${r.from}\t${r.kind}\t${r.to}\t${r.op}\t${t(actor)}\t${t(sourceOf(i))}\n`);
    }
  }
  // On an error the caller's transaction rolls back, and the temporary tables with it.
  await client.query(createApplyTablesSql());
  await copyLines(client, copyEffectsSql(), effects);
  await copyLines(client, copyRelationEffectsSql(), relations);
  await copyLines(client, copyAppliedSql(), applied);
  await client.query(reuseCreatedSql());
  const created = (await client.query<{ target_pid: string }>(newPidsSql())).rows.map((r) => r.target_pid);
  await client.query(insertCreatedSql());
  await client.query(updatePersonsSql());
  for (const s of relationsSql()) await client.query(s);
  await client.query(widowSql());
  await client.query(markAppliedSql());
  if (created.length) await client.query(countCreatedNamesSql(created));
  await client.query(dropApplyTablesSql());
  return { applied: items.length, created: created.length };
}
