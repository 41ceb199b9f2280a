import { defineAdapter } from '../shared/define-adapter.js';
import { mapHousing, type HousingRecord } from './map.js';
import { housingRows } from './parse.js';
import { HousingFeedRecord } from './schema.js';

export type { HousingRecord } from './map.js';

export const housingAdapter = defineAdapter<HousingRecord>({
  kind: 'housing',
  formats: ['csv', 'json'],
  schema: HousingFeedRecord,
  roles: ['subject'],
  idField: 'record_id',
  rows: housingRows,
  map: mapHousing,
});
