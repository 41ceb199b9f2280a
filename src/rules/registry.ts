// The rule modules, in the order a run applies them. Closing comes before raising within each rule.
import { agencyConflict } from './agency-conflict.js';
import { maternalCareEnrolment } from './maternal-care-enrolment.js';
import { newResident } from './new-resident.js';
import { newbornUnregistered } from './newborn-unregistered.js';
import { premaritalCheckOffer } from './premarital-check-offer.js';
import { recordOnInactivePerson } from './record-on-inactive-person.js';
import type { BatchRule } from './rule.js';
import { suspectIdentifier } from './suspect-identifier.js';

export const BATCH_RULES: readonly BatchRule[] = [
  newbornUnregistered,
  newResident,
  maternalCareEnrolment,
  premaritalCheckOffer,
  agencyConflict,
  recordOnInactivePerson,
  suspectIdentifier,
];
