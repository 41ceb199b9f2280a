import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, HOSPITAL, HOUSING_AGENCY, POLICE, T1, T2, idNumber, rulesWorld, type RulesWorld } from './rules-support.js';

const ids = { zhao: idNumber(A, '1950-01-01', 11), li: idNumber(A, '1992-02-02', 52), sun: idNumber(A, '1960-02-02', 31) };
const zhao = { idNumber: ids.zhao, name: '赵磊', sex: '1', birthDate: '1950-01-01' };

describe('record_on_inactive_person', () => {
  let w: RulesWorld;
  beforeAll(async () => {
    w = await rulesWorld([
      { pid: 'P1', idNumber: ids.zhao, name: '赵磊', sex: 1, birthDate: '1950-01-01', hukou: `${T1}001`, residence: `${T2}001` },
      { pid: 'P2', idNumber: ids.li, name: '李娜', sex: 2, birthDate: '1992-02-02', hukou: `${T1}002` },
      { pid: 'P3', idNumber: ids.sun, name: '孙强', sex: 1, birthDate: '1960-02-02', hukou: `${T1}003`, status: 3 },
    ]);
  });
  afterAll(() => w.db.drop());

  it('does not raise for the death registration itself, nor for a record dated before the death', async () => {
    await w.push(POLICE, 'household', [{ id: 'E1', type: 'death', date: '2024-03-01', person: zhao, hukouDivision: `${T1}001` }]);
    await w.push(HOUSING_AGENCY, 'housing', [
      { record_id: 'H1', property_id: 'X1', division: `${T1}001`, name: '赵磊', id_number: ids.zhao, occupancy: 'owner', moved_in: '2020-01-01' },
      { record_id: 'H2', property_id: 'X2', division: `${T1}002`, name: '李娜', id_number: ids.li, occupancy: 'owner', moved_in: '2024-04-01' },
    ]);
    expect(await w.cases('record_on_inactive_person')).toHaveLength(0);
  });

  it('raises at the household-registration township for a later record on a dead or moved-out person', async () => {
    await w.push(HOUSING_AGENCY, 'housing', [
      { record_id: 'H3', property_id: 'X3', division: `${T2}001`, name: '赵磊', id_number: ids.zhao, occupancy: 'tenant', moved_in: '2024-06-01' },
      { record_id: 'H4', property_id: 'X4', division: `${T2}002`, name: '孙强', id_number: ids.sun, occupancy: 'tenant', moved_in: '2024-06-01' },
    ]);
    const cases = await w.cases('record_on_inactive_person');
    expect(cases.map((c) => [c.subjects[0], c.township, c.payload.personStatus])).toEqual([['P1', T1, 'dead'], ['P3', T1, 'moved_out']]);
    expect(cases[0].payload).toEqual({ personStatus: 'dead', agency: HOUSING_AGENCY, feed: 'housing', recordId: 'H3', recordDate: '2024-06-01' });
  });

  it('closes itself when the person moves back in', async () => {
    await w.push(POLICE, 'household', [
      { id: 'E2', type: 'move_in', date: '2024-07-01', person: { idNumber: ids.sun, name: '孙强', sex: '1', birthDate: '1960-02-02' }, toDivision: `${T1}003` },
    ]);
    const cases = await w.cases('record_on_inactive_person');
    expect(cases.map((c) => c.status)).toEqual(['open', 'closed']);
  });
});
