import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, HOSPITAL, POLICE, T1, T2, idNumber, rulesWorld, type RulesWorld } from './rules-support.js';

const ids = { wang: idNumber(A, '1990-03-05', 442), li: idNumber(A, '1992-02-02', 52) };

describe('agency_conflict', () => {
  let w: RulesWorld;
  beforeAll(async () => {
    w = await rulesWorld([
      { pid: 'P1', idNumber: ids.wang, name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: `${T1}001`, residence: `${T2}001` },
      { pid: 'P2', idNumber: ids.li, name: '李娜', sex: 2, birthDate: '1992-02-02', hukou: `${T1}002` },
    ]);
  });
  afterAll(() => w.db.drop());

  it('raises at the household-registration township with both values and their sources; not for agreeing records', async () => {
    await w.push(HOSPITAL, 'prenatal', [
      // Same ID, a different birth date: linked on the ID, the dates disagree.
      { record_id: 'C1', exam_date: '2024-03-05', name: '王芳', id_type: '01', id_number: ids.wang, birth_date: '1990-05-03' },
      // Everything agrees; the traditional form of the name is the same name.
      { record_id: 'C2', exam_date: '2024-03-05', name: '李娜', id_type: '01', id_number: ids.li, birth_date: '1992-02-02' },
    ]);
    const cases = await w.cases('agency_conflict');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ subjects: ['P1'], township: T1 });
    expect(cases[0].payload).toEqual({
      field: 'birth_date',
      populationValue: '1990-03-05',
      values: [
        { source: 'population register', value: '1990-03-05' },
        { source: `prenatal:${HOSPITAL}:C1`, agency: HOSPITAL, feed: 'prenatal', recordId: 'C1', value: '1990-05-03' },
      ],
    });
    // The same disagreement again: no second case.
    await w.push(HOSPITAL, 'prenatal', [{ record_id: 'C3', exam_date: '2024-04-05', name: '王芳', id_type: '01', id_number: ids.wang, birth_date: '1990-05-03' }]);
    expect(await w.cases('agency_conflict')).toHaveLength(1);
  });

  it('closes itself when the register takes the supplied value', async () => {
    await w.push(POLICE, 'household', [
      { id: 'E1', type: 'correction', date: '2024-05-01', person: { idNumber: ids.wang, name: '王芳', sex: 2, birthDate: '1990-05-03' },
        hukouDivision: `${T1}001`, previous: { idNumber: ids.wang, name: '王芳' } },
    ]);
    // A correction is the police's own value: not compared, but it settles the hospital's disagreement.
    const cases = await w.cases('agency_conflict');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ status: 'closed', closure: 'cause_gone' });
  });
});
