import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, HOSPITAL, HOUSING_AGENCY, POLICE, T1, T2, idNumber, resolve, rulesWorld, type RulesWorld } from './rules-support.js';

const ids = { wang: idNumber(A, '1990-03-05', 442), li: idNumber(A, '1992-02-02', 52), zhao: idNumber(A, '1980-01-01', 11) };

describe('new_resident', () => {
  let w: RulesWorld;
  beforeAll(async () => {
    w = await rulesWorld([
      { pid: 'P1', idNumber: ids.wang, name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: `${T1}001` },
      { pid: 'P2', idNumber: ids.li, name: '李娜', sex: 2, birthDate: '1992-02-02', hukou: `${T1}002` },
      { pid: 'P3', idNumber: ids.zhao, name: '赵磊', sex: 1, birthDate: '1980-01-01', hukou: `${T2}001` },
    ]);
  });
  afterAll(() => w.db.drop());

  it('raises for a tenant living in another township, routed there; not for one living at home', async () => {
    await w.push(HOUSING_AGENCY, 'housing', [
      { record_id: 'H1', property_id: 'X1', division: `${T2}003`, address: '解放路1号', name: '王芳', id_number: ids.wang, occupancy: 'tenant', moved_in: '2024-03-01' },
      { record_id: 'H2', property_id: 'X2', division: `${T1}003`, address: '人民路2号', name: '李娜', id_number: ids.li, occupancy: 'owner', moved_in: '2024-03-01' },
    ]);
    const cases = await w.cases('new_resident');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ subjects: ['P1'], township: T2, dedup_key: `P1:${T2}`, status: 'open' });
    expect(cases[0].payload).toMatchObject({ residenceDivision: `${T2}003`, hukouDivision: `${T1}001`, occupancy: 'tenant', sourceRecordId: 'H1' });
  });

  it('does not raise twice for the same person and township, nor after the township registered them', async () => {
    await w.push(HOUSING_AGENCY, 'housing', [
      { record_id: 'H3', property_id: 'X3', division: `${T2}004`, address: '解放路9号', name: '王芳', id_number: ids.wang, occupancy: 'tenant', moved_in: '2024-04-01' },
    ]);
    expect(await w.cases('new_resident')).toHaveLength(1);
    // A prenatal exam shows a woman of T1 living in T2: raised, then registered there once resolved.
    await w.push(HOSPITAL, 'prenatal', [
      { record_id: 'C1', exam_date: '2024-03-05', name: '李娜', id_type: '01', id_number: ids.li, birth_date: '1992-02-02', residence_division: `${T2}001` },
    ]);
    const [, li] = await w.cases('new_resident');
    expect(li).toMatchObject({ subjects: ['P2'], township: T2 });
    await resolve(w, li.id);
    const reg = await w.db.pool.query('SELECT pid, township FROM resident_registrations');
    expect(reg.rows).toEqual([{ pid: 'P2', township: T2 }]);
  });

  it('closes itself when the household registration moves into the township', async () => {
    await w.push(POLICE, 'household', [
      { id: 'E1', type: 'move_in', date: '2024-05-01', person: { idNumber: ids.wang, name: '王芳', sex: '2', birthDate: '1990-03-05' }, toDivision: `${T2}003`, fromDivision: `${T1}001` },
    ]);
    const [wang] = await w.cases('new_resident');
    expect(wang).toMatchObject({ status: 'closed', closure: 'cause_gone' });
    expect(wang.close_reason).toContain('household registration moved');
  });
});
