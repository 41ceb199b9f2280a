// What staff do with a case: accept, resolve, return, hand over (委托), answer a handover,
// comment, close. Each action checks scope (404), right (403) and status (409) in that order,
// then writes the case, its history, any notification and an audit entry in one transaction.
import type pg from 'pg';
import { audit } from '../audit/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { appError } from '../errors.js';
import { caseMessage, enqueueNotifications } from '../notify/notification-message.js';
import {
  answerDelegationSql, caseByIdSql, insertDelegationSql, insertHistorySql, setStatusSql, touchCaseSql,
  type CaseRow, type StatusChange,
} from './case-repo.js';
import { caseDetail, loadVisibleCase } from './case-reads.js';
import type { ActionBody, ActionName, Case } from './case-schema.js';
import { nextStatus, requireCaseRight, type CaseStatus } from './case-state.js';
import { withdrawPending } from './raise-case.js';
import { inTransaction, type Db } from '../db/transaction.js';

interface ActionContext {
  client: pg.PoolClient;
  who: Principal;
  row: CaseRow;
  next: CaseStatus;
  now: Date;
}

type Handler<A extends ActionName> = (ctx: ActionContext, body: ActionBody<A>) => Promise<void>;

const history = (ctx: ActionContext, action: string, comment: string | null, detail?: unknown) =>
  ctx.client.query(insertHistorySql(ctx.row.id, ctx.who, action, comment, detail, ctx.now));

async function changeStatus(ctx: ActionContext, change: Omit<StatusChange, 'status'> = {}): Promise<void> {
  await ctx.client.query(setStatusSql(ctx.row.id, { status: ctx.next, ...change }, ctx.now));
}

const HANDLERS: { [A in ActionName]: Handler<A> } = {
  async accept(ctx, b) {
    await changeStatus(ctx);
    await history(ctx, 'accept', b.comment ?? null);
  },
  async resolve(ctx, b) {
    await changeStatus(ctx);
    await withdrawPending(ctx.client, ctx.row.id, ctx.who, ctx.now);
    await history(ctx, 'resolve', b.comment);
  },
  async return(ctx, b) {
    await changeStatus(ctx, { returnReason: b.reason });
    await withdrawPending(ctx.client, ctx.row.id, ctx.who, ctx.now);
    await history(ctx, 'return', b.reason);
  },
  async close(ctx, b) {
    await changeStatus(ctx, { closure: 'archived', closeReason: b.comment });
    await withdrawPending(ctx.client, ctx.row.id, ctx.who, ctx.now);
    await history(ctx, 'close', b.comment ?? null);
  },
  async comment(ctx, b) {
    await ctx.client.query(touchCaseSql(ctx.row.id, ctx.now));
    await history(ctx, 'comment', b.comment);
  },
  async delegate(ctx, b) {
    const { row, now } = ctx;
    if (row.delegated_to) {
      throw appError('YPQ_CASE_STATE', String(row.id), `handed over to ${row.delegated_to}`, 'wait for its answer before handing over again');
    }
    const from = row.township ?? row.county;
    if (b.to === from) throw appError('YPQ_VALIDATION', 'a case cannot be handed over to the township that holds it');
    const deadline = b.deadline ? new Date(b.deadline) : row.deadline;
    if (deadline.getTime() <= now.getTime()) throw appError('YPQ_VALIDATION', 'the handover deadline must lie in the future');
    const { rows } = await ctx.client.query<{ id: number }>(insertDelegationSql(row.id, from, b.to, deadline, b.request, now));
    const delegation = { id: rows[0].id, fromUnit: from, toUnit: b.to, deadline };
    await ctx.client.query(touchCaseSql(row.id, now));
    await history(ctx, 'delegate', b.request, { delegationId: delegation.id, to: b.to, deadline: deadline.toISOString() });
    const message = caseMessage('case.delegated', facts(row), now, delegation);
    await enqueueNotifications(ctx.client, 'case.delegated', [{ message, units: [b.to] }], now);
  },
  async answer(ctx, b) {
    const { row, now } = ctx;
    const { rows } = await ctx.client.query<{ id: number; from_unit: string; to_unit: string; deadline: Date }>(
      answerDelegationSql(row.id, b.answer, ctx.who.sub, now),
    );
    const d = rows[0];
    await ctx.client.query(touchCaseSql(row.id, now));
    await history(ctx, 'answer', b.answer, { delegationId: d.id, to: d.from_unit });
    const message = caseMessage('case.answered', facts(row), now, { id: d.id, fromUnit: d.from_unit, toUnit: d.to_unit, deadline: d.deadline });
    await enqueueNotifications(ctx.client, 'case.answered', [{ message, units: [d.from_unit] }], now);
  },
};

function facts(r: CaseRow) {
  return { id: r.id, rule: r.rule, township: r.township, county: r.county, deadline: r.deadline, escalationLevel: r.escalation_level };
}

/** Runs one action for a principal and returns the case as it is afterwards. */
export async function actOnCase<A extends ActionName>(
  db: Db,
  who: Principal,
  id: number,
  action: A,
  body: ActionBody<A>,
  now: Date = new Date(),
): Promise<Case> {
  return inTransaction(db, async (client) => {
    const { row, access } = await loadVisibleCase(client, who, id, true);
    if (action === 'answer' && !row.delegated_to) {
      throw appError('YPQ_CASE_STATE', String(id), row.status, 'no handover is pending, so there is nothing to answer');
    }
    requireCaseRight(access, action);
    const next = nextStatus(id, action, row.status);
    await HANDLERS[action]({ client, who, row, next, now }, body);
    await audit(client, who, {
      action: 'update',
      objectType: 'case',
      objectId: String(id),
      purpose: 'case handling',
      detail: { action, from: row.status, to: next },
    });
    const { rows } = await client.query<CaseRow>(caseByIdSql(id));
    return caseDetail(client, rows[0]);
  });
}
