// The case machinery's public surface, for the rules (raise / close for cause) and the gateway.
export { raiseCase, closeCaseForCause, type RaiseCaseInput, type RaiseCaseResult, type CaseSource, type CloseForCauseInput } from './raise-case.js';
export { queueForDivision, routeCase, type CaseQueue, type SubjectDivisions } from './township-router.js';
export { actOnCase } from './case-actions.js';
export { getCase, listCases } from './case-reads.js';
export { escalateOverdueCases } from './escalation.js';
export { startCaseJobs } from './case-jobs.js';
export type { Case, CaseSummary } from './case-schema.js';
export type { CaseStatus, CaseActor } from './case-state.js';
