// The business-item cycle and who may act, as pure functions.
//
//   submitted ──assign──► in_progress ──(every handling unit submitted)──► handled ──archive──► archived
//                             ▲  └──────────────return (new deadline)───────────┘
//                             └────────────────────────────────┘
//
// assign may add units later (in_progress or handled → in_progress). feedback (the requesting
// unit's word on the result) leaves the status as it is.
import { appError } from '../../errors.js';

export const ITEM_STATUSES = ['submitted', 'in_progress', 'handled', 'archived'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const ITEM_ACTIONS = ['assign', 'handle', 'feedback', 'return', 'archive'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

const FROM: Record<ItemAction, { from: readonly ItemStatus[]; hint: string }> = {
  assign: { from: ['submitted', 'in_progress', 'handled'], hint: 'an archived item takes no new handling units' },
  handle: { from: ['in_progress'], hint: 'only an item in progress takes results' },
  feedback: { from: ['in_progress', 'handled'], hint: 'feedback is given on a result before the item is archived' },
  return: { from: ['in_progress', 'handled'], hint: 'only an assigned, unarchived item can be returned' },
  archive: { from: ['handled'], hint: 'every handling unit must submit its result before the item is archived' },
};

export function requireStatus(itemId: number, action: ItemAction, current: ItemStatus): void {
  if (!FROM[action].from.includes(current)) throw appError('YPQ_COORD_ITEM_STATE', String(itemId), current, `cannot ${action}: ${FROM[action].hint}`);
}

export interface ItemRoles {
  visible: boolean;
  /** The coordination office of the item's county (or an admin). */
  office: boolean;
  requester: boolean;
  /** Holds an assignment on the item (pending or submitted). */
  handler: boolean;
}

export function itemRoles(
  caller: { unit: string; county: string | null; office: boolean; admin: boolean },
  item: { county: string; requester: string; units: readonly string[] },
): ItemRoles {
  const office = caller.admin || (caller.office && caller.county === item.county);
  const requester = item.requester === caller.unit;
  const handler = item.units.includes(caller.unit);
  return { visible: office || requester || handler, office, requester, handler };
}

const NEEDS: Record<ItemAction, keyof ItemRoles> = {
  assign: 'office',
  handle: 'handler',
  feedback: 'requester',
  return: 'office',
  archive: 'office',
};

const WHO: Record<keyof ItemRoles, string> = {
  visible: 'a unit taking part',
  office: 'the coordination office',
  requester: 'the requesting unit',
  handler: 'a handling unit',
};

export function requireRight(roles: ItemRoles, action: ItemAction): void {
  if (!roles[NEEDS[action]]) throw appError('YPQ_FORBIDDEN', `only ${WHO[NEEDS[action]]} can ${action} this item`);
}

/** An item is archived on time when no handling unit was ever late and none had to be sent back. */
export function archivedOnTime(assignments: readonly { late: boolean; returns: number }[]): boolean {
  return assignments.every((a) => !a.late && a.returns === 0);
}
