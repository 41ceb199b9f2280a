import { defineAdapter } from '../shared/define-adapter.js';
import { mapMarriage, type MarriageRecord } from './map.js';
import { marriageRows } from './parse.js';
import { MarriageFeedRecord } from './schema.js';

export const marriageAdapter = defineAdapter<MarriageRecord>({
  kind: 'marriage',
  formats: ['csv', 'xml', 'json'],
  schema: MarriageFeedRecord,
  roles: ['party1', 'party2'],
  idField: 'record_id',
  rows: marriageRows,
  map: mapMarriage,
});
