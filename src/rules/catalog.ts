// The catalog of rules that may raise cases: what each is called, which township handles it,
// how long the township has, and which payload fields the handler may see. Only the catalog
// lives here; each rule's logic is its own module (../shared/design.md, step 4).
//
// Purpose limitation: every rule serves a resident or keeps a record right. `payloadFields` is an
// allow-list that raiseCase enforces, so a new field in a case is a deliberate, reviewed change
// to this file, never a side effect of a rule passing its whole input along.

/** Which division routes a case: the subject's household registration, current residence, or the submitting agency's. */
export type RoutingTarget = 'hukou' | 'residence' | 'submitter';

export interface RuleDefinition {
  code: string;
  kind: 'service' | 'data_quality';
  title: { zh: string; en: string };
  routing: RoutingTarget;
  /** Hours the responsible township has from raising to resolving; `CASE_DEADLINE_HOURS` overrides. */
  defaultDeadlineHours: number;
  /** The only keys a case payload of this rule may carry. */
  payloadFields: readonly string[];
}

const DAY = 24;

export const RULES = [
  {
    code: 'newborn_unregistered',
    kind: 'service',
    title: { zh: '新生儿未落户', en: 'Newborn not yet in the household register' },
    routing: 'hukou',
    defaultDeadlineHours: 30 * DAY,
    payloadFields: ['birthRecordId', 'birthTime', 'birthFacility', 'birthDivision', 'childName', 'childSex', 'motherPid', 'fatherPid', 'hukouDivision'],
  },
  {
    code: 'new_resident',
    kind: 'service',
    title: { zh: '新流入人口居住登记', en: 'New resident to register for residence services' },
    routing: 'residence',
    defaultDeadlineHours: 15 * DAY,
    payloadFields: ['residenceDivision', 'hukouDivision', 'address', 'movedIn', 'occupancy', 'sourceRecordId'],
  },
  {
    code: 'maternal_care_enrolment',
    kind: 'service',
    title: { zh: '孕产妇免费健康管理建档', en: 'Enrol in free maternal health care at the current township' },
    routing: 'residence',
    defaultDeadlineHours: 14 * DAY,
    // Only what the township needs to enrol her: nothing about other children, marriage or household,
    // and no clinical detail (health data travel only as far as the service that needs them).
    payloadFields: ['name', 'contact', 'expectedDate', 'facilityCode'],
  },
  {
    code: 'premarital_check_offer',
    kind: 'service',
    title: { zh: '新婚夫妇免费孕前健康检查告知', en: 'Offer the free pre-pregnancy health check to a newly married couple' },
    routing: 'residence',
    defaultDeadlineHours: 30 * DAY,
    payloadFields: ['registeredOn', 'officeCode', 'marriageRecordId', 'residenceDivision'],
  },
  {
    code: 'agency_conflict',
    kind: 'data_quality',
    title: { zh: '部门数据不一致', en: 'Agencies disagree about the same person' },
    routing: 'hukou',
    defaultDeadlineHours: 10 * DAY,
    payloadFields: ['field', 'populationValue', 'values'],
  },
  {
    code: 'record_on_inactive_person',
    kind: 'data_quality',
    title: { zh: '记录关联到死亡或迁出人员', en: 'A record links to a person marked dead or moved out' },
    routing: 'hukou',
    defaultDeadlineHours: 10 * DAY,
    payloadFields: ['personStatus', 'agency', 'feed', 'recordId', 'recordDate'],
  },
  {
    code: 'suspect_identifier',
    kind: 'data_quality',
    title: { zh: '身份证号码存疑', en: 'Suspect ID number' },
    routing: 'submitter',
    defaultDeadlineHours: 10 * DAY,
    payloadFields: ['agency', 'feed', 'recordId', 'field', 'suppliedValue', 'reason'],
  },
] as const satisfies readonly RuleDefinition[];

export type RuleCode = (typeof RULES)[number]['code'];
export const RULE_CODES: readonly RuleCode[] = RULES.map((r) => r.code);

const BY_CODE = new Map<string, RuleDefinition>(RULES.map((r) => [r.code, r]));

export function isRuleCode(code: string): code is RuleCode {
  return BY_CODE.has(code);
}

export function ruleDefinition(code: string): RuleDefinition | undefined {
  return BY_CODE.get(code);
}

/** The deadline a rule gets, in hours: the configured override, else the catalog default. */
export function deadlineHours(code: RuleCode, overrides: Readonly<Record<string, number>> = {}): number {
  return overrides[code] ?? BY_CODE.get(code)!.defaultDeadlineHours;
}
