import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, CIVIL, T1, T2, idNumber, rulesWorld, type RulesWorld } from './rules-support.js';

const ids = { zhang: idNumber(A, '1988-06-12', 321), wang: idNumber(A, '1990-03-05', 442), liu: idNumber(A, '1978-01-01', 113), chen: idNumber(A, '1979-05-05', 22) };
const party = (p: 1 | 2, name: string, id: string, birth: string) => ({ [`party${p}_name`]: name, [`party${p}_id_number`]: id, [`party${p}_birth_date`]: birth });

describe('premarital_check_offer', () => {
  let w: RulesWorld;
  beforeAll(async () => {
    w = await rulesWorld([
      { pid: 'P1', idNumber: ids.zhang, name: '张伟', sex: 1, birthDate: '1988-06-12', hukou: `${T1}001`, marital: '10' },
      { pid: 'P2', idNumber: ids.wang, name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: `${T1}002`, residence: `${T2}005`, marital: '10' },
      { pid: 'P3', idNumber: ids.liu, name: '刘洋', sex: 1, birthDate: '1978-01-01', hukou: `${T1}001`, marital: '20' },
      { pid: 'P4', idNumber: ids.chen, name: '陈静', sex: 2, birthDate: '1979-05-05', hukou: `${T1}001`, marital: '20' },
    ]);
  });
  afterAll(() => w.db.drop());

  it('raises once per marriage registration at the couple\'s current-residence township; not for a divorce', async () => {
    await w.push(CIVIL, 'marriage', [
      { record_id: 'M1', kind: 'marriage', registered_on: '2024-03-08', office_code: 'MZ01', ...party(1, '张伟', ids.zhang, '1988-06-12'), ...party(2, '王芳', ids.wang, '1990-03-05') },
      { record_id: 'M2', kind: 'divorce', registered_on: '2024-03-08', office_code: 'MZ01', ...party(1, '刘洋', ids.liu, '1978-01-01'), ...party(2, '陈静', ids.chen, '1979-05-05') },
    ]);
    const cases = await w.cases('premarital_check_offer');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ dedup_key: `marriage:${CIVIL}:M1`, township: T2 });
    expect(cases[0].subjects.sort()).toEqual(['P1', 'P2']);
    expect(cases[0].payload).toEqual({ registeredOn: '2024-03-08', officeCode: 'MZ01', marriageRecordId: 'M1', residenceDivision: `${T2}005` });
    // The same file again changes nothing; a reissued certificate raises nothing.
    await w.push(CIVIL, 'marriage', [
      { record_id: 'M3', kind: 'reissue', registered_on: '2024-04-08', office_code: 'MZ01', ...party(1, '张伟', ids.zhang, '1988-06-12'), ...party(2, '王芳', ids.wang, '1990-03-05') },
    ]);
    expect(await w.cases('premarital_check_offer')).toHaveLength(1);
  });

  it('closes itself when the registration is corrected to an annulment', async () => {
    await w.push(CIVIL, 'marriage', [
      { record_id: 'M1', kind: 'annulment', registered_on: '2024-03-08', office_code: 'MZ01', ...party(1, '张伟', ids.zhang, '1988-06-12'), ...party(2, '王芳', ids.wang, '1990-03-05') },
    ]);
    const [c] = await w.cases('premarital_check_offer');
    expect(c).toMatchObject({ status: 'closed', closure: 'cause_gone' });
  });
});
