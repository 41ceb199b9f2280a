// The case lifecycle and who may do what, as pure functions.
//
//   open ──accept──► accepted ──resolve──► resolved ──close──► closed
//     └──────return──────┴──► returned ─────────close──────────┘
//   open | accepted | returned ──auto_close (cause gone)──► closed
//
// Handover (delegate / answer), comments and escalation leave the status as it is.
import { appError } from '../errors.js';
import type { Principal, Role } from '../auth/principal.js';

export const CASE_STATUSES = ['open', 'accepted', 'resolved', 'returned', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export type CaseAction = 'accept' | 'resolve' | 'return' | 'delegate' | 'answer' | 'comment' | 'close' | 'auto_close';

const ALLOWED: Record<CaseAction, { from: readonly CaseStatus[]; to?: CaseStatus; hint: string }> = {
  accept: { from: ['open'], to: 'accepted', hint: 'only an open case can be accepted' },
  resolve: { from: ['accepted'], to: 'resolved', hint: 'accept the case before resolving it' },
  return: { from: ['open', 'accepted'], to: 'returned', hint: 'only an open or accepted case can be returned' },
  delegate: { from: ['open', 'accepted'], hint: 'only an open or accepted case can be handed over' },
  answer: { from: ['open', 'accepted'], hint: 'the handover is no longer pending' },
  comment: { from: ['open', 'accepted', 'resolved', 'returned'], hint: 'a closed case takes no comments' },
  close: { from: ['resolved', 'returned'], to: 'closed', hint: 'only a resolved or returned case can be closed' },
  auto_close: { from: ['open', 'accepted', 'returned'], to: 'closed', hint: 'a handled case is not closed for cause' },
};

/** Statuses a case may be in when its rule closes it because the cause is gone. */
export const AUTO_CLOSABLE: readonly CaseStatus[] = ALLOWED.auto_close.from;

/** The status after an action, or a 409 that says why the action does not fit. */
export function nextStatus(caseId: number, action: CaseAction, current: CaseStatus): CaseStatus {
  const rule = ALLOWED[action];
  if (!rule.from.includes(current)) throw appError('YPQ_CASE_STATE', String(caseId), current, `cannot ${action.replace('_', '-')}: ${rule.hint}`);
  return rule.to ?? current;
}

/** Who is acting: a person with a token, or the gateway itself (rules, escalation job). */
export interface CaseActor {
  sub: string;
  role: Role | 'system';
  unit: string;
}

export const RULES_ACTOR: CaseActor = { sub: 'system:rules', role: 'system', unit: '-' };
export const ESCALATION_ACTOR: CaseActor = { sub: 'system:escalation', role: 'system', unit: '-' };

export interface CaseScopeFacts {
  township: string | null;
  county: string;
  escalationLevel: number;
  /** Units the case was ever handed over to, and the one it is with now. */
  delegatedTo: readonly string[];
  pendingDelegate: string | null;
}

export interface CaseAccess {
  visible: boolean;
  /** May accept, resolve, return and hand over. */
  owner: boolean;
  /** Holds the pending handover and may answer it. */
  delegate: boolean;
  /** The county over the case (or an admin): may close it. */
  supervisor: boolean;
}

const NONE: CaseAccess = { visible: false, owner: false, delegate: false, supervisor: false };

/**
 * A township sees its own cases and those handed over to it; a county its townships' cases, its
 * own queue and cases handed to its townships; an admin all; an agency none. A county acts as
 * owner on its own queue and on cases escalated to it.
 */
export function caseAccess(who: Pick<Principal, 'role' | 'unit'>, c: CaseScopeFacts): CaseAccess {
  switch (who.role) {
    case 'admin':
      return { visible: true, owner: true, delegate: c.pendingDelegate !== null, supervisor: true };
    case 'township': {
      const owner = c.township === who.unit;
      const delegate = c.pendingDelegate === who.unit;
      return { visible: owner || c.delegatedTo.includes(who.unit), owner, delegate, supervisor: false };
    }
    case 'county': {
      const own = c.county === who.unit;
      return {
        visible: own || c.delegatedTo.some((u) => u.startsWith(who.unit)),
        owner: own && (c.township === null || c.escalationLevel >= 1),
        delegate: false,
        supervisor: own,
      };
    }
    default:
      return NONE;
  }
}

const NEEDS: Record<Exclude<CaseAction, 'auto_close'>, keyof CaseAccess> = {
  accept: 'owner',
  resolve: 'owner',
  return: 'owner',
  delegate: 'owner',
  answer: 'delegate',
  comment: 'visible',
  close: 'supervisor',
};

const WHO_MAY: Record<keyof CaseAccess, string> = {
  visible: 'a unit that sees the case',
  owner: 'the responsible township (or its county once escalated)',
  delegate: 'the township the case is handed over to',
  supervisor: 'the county responsible for the case',
};

/** Throws 403 when a unit that sees the case may not take this action on it. */
export function requireCaseRight(access: CaseAccess, action: Exclude<CaseAction, 'auto_close'>): void {
  const need = NEEDS[action];
  if (!access[need]) throw appError('YPQ_FORBIDDEN', `only ${WHO_MAY[need]} can ${action} this case`);
}
