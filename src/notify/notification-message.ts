// Building what a notification says, and putting it in the outbox with the change that caused it.
import type pg from 'pg';
import { ruleDefinition } from '../rules/catalog.js';
import type { NotificationMessage, NotifyEvent } from './notify-schema.js';
import { enqueueSql } from './outbox-repo.js';

export interface CaseFacts {
  id: number;
  rule: string;
  township: string | null;
  county: string;
  deadline: Date;
  escalationLevel: number;
}

export function caseMessage(
  event: NotifyEvent,
  c: CaseFacts,
  occurredAt: Date,
  delegation?: { id: number; fromUnit: string; toUnit: string; deadline: Date },
): NotificationMessage {
  return {
    event,
    caseId: c.id,
    rule: c.rule,
    title: ruleDefinition(c.rule)?.title.zh ?? c.rule,
    township: c.township,
    county: c.county,
    deadline: c.deadline.toISOString(),
    escalationLevel: c.escalationLevel,
    occurredAt: occurredAt.toISOString(),
    ...(delegation ? { delegation: { ...delegation, deadline: delegation.deadline.toISOString() } } : {}),
  };
}

/** Writes one outbox row per subscriber of each unit; a unit without subscribers gets none. */
export async function enqueueNotifications(
  client: pg.PoolClient,
  event: NotifyEvent,
  items: { message: NotificationMessage; units: (string | null)[] }[],
  now: Date,
): Promise<number> {
  if (!items.length) return 0;
  const rows = items.map((i) => ({
    caseId: i.message.caseId,
    message: i.message,
    units: [...new Set(i.units.filter((u): u is string => !!u))],
  }));
  return (await client.query(enqueueSql(event, rows, now))).rowCount ?? 0;
}
