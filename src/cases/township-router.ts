// Which queue a case lands in, from division codes (statistical codes PPCCDDTTTVVV).
//
// - a 12-digit village code → its township (the first 9 digits);
// - a 9-digit code → that township;
// - a code naming a county itself (6 digits, or a longer code whose township part is all zeros)
//   → the county's own queue: the case has no township and is handled by the county's staff,
//   who see it with their townships' cases;
// - a city or province code cannot be routed: the rule must find a better division.
import { appError } from '../errors.js';
import { parseDivision } from '../normalise/codes.js';
import type { RoutingTarget, RuleDefinition } from '../rules/catalog.js';

export interface CaseQueue {
  /** 9 digits, or null for the county's own queue. */
  township: string | null;
  county: string;
}

export function queueForDivision(code: string): CaseQueue {
  const parsed = parseDivision(code);
  if (!parsed.ok) throw appError('YPQ_CASE_ROUTING', parsed.message);
  const c = parsed.value;
  if (c.length >= 9) return { township: c.slice(0, 9), county: c.slice(0, 6) };
  if (c.length === 6) return { township: null, county: c };
  throw appError('YPQ_CASE_ROUTING', `"${code}" names a city or province, not a county or township`);
}

/** The unit that owns a queue: the township, or the county for its own queue. */
export function queueUnit(q: CaseQueue): string {
  return q.township ?? q.county;
}

export interface SubjectDivisions {
  hukou?: string | null;
  residence?: string | null;
  /** The submitting agency's division. */
  submitter?: string | null;
}

// When the rule's own target is unknown (a migrant without a recorded residence, say), the case
// still needs an owner: the place the person lives is likeliest to reach them, then the
// household registration, then the agency that reported it.
const FALLBACK: RoutingTarget[] = ['residence', 'hukou', 'submitter'];

/** Routes a case for a rule: its target division if known, else the first known fallback. */
export function routeCase(rule: Pick<RuleDefinition, 'code' | 'routing'>, d: SubjectDivisions): CaseQueue & { routedBy: RoutingTarget } {
  for (const target of [rule.routing, ...FALLBACK.filter((t) => t !== rule.routing)]) {
    const code = d[target];
    if (code) return { ...queueForDivision(code), routedBy: target };
  }
  throw appError('YPQ_CASE_ROUTING', `rule ${rule.code} needs a ${rule.routing} division and none of hukou, residence or submitter is known`);
}
