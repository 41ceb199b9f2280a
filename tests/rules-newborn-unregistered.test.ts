import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, HOSPITAL, POLICE, T1, T2, idNumber, rulesWorld, type RulesWorld } from './rules-support.js';

const ids = { wang: idNumber(A, '1990-03-05', 442), zhang: idNumber(A, '1988-06-12', 321), li: idNumber(A, '1992-02-02', 52) };
const birth = (recordId: string, motherName: string, motherId: string, time: string) => ({
  record_id: recordId, facility_code: 'FAC01', birth_time: time, child_sex: '2', mother_name: motherName, mother_id_number: motherId, birth_division: `${T2}001`,
});
const day = (iso: string) => new Date(`${iso}T12:00:00+08:00`);

describe('newborn_unregistered', () => {
  let w: RulesWorld;
  beforeAll(async () => {
    w = await rulesWorld([
      { pid: 'P1', idNumber: ids.wang, name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: `${T1}001`, residence: `${T2}001`, marital: '20' },
      { pid: 'P2', idNumber: ids.zhang, name: '张伟', sex: 1, birthDate: '1988-06-12', hukou: `${T1}001`, marital: '20' },
      { pid: 'P3', idNumber: ids.li, name: '李娜', sex: 2, birthDate: '1992-02-02', hukou: `${T2}002` },
    ]);
  });
  afterAll(() => w.db.drop());

  it('raises nothing for a fresh birth; the sweep after N days raises at the mother\'s household-registration township', async () => {
    await w.push(HOSPITAL, 'birth', [birth('B1', '王芳', ids.wang, '2024-03-01 08:00'), birth('B2', '李娜', ids.li, '2024-03-20 09:30')], day('2024-03-21'));
    expect(await w.cases('newborn_unregistered')).toHaveLength(0);

    await w.sweep(day('2024-03-30'));
    expect(await w.cases('newborn_unregistered')).toHaveLength(0);

    const r = await w.sweep(day('2024-03-31'));
    expect(r.raised).toBe(1);
    const [c] = await w.cases('newborn_unregistered');
    expect(c).toMatchObject({ dedup_key: `birth:${HOSPITAL}:B1`, township: T1, status: 'open' });
    expect(c.subjects[1]).toBe('P1');
    expect(c.payload).toMatchObject({ birthRecordId: 'B1', birthTime: '2024-03-01T08:00:00', motherPid: 'P1', hukouDivision: `${T1}001`, childSex: 2 });
    // Daily sweeps do not raise the same birth twice.
    expect((await w.sweep(day('2024-04-01'))).raised).toBe(0);
    expect(await w.cases('newborn_unregistered')).toHaveLength(1);
  });

  it('raises at once for a certificate delivered after N days', async () => {
    await w.push(HOSPITAL, 'birth', [birth('B3', '李娜', ids.li, '2023-12-01 10:00')], day('2024-04-01'));
    const cases = await w.cases('newborn_unregistered');
    expect(cases.map((c) => [c.dedup_key, c.township])).toEqual([[`birth:${HOSPITAL}:B1`, T1], [`birth:${HOSPITAL}:B3`, T2]]);
  });

  it('closes itself when the household birth registration of the child arrives', async () => {
    await w.push(POLICE, 'household', [
      { id: 'E1', type: 'birth', date: '2024-04-02', person: { name: '张小花', sex: 2, birthDate: '2024-03-01' }, hukouDivision: `${T1}001` },
    ]);
    const [c] = await w.cases('newborn_unregistered');
    expect(c).toMatchObject({ status: 'closed', closure: 'cause_gone' });
    expect(c.close_reason).toContain('household birth registration received');
    // The sweep leaves it closed and does not raise it again.
    await w.sweep(day('2024-05-01'));
    expect((await w.cases('newborn_unregistered')).filter((x) => x.dedup_key === c.dedup_key)).toHaveLength(1);
  });
});
