import { defineAdapter } from '../shared/define-adapter.js';
import { mapPrenatal, type PrenatalRecord } from './map.js';
import { prenatalRows } from './parse.js';
import { PrenatalFeedRecord } from './schema.js';

export const prenatalAdapter = defineAdapter<PrenatalRecord>({
  kind: 'prenatal',
  formats: ['csv', 'json'],
  schema: PrenatalFeedRecord,
  roles: ['subject'],
  idField: 'record_id',
  rows: prenatalRows,
  map: mapPrenatal,
});
