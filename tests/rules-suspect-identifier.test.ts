import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, HOSPITAL, T1, idNumber, rulesWorld, type RulesWorld } from './rules-support.js';

const ids = { wang: idNumber(A, '1990-03-05', 442), li: idNumber(A, '1992-02-02', 52), dup: idNumber(A, '1978-01-01', 113) };
/** The right number with a wrong check digit. */
const badCheck = (id: string) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

describe('suspect_identifier', () => {
  let w: RulesWorld;
  beforeAll(async () => {
    w = await rulesWorld([
      { pid: 'P1', idNumber: ids.wang, name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: `${T1}001` },
      { pid: 'P2', idNumber: ids.li, name: '李娜', sex: 2, birthDate: '1992-02-02', hukou: `${T1}002` },
      // Two persons of the register hold the same number (an old data-entry error).
      { pid: 'P3', idNumber: ids.dup, name: '刘洋', sex: 1, birthDate: '1978-01-01', hukou: `${T1}003` },
      { pid: 'P4', idNumber: ids.dup, name: '陈刚', sex: 1, birthDate: '1981-07-07', hukou: `${T1}004` },
    ]);
  });
  afterAll(() => w.db.drop());

  it('raises for a wrong check digit at the submitting agency\'s township; not for a valid number', async () => {
    await w.push(HOSPITAL, 'prenatal', [
      { record_id: 'C1', exam_date: '2024-03-05', name: '王芳', id_type: '01', id_number: badCheck(ids.wang), birth_date: '1990-03-05' },
      { record_id: 'C2', exam_date: '2024-03-05', name: '李娜', id_type: '01', id_number: ids.li, birth_date: '1992-02-02' },
    ]);
    const cases = await w.cases('suspect_identifier');
    expect(cases).toHaveLength(1);
    // The hospital's division is the county 430102: its own queue.
    expect(cases[0]).toMatchObject({ dedup_key: `checkdigit:${HOSPITAL}:prenatal:C1:subject`, township: null, county: A });
    expect(cases[0].payload).toMatchObject({ agency: HOSPITAL, feed: 'prenatal', recordId: 'C1', field: 'subject.idNumber', reason: 'check_digit' });
  });

  it('raises for an ID number the register holds for two different persons', async () => {
    await w.push(HOSPITAL, 'birth', [
      { record_id: 'B1', facility_code: 'FAC01', birth_time: '2024-03-01 08:00', child_sex: '1', mother_name: '王芳', mother_id_number: ids.wang,
        father_name: '刘洋', father_id_number: ids.dup, birth_division: `${T1}001` },
    ]);
    const shared = (await w.cases('suspect_identifier')).filter((c) => c.payload.reason === 'used_by_two_persons');
    expect(shared).toHaveLength(1);
    expect(shared[0].subjects.sort()).toEqual(['P3', 'P4']);
  });

  it('closes the check-digit case when a corrected version of the record arrives', async () => {
    await w.push(HOSPITAL, 'prenatal', [
      { record_id: 'C1', exam_date: '2024-03-05', name: '王芳', id_type: '01', id_number: ids.wang, birth_date: '1990-03-05' },
    ]);
    const [c] = await w.cases('suspect_identifier');
    expect(c).toMatchObject({ status: 'closed', closure: 'cause_gone' });
  });
});
