import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATERNAL_PAYLOAD_KEYS } from '../src/rules/maternal-care-enrolment.js';
import { A, HOSPITAL, T1, T2, idNumber, resolve, rulesWorld, type RulesWorld } from './rules-support.js';

const ids = { wang: idNumber(A, '1990-03-05', 442), li: idNumber(A, '1992-02-02', 52) };

describe('maternal_care_enrolment', () => {
  let w: RulesWorld;
  beforeAll(async () => {
    w = await rulesWorld([
      { pid: 'P1', idNumber: ids.wang, name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: `${T1}001`, marital: '20', phone: '13800138000' },
      { pid: 'P2', idNumber: ids.li, name: '李娜', sex: 2, birthDate: '1992-02-02', hukou: `${T1}002` },
    ]);
  });
  afterAll(() => w.db.drop());

  it('raises at the current-residence township with only name, contact, expected date and facility', async () => {
    await w.push(HOSPITAL, 'prenatal', [
      { record_id: 'C1', facility_code: 'FAC01', exam_date: '2024-03-05', name: '王芳', id_type: '01', id_number: ids.wang, birth_date: '1990-03-05',
        phone: '13900001111', address: '解放路1号', residence_division: `${T2}003`, gestational_weeks: 12, expected_date: '2024-09-20' },
    ]);
    const cases = await w.cases('maternal_care_enrolment');
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ subjects: ['P1'], township: T2 });
    expect(Object.keys(cases[0].payload).sort()).toEqual([...MATERNAL_PAYLOAD_KEYS].sort());
    expect(cases[0].payload).toEqual({ name: '王芳', contact: '13900001111', expectedDate: '2024-09-20', facilityCode: 'FAC01' });
  });

  it('does not raise again for a later exam of the same pregnancy, even with a revised expected date', async () => {
    await w.push(HOSPITAL, 'prenatal', [
      { record_id: 'C2', facility_code: 'FAC01', exam_date: '2024-04-05', name: '王芳', id_type: '01', id_number: ids.wang, birth_date: '1990-03-05',
        residence_division: `${T2}003`, gestational_weeks: 16, expected_date: '2024-10-02' },
    ]);
    expect(await w.cases('maternal_care_enrolment')).toHaveLength(1);
  });

  it('does not raise for a woman already enrolled at her township', async () => {
    await w.push(HOSPITAL, 'prenatal', [
      { record_id: 'C3', facility_code: 'FAC02', exam_date: '2024-03-05', name: '李娜', id_type: '01', id_number: ids.li, birth_date: '1992-02-02', expected_date: '2024-10-01' },
    ]);
    const [, li] = await w.cases('maternal_care_enrolment');
    expect(li).toMatchObject({ subjects: ['P2'], township: T1 });
    await resolve(w, li.id);
    expect((await w.db.pool.query('SELECT pid, township FROM care_enrolments')).rows).toEqual([{ pid: 'P2', township: T1 }]);
    await w.db.pool.query("UPDATE cases SET created_at = now() - interval '400 days' WHERE id = $1", [li.id]);
    await w.push(HOSPITAL, 'prenatal', [
      { record_id: 'C4', facility_code: 'FAC02', exam_date: '2024-05-05', name: '李娜', id_type: '01', id_number: ids.li, birth_date: '1992-02-02', expected_date: '2024-11-01' },
    ]);
    expect(await w.cases('maternal_care_enrolment')).toHaveLength(2);
  });
});
