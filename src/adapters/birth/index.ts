import { defineAdapter } from '../shared/define-adapter.js';
import { mapBirth, type BirthRecord } from './map.js';
import { birthRows } from './parse.js';
import { BirthFeedRecord } from './schema.js';

export const birthAdapter = defineAdapter<BirthRecord>({
  kind: 'birth',
  formats: ['csv', 'xml', 'json'],
  schema: BirthFeedRecord,
  roles: ['child', 'mother', 'father'],
  idField: 'record_id',
  rows: birthRows,
  map: mapBirth,
});
