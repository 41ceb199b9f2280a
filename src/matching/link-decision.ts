// What is stored per person of a record: the core's Decision, with the rules the SQL stage and
// the clerks add to the core's DecisionRule.
import type { Decision, DecisionRule, Explanation, LinkStatus } from './decide.js';

export type LinkRule =
  | DecisionRule
  /** A newborn on a birth certificate whose linked mother has exactly one child born that day. */
  | 'child-of-linked-mother'
  /** The model chose a person who is not a child of the certificate's linked mother. */
  | 'not-a-child-of-linked-mother'
  /** A newborn on a birth certificate: every candidate is recorded as the child of another mother. */
  | 'child-of-another-mother'
  /** A father on a birth certificate: the registered spouse of the linked mother, with his name. */
  | 'spouse-of-linked-mother'
  /** A party to a divorce (annulment, reissue): the registered spouse of the other, linked party. */
  | 'spouse-of-linked-party'
  /** The police register a newborn: the one child a hospital reported born that day, of that sex, there. */
  | 'newborn-registration'
  /** A move-in from another county: the alike candidates are residents of the destination county already. */
  | 'registered-here-already'
  /** A move-in: the alike candidates' household registration is in a county other than the origin the record names. */
  | 'registered-in-another-county'
  /** A wedding: the alike candidates are married to someone other than the record's other party. */
  | 'married-to-another'
  /** A household birth registration: the alike candidates are children of parents of other surnames. */
  | 'child-of-another-family'
  /** A housing record: the person an earlier report of the same property, with the same name, was linked to. */
  | 'same-property-earlier-report'
  /** A housing record: the one same-named relative (by the register) of a person linked at the same property. */
  | 'relative-at-same-property'
  /** A clerk decided (review). */
  | 'clerk'
  /** A relink changed a decision whose event had already changed the population database. */
  | 'relink-changed-after-apply';

/** Every rule a stored decision may carry (the pages label each one; the compiler checks the list is whole). */
export const LINK_RULES = [
  'verified-id-and-birth-date', 'duplicate-verified-id', 'above-link-threshold', 'close-runner-up', 'review-band', 'below-review-threshold',
  'only-excluded-candidates', 'no-candidates', 'child-of-linked-mother', 'not-a-child-of-linked-mother', 'child-of-another-mother',
  'spouse-of-linked-mother', 'spouse-of-linked-party', 'newborn-registration', 'registered-here-already', 'registered-in-another-county',
  'married-to-another', 'child-of-another-family', 'same-property-earlier-report', 'relative-at-same-property', 'clerk',
  'relink-changed-after-apply',
] as const satisfies readonly LinkRule[];
const allRulesListed: Exclude<LinkRule, (typeof LINK_RULES)[number]> extends never ? true : false = true;
void allRulesListed;

export interface LinkDecision {
  status: LinkStatus;
  pid: string | null;
  score: number;
  matchWeight: number | null;
  rule: LinkRule;
  explanation: Omit<Explanation, 'rule'> & { rule: LinkRule };
}

export function withRule(d: Decision | LinkDecision, status: LinkStatus, rule: LinkRule, pid: string | null = d.pid): LinkDecision {
  return { ...d, status, pid: status === 'linked' ? pid : null, rule, explanation: { ...d.explanation, rule } };
}
