import { defineAdapter } from '../shared/define-adapter.js';
import { mapHousehold, type HouseholdRecord } from './map.js';
import { householdRows } from './parse.js';
import { HouseholdFeedEvent } from './schema.js';

export const householdAdapter = defineAdapter<HouseholdRecord>({
  kind: 'household',
  formats: ['xml', 'json'],
  schema: HouseholdFeedEvent,
  roles: ['subject'],
  idField: 'id',
  rows: householdRows,
  map: mapHousehold,
});
