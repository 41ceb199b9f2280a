// The supervision score of a unit in a month, as a pure function (docs/coordination.md).
//
//   R = cases resolved by their deadline / cases due   (due: deadline passed by the time of
//       computing, or already handled — a case still within its deadline does not count yet)
//   P = 1 − overdue cases / cases due                  (overdue: not handled by the deadline)
//   D = delegations answered by their deadline / delegations received (withdrawn ones left out)
//   score = 100 × (0.5·R + 0.3·P + 0.2·D), over the parts that are defined, weights rescaled;
//   null when the unit had no case due and no delegation.

export const SUPERVISION_WEIGHTS = { resolvedOnTime: 0.5, notOverdue: 0.3, delegationsOnTime: 0.2 } as const;

export interface SupervisionCounts {
  due: number;
  resolvedOnTime: number;
  overdue: number;
  delegations: number;
  delegationsOnTime: number;
}

export function supervisionScore(c: SupervisionCounts): number | null {
  const parts: [number, number][] = [];
  if (c.due > 0) {
    parts.push([c.resolvedOnTime / c.due, SUPERVISION_WEIGHTS.resolvedOnTime]);
    parts.push([1 - c.overdue / c.due, SUPERVISION_WEIGHTS.notOverdue]);
  }
  if (c.delegations > 0) parts.push([c.delegationsOnTime / c.delegations, SUPERVISION_WEIGHTS.delegationsOnTime]);
  if (!parts.length) return null;
  const weight = parts.reduce((a, [, w]) => a + w, 0);
  return Math.round((1000 * parts.reduce((a, [v, w]) => a + v * w, 0)) / weight) / 10;
}
