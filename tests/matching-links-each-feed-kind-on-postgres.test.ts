// Each feed kind through intake, the blocking SQL, the decisions and the apply step on a real
// PostgreSQL: who is linked to whom, why, and what the events changed in the population database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIVIL, HOSPITAL, HOUSING_AGENCY, POLICE, seedAgencies } from '../fixtures/intake/agencies.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { relinkBatch } from '../src/matching/relink.js';
import { idNumber, ingestJson, insertPersons, link, linkDeps, person, relate, results } from './matching-support.js';

const A = '430102';
const ids = {
  wangfang: idNumber(A, '1990-03-05', 442),
  zhangwei: idNumber(A, '1985-06-12', 321),
  zhangwei2: idNumber('430111', '1985-06-12', 131),
  lina: idNumber(A, '1992-02-02', 52),
  liuyang15: '430102780101113',
  zhaolei: idNumber(A, '1940-01-01', 11),
  ayigul: idNumber('650102', '1995-08-17', 264),
};
/** One digit off, so the check digit no longer fits. */
const typo = (id: string, at: number) => id.slice(0, at) + ((Number(id[at]) + 3) % 10) + id.slice(at + 1);

describe('linking each feed kind on PostgreSQL', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await seedAgencies(db.pool);
    await insertPersons(db.pool, [
      { pid: 'P1', idNumber: ids.wangfang, name: '王芳', sex: 2, birthDate: '1990-03-05', hukou: '430102001001', phone: '13800138000', marital: '20' },
      { pid: 'P2', idNumber: ids.zhangwei, name: '张伟', sex: 1, birthDate: '1985-06-12', hukou: '430102001001', marital: '20' },
      { pid: 'P3', idNumber: ids.lina, name: '李娜', sex: 2, birthDate: '1992-02-02', hukou: '430102001002', marital: '10' },
      { pid: 'P4', idNumber: ids.liuyang15, name: '刘洋', sex: 1, birthDate: '1978-01-01', hukou: '430102002001', marital: '10' },
      { pid: 'P5', idNumber: ids.zhaolei, name: '赵磊', sex: 1, birthDate: '1940-01-01', hukou: '430102002001', marital: '20' },
      { pid: 'P6', name: '陈秀英', sex: 2, birthDate: '1942-05-05', hukou: '430102002001', marital: '20' },
      { pid: 'P7', idNumber: ids.zhangwei2, name: '张伟', sex: 1, birthDate: '1985-06-12', hukou: '430102003001', marital: '10' },
      { pid: 'P8', name: '欧阳娜娜', sex: 2, birthDate: '1995-08-17', hukou: '430102001003', phone: '13900001111', marital: '10' },
      { pid: 'P9', idNumber: ids.ayigul, name: '阿依古丽·买买提', sex: 2, birthDate: '1995-08-17', hukou: '650102', residence: '430102001001' },
      { pid: 'P10', name: '张小明', sex: 1, birthDate: '2024-03-01', hukou: '430102001001' },
    ]);
    await relate(db.pool, 'P1', 'spouse', 'P2');
    await relate(db.pool, 'P2', 'spouse', 'P1');
    await relate(db.pool, 'P5', 'spouse', 'P6');
    await relate(db.pool, 'P6', 'spouse', 'P5');
    await relate(db.pool, 'P10', 'mother', 'P1');
    await relate(db.pool, 'P10', 'father', 'P2');
  });
  afterAll(() => db.drop());

  it('prenatal: an exact ID, a mistyped ID, a minority name written with a space, a newcomer', async () => {
    const batch = await ingestJson(db.pool, HOSPITAL, 'prenatal', [
      { record_id: 'C1', exam_date: '2024-03-05', name: '王芳', id_type: '01', id_number: ids.wangfang, birth_date: '1990-03-05', phone: '13800138000' },
      { record_id: 'C2', exam_date: '2024/3/5', name: '王芳', id_type: '01', id_number: typo(ids.wangfang, 9), birth_date: '1990/3/5' },
      { record_id: 'C3', exam_date: '20240305', name: '阿依古丽 买买提', id_type: '居民身份证', id_number: ids.ayigul, residence_division: '430102001001' },
      { record_id: 'C4', exam_date: '2024年3月5日', name: '孙丽', id_type: '01', id_number: idNumber('430181', '1993-07-09', 22), birth_date: '1993-07-09' },
    ]);
    const run = await link(db.pool, batch);
    expect(run).toMatchObject({ records: 4, persons: 4, linked: 3, new: 1, review: 0 });
    const r = await results(db.pool, batch);
    expect(r.get('C1/subject')).toMatchObject({ status: 'linked', pid: 'P1', rule: 'verified-id-and-birth-date' });
    expect(r.get('C2/subject')).toMatchObject({ status: 'linked', pid: 'P1' });
    // The mistyped number is one edit from the stored one: the explanation says so.
    const idField = r.get('C2/subject')!.explanation.candidates[0].fields.find((f) => f.field === 'id_number');
    expect(idField).toMatchObject({ level: 'one_edit' });
    expect(r.get('C3/subject')).toMatchObject({ status: 'linked', pid: 'P9' });
    expect(r.get('C4/subject')).toMatchObject({ status: 'new', pid: null, rule: 'no-candidates' });
    expect([...r.values()].every((x) => x.applied_at !== null)).toBe(true);
  });

  it('round 2 looks for a wrong day in the record\'s county only; any county when the record names none', async () => {
    await insertPersons(db.pool, [
      { pid: 'P50', name: '钱七七', sex: 2, birthDate: '1977-07-17', hukou: '430111001001' },
      { pid: 'P51', name: '钱七七', sex: 2, birthDate: '1977-07-27', hukou: '430102001001' },
    ]);
    // The 7th written for the 17th or the 27th, registered in 430102: only P51 is a candidate.
    const here = await ingestJson(db.pool, POLICE, 'household', [
      { id: 'Y1', type: 'move_out', date: '2024-03-05', person: { name: '钱七七', sex: 2, birthDate: '1977-07-07' }, hukouDivision: '430102001001', toDivision: '110105' },
    ]);
    await link(db.pool, here);
    expect((await results(db.pool, here)).get('Y1/subject')!.explanation).toMatchObject({ candidateCount: 1, candidates: [{ pid: 'P51' }] });
    // A marriage record names no county: both are candidates.
    const anywhere = await ingestJson(db.pool, CIVIL, 'marriage', [
      { record_id: 'Y2', kind: 'divorce', registered_on: '2024-03-06', party1_name: '孔八八', party1_birth_date: '1970-01-01',
        party2_name: '钱七七', party2_birth_date: '1977-07-07' },
    ]);
    await link(db.pool, anywhere);
    expect((await results(db.pool, anywhere)).get('Y2/party2')!.explanation).toMatchObject({ candidateCount: 2 });
  });

  it('is idempotent: the job delivered twice links the batch once', async () => {
    const batch = await ingestJson(db.pool, HOSPITAL, 'prenatal', [
      { record_id: 'C9', exam_date: '2024-03-06', name: '李娜', id_type: '01', id_number: ids.lina },
    ]);
    const [a, b] = await Promise.all([link(db.pool, batch), link(db.pool, batch)]);
    expect([a.skipped, b.skipped].filter(Boolean)).toEqual(['the batch was linked already']);
    expect((await results(db.pool, batch)).size).toBe(1);
  });

  it('birth: the mother\'s registered child is linked within the family; an unknown newborn becomes a person with its mother', async () => {
    const batch = await ingestJson(db.pool, HOSPITAL, 'birth', [
      { record_id: 'O1', birth_time: '2024-03-01 08:30', child_sex: 1, mother_name: '王芳', mother_id_number: ids.wangfang,
        father_name: '张伟', father_id_number: ids.zhangwei, birth_division: '430102001001' },
      { record_id: 'O2', birth_time: '2024/4/2 23:05', child_name: '李小美', child_sex: '女', mother_name: '李娜', mother_id_number: ids.lina,
        birth_division: '430102001' },
      { record_id: 'O3', birth_time: '2024-05-06 10:00', child_name: '未取名', child_sex: 2, mother_name: '王芳', mother_id_number: ids.wangfang,
        birth_division: '430102' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('O1/mother')).toMatchObject({ status: 'linked', pid: 'P1' });
    expect(r.get('O1/father')).toMatchObject({ status: 'linked', pid: 'P2' });
    expect(r.get('O1/child')).toMatchObject({ status: 'linked', pid: 'P10', rule: 'child-of-linked-mother' });
    expect(r.get('O2/mother')).toMatchObject({ status: 'linked', pid: 'P3' });
    const newborn = r.get('O2/child')!;
    expect(newborn).toMatchObject({ status: 'new', pid: null, created_pid: expect.stringMatching(/^N\d{11}$/) });
    const child = await person(db.pool, newborn.created_pid!);
    // Lives where its mother lives; the mother relation is set, no father is known.
    expect(child).toMatchObject({ name: '李小美', sex: 2, birth_date: '2024-04-02', residence_division: '430102001002', mother_pid: 'P3', father_pid: null, status: 1 });
    const history = await db.pool.query('SELECT actor, source FROM person_history WHERE pid = $1', [newborn.created_pid]);
    expect(history.rows[0]).toEqual({ actor: `link:${batch}`, source: 'birth:FC-HOSPITAL:O2#child' });
    // Not yet named: a person all the same, with its mother and father, living where they live.
    const unnamed = await person(db.pool, r.get('O3/child')!.created_pid!);
    expect(unnamed).toMatchObject({ name: '', birth_date: '2024-05-06', sex: 2, mother_pid: 'P1', father_pid: null, residence_division: '430102001001' });
  });

  it('birth: a namesake born the same day who is recorded as another woman\'s child is not this newborn', async () => {
    // 张小明, born 2024-03-01, is 王芳's son (P10). Two other women bear a 张小明 that day.
    const batch = await ingestJson(db.pool, HOSPITAL, 'birth', [
      { record_id: 'Q1', birth_time: '2024-03-01 09:00', child_name: '张小明', child_sex: 1, mother_name: '李娜', mother_id_number: ids.lina,
        birth_division: '430102001001' },
      { record_id: 'Q2', birth_time: '2024-03-01 10:00', child_name: '张小明', child_sex: 1, mother_name: '孙丽',
        mother_id_number: idNumber('430181', '1993-07-09', 22), birth_division: '430102001001' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('Q1/mother')).toMatchObject({ status: 'linked', pid: 'P3' });
    expect(r.get('Q1/child')).toMatchObject({ status: 'new', rule: 'child-of-another-mother' });
    // A mother not in the register has no registered child: the namesake is someone else's.
    expect(r.get('Q2/mother')).toMatchObject({ status: 'new' });
    expect(r.get('Q2/child')).toMatchObject({ status: 'new', rule: 'child-of-another-mother' });
    // The model had weighed P10 and kept it in the explanation.
    expect(r.get('Q2/child')!.explanation.candidates[0].pid).toBe('P10');
  });

  it('household: a move-in from another county is not a namesake the register holds as a resident of this county', async () => {
    await insertPersons(db.pool, [
      { pid: 'P20', name: '钱多多', sex: 2, birthDate: '1988-08-08', hukou: '430102001001' },
      // Registered in another county, living here: the one a move-in registers.
      { pid: 'P21', name: '孙多多', sex: 2, birthDate: '1989-09-09', hukou: '430111001001', residence: '430102001001' },
      // Registered here, living in the county the move-in comes from: coming back.
      { pid: 'P22', name: '李多多', sex: 1, birthDate: '1987-07-07', hukou: '430102001001', residence: '430111001001' },
      // Registered and living here; the record bears the number: the register is behind, not the record.
      { pid: 'P23', idNumber: idNumber(A, '1986-06-06', 62), name: '周多多', sex: 2, birthDate: '1986-06-06', hukou: '430102001001' },
      // Registered in a third county, living here: a move from Beijing is someone else's; a move
      // from the city her county belongs to (named by the city's code) may be hers.
      { pid: 'P24', name: '吴多多', sex: 2, birthDate: '1985-05-05', hukou: '430111001002', residence: '430102001001' },
      { pid: 'P25', name: '郑多多', sex: 1, birthDate: '1984-04-04', hukou: '430111001002', residence: '430102001001' },
    ]);
    const batch = await ingestJson(db.pool, POLICE, 'household', [
      { id: 'M1', type: 'move_in', date: '2024-03-07', person: { name: '钱多多', sex: 2, birthDate: '1988-08-08' },
        fromDivision: '110105', toDivision: '430102001001' },
      { id: 'M2', type: 'move_in', date: '2024-03-07', person: { name: '孙多多', sex: 2, birthDate: '1989-09-09' },
        fromDivision: '430111001001', toDivision: '430102001001' },
      { id: 'M3', type: 'move_in', date: '2024-03-07', person: { name: '李多多', sex: 1, birthDate: '1987-07-07' },
        fromDivision: '430111', toDivision: '430102001001' },
      { id: 'M4', type: 'move_in', date: '2024-03-07', person: { idNumber: idNumber(A, '1986-06-06', 62), name: '周多多', sex: 2, birthDate: '1986-06-06' },
        fromDivision: '110105', toDivision: '430102001001' },
      { id: 'M5', type: 'move_in', date: '2024-03-07', person: { name: '吴多多', sex: 2, birthDate: '1985-05-05' },
        fromDivision: '110105', toDivision: '430102001001' },
      { id: 'M6', type: 'move_in', date: '2024-03-07', person: { name: '郑多多', sex: 1, birthDate: '1984-04-04' },
        fromDivision: '430100', toDivision: '430102001001' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('M1/subject')).toMatchObject({ status: 'new', pid: null, rule: 'registered-here-already' });
    expect(r.get('M5/subject')).toMatchObject({ status: 'new', pid: null, rule: 'registered-in-another-county' });
    expect(r.get('M5/subject')!.explanation.candidates[0].pid).toBe('P24');
    expect(r.get('M6/subject')).toMatchObject({ status: 'linked', pid: 'P25' });
    expect(r.get('M1/subject')!.explanation.candidates[0].pid).toBe('P20');
    expect(r.get('M2/subject')).toMatchObject({ status: 'linked', pid: 'P21' });
    expect(r.get('M3/subject')).toMatchObject({ status: 'linked', pid: 'P22' });
    expect(r.get('M4/subject')).toMatchObject({ status: 'linked', pid: 'P23' });
    // The move-in was applied: P21 is registered here now. A relink does not set P21 aside for
    // the registration its own record made.
    expect(await person(db.pool, 'P21')).toMatchObject({ hukou_division: '430102001001', status: 1 });
    expect(await relinkBatch(linkDeps(db.pool), batch, 'relink:test')).toMatchObject({ changed: 0 });
    expect((await results(db.pool, batch)).get('M2/subject')).toMatchObject({ status: 'linked', pid: 'P21' });
  });

  it('household: a legacy 15-digit ID moves out, a death widows the spouse, a correction renames, a migrant is registered', async () => {
    const batch = await ingestJson(db.pool, POLICE, 'household', [
      { id: 'E1', type: 'move_out', date: '2024-03-03', person: { idNumber: ids.liuyang15, name: '刘洋', sex: 1, birthDate: '19780101' },
        hukouDivision: '430102002001', toDivision: '110105' },
      { id: 'E2', type: '死亡注销', date: '2024-03-04', person: { idNumber: ids.zhaolei, name: '赵磊', sex: 1, birthDate: '1940-01-01' },
        hukouDivision: '430102002001' },
      { id: 'E3', type: 'correction', date: '2024-03-05', person: { idNumber: ids.lina, name: '李娜娜', sex: 2, birthDate: '1992-02-02' },
        hukouDivision: '430102001002', previous: { idNumber: ids.lina, name: '李娜' } },
      { id: 'E4', type: 'move_in', date: '2024-03-06', person: { idNumber: idNumber('430522', '1988-11-20', 17), name: '周杰', sex: 1, birthDate: '1988-11-20' },
        fromDivision: '430522', toDivision: '430102001001' },
      // The police register the hospital's unnamed newborn of O3 with its name.
      { id: 'E5', type: '出生登记', date: '2024-05-20', person: { name: '张小红', sex: '女', birthDate: '2024-05-06' }, hukouDivision: '430102001001' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('E1/subject')).toMatchObject({ status: 'linked', pid: 'P4' });
    expect(await person(db.pool, 'P4')).toMatchObject({ status: 3, hukou_division: '110105' });
    expect(await person(db.pool, 'P5')).toMatchObject({ status: 2 });
    expect(await person(db.pool, 'P6')).toMatchObject({ marital_status: '30' });
    expect(r.get('E3/subject')).toMatchObject({ status: 'linked', pid: 'P3' });
    expect(await person(db.pool, 'P3')).toMatchObject({ name: '李娜娜', name_norm: '李娜娜', name_pinyin: 'linana' });
    const renamed = await db.pool.query(`SELECT changes FROM person_history WHERE pid = 'P3' AND source LIKE 'household:%'`);
    expect(renamed.rows[0].changes).toMatchObject({ name: ['李娜', '李娜娜'] });
    const migrant = r.get('E4/subject')!;
    expect(migrant.status).toBe('new');
    expect(await person(db.pool, migrant.created_pid!)).toMatchObject({ name: '周杰', hukou_division: '430102001001', status: 1 });
    const registered = r.get('E5/subject')!;
    const o3 = (await db.pool.query(`SELECT pid FROM link_created_persons WHERE record_id = 'O3' AND role = 'child'`)).rows[0].pid;
    expect(registered).toMatchObject({ status: 'linked', pid: o3 });
    expect(await person(db.pool, registered.pid!)).toMatchObject({ name: '张小红', name_pinyin: 'zhangxiaohong', hukou_division: '430102001001', mother_pid: 'P1' });
  });

  it('household: a birth registration whose surname is neither parent\'s is not that family\'s newborn', async () => {
    const births = await ingestJson(db.pool, HOSPITAL, 'birth', [
      { record_id: 'R1', birth_time: '2024-06-01 08:00', child_sex: 2, mother_name: '李娜', mother_id_number: ids.lina,
        father_name: '张伟', father_id_number: ids.zhangwei2, birth_division: '430102001002' },
      // No father on the certificate: the mother's registered husband (张伟) stands in.
      { record_id: 'R2', birth_time: '2024-06-02 08:00', child_sex: 1, mother_name: '王芳', mother_id_number: ids.wangfang, birth_division: '430102001001' },
    ]);
    await link(db.pool, births);
    const kid = (await results(db.pool, births)).get('R1/child')!.created_pid;
    const son = (await results(db.pool, births)).get('R2/child')!.created_pid;
    const batch = await ingestJson(db.pool, POLICE, 'household', [
      { id: 'H1', type: '出生登记', date: '2024-06-10', person: { name: '孙小红', sex: '女', birthDate: '2024-06-01' }, hukouDivision: '430102001002' },
      { id: 'H2', type: '出生登记', date: '2024-06-10', person: { name: '张小花', sex: '女', birthDate: '2024-06-01' }, hukouDivision: '430102001002' },
      { id: 'H3', type: '出生登记', date: '2024-06-10', person: { name: '孙小宝', sex: '男', birthDate: '2024-06-02' }, hukouDivision: '430102001001' },
      { id: 'H4', type: '出生登记', date: '2024-06-11', person: { name: '张小宝', sex: '男', birthDate: '2024-06-02' }, hukouDivision: '430102001001' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('H1/subject')).toMatchObject({ status: 'new', rule: 'child-of-another-family' });
    expect(r.get('H2/subject')).toMatchObject({ status: 'linked', pid: kid });
    expect(r.get('H3/subject')).toMatchObject({ status: 'new', rule: 'child-of-another-family' });
    expect(r.get('H4/subject')).toMatchObject({ status: 'linked', pid: son });
  });

  it('household: a Uyghur or Tibetan child\'s name bears no family surname, and is not held against the parents\'', async () => {
    const V = '430102008001';
    await insertPersons(db.pool, [
      { pid: 'P70', name: '吐尔逊·买买提', sex: 1, birthDate: '1990-01-01', hukou: V },
      { pid: 'P71', name: '阿依古丽·艾则孜', sex: 2, birthDate: '1992-02-02', hukou: V },
      { pid: 'P72', name: '帕提古丽·吐尔逊', sex: 2, birthDate: '2023-07-22', hukou: V },
      { pid: 'P73', name: '次仁多吉', sex: 1, birthDate: '1988-03-03', hukou: V },
      { pid: 'P74', name: '卓玛', sex: 2, birthDate: '1989-04-04', hukou: V },
      { pid: 'P75', name: '扎西卓玛', sex: 2, birthDate: '2023-08-08', hukou: V },
    ]);
    for (const [child, father, mother] of [['P72', 'P70', 'P71'], ['P75', 'P73', 'P74']]) {
      await relate(db.pool, child, 'father', father);
      await relate(db.pool, child, 'mother', mother);
    }
    const batch = await ingestJson(db.pool, POLICE, 'household', [
      { id: 'U1', type: 'birth', date: '2024-07-17', person: { name: '帕提古丽·吐尔逊', sex: '女', birthDate: '2023-07-22', ethnicity: '05' }, hukouDivision: V },
      // Written without a separator; the ethnicity field says it is a Tibetan name.
      { id: 'U2', type: 'birth', date: '2024-07-17', person: { name: '扎西卓玛', sex: '女', birthDate: '2023-08-08', ethnicity: '藏族' }, hukouDivision: V },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('U1/subject')).toMatchObject({ status: 'linked', pid: 'P72' });
    expect(r.get('U2/subject')).toMatchObject({ status: 'linked', pid: 'P75' });
  });

  it('marriage: a party named only (no ID number, no birth date) is looked for in the registering office\'s county', async () => {
    await insertPersons(db.pool, [
      { pid: 'P80', name: '钟离春', sex: 1, birthDate: '1991-01-01', hukou: '430102003005', marital: '10' },
      { pid: 'P81', name: '钟离春', sex: 1, birthDate: '1992-02-02', hukou: '430111001001', marital: '10' },
      { pid: 'P82', idNumber: idNumber(A, '1993-03-03', 82), name: '韩梅', sex: 2, birthDate: '1993-03-03', hukou: '430102003005', marital: '10' },
    ]);
    const batch = await ingestJson(db.pool, CIVIL, 'marriage', [
      { record_id: 'J9', kind: 'marriage', registered_on: '2024-03-08', party1_name: '钟离春',
        party2_name: '韩梅', party2_id_number: idNumber(A, '1993-03-03', 82), party2_birth_date: '1993-03-03' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('J9/party2')).toMatchObject({ status: 'linked', pid: 'P82' });
    // The office is the county's (430102): its 钟离春 is weighed, the other county's is not.
    const party1 = r.get('J9/party1')!;
    expect(party1.rule).not.toBe('no-candidates');
    expect(party1.explanation.candidates.map((c) => c.pid)).toEqual(['P80']);
  });

  it('marriage: spouses both ways, a divorce unlinks them, two valid different ID numbers never link', async () => {
    const batch = await ingestJson(db.pool, CIVIL, 'marriage', [
      { record_id: 'J1', kind: '结婚登记', registered_on: '2024-03-05', party1_name: '刘洋', party1_id_number: ids.liuyang15, party1_birth_date: '1978/1/1',
        party2_name: '欧阳娜娜', party2_birth_date: '1995-08-17' },
      { record_id: 'J2', kind: 'divorce', registered_on: '2024-03-06', party1_name: '张伟', party1_id_number: ids.zhangwei, party1_birth_date: '1985-06-12',
        party2_name: '王芳', party2_id_number: ids.wangfang, party2_birth_date: '1990-03-05' },
      { record_id: 'J3', kind: 'marriage', registered_on: '2024-03-07', party1_name: '张伟', party1_id_number: idNumber('430124', '1985-06-12', 99),
        party1_birth_date: '1985-06-12', party2_name: '孙丽', party2_id_number: idNumber('430181', '1993-07-09', 22), party2_birth_date: '1993-07-09' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('J1/party1')).toMatchObject({ status: 'linked', pid: 'P4' });
    expect(r.get('J1/party2')).toMatchObject({ status: 'linked', pid: 'P8' });
    expect(await person(db.pool, 'P4')).toMatchObject({ marital_status: '20', spouse_pid: 'P8' });
    expect(await person(db.pool, 'P8')).toMatchObject({ marital_status: '20', spouse_pid: 'P4' });
    expect(await person(db.pool, 'P1')).toMatchObject({ marital_status: '40', spouse_pid: null });
    expect(await person(db.pool, 'P2')).toMatchObject({ marital_status: '40', spouse_pid: null });
    // Same name and birth date as P2 and P7, but a third valid number: a different man.
    expect(r.get('J3/party1')).toMatchObject({ status: 'new', rule: 'only-excluded-candidates' });
  });

  it('marriage: a wedding is not registered for a namesake the register holds as married to someone else', async () => {
    await insertPersons(db.pool, [
      { pid: 'P30', name: '吴晓红', sex: 2, birthDate: '1991-01-11', hukou: '430102001001', marital: '20' },
      { pid: 'P31', name: '郑大军', sex: 1, birthDate: '1989-02-12', hukou: '430102001001', marital: '20' },
      { pid: 'P32', idNumber: idNumber(A, '1990-10-10', 72), name: '冯晓丽', sex: 2, birthDate: '1990-10-10', hukou: '430102001001', marital: '20' },
      { pid: 'P33', name: '陈大海', sex: 1, birthDate: '1988-03-13', hukou: '430102001001', marital: '10' },
    ]);
    await relate(db.pool, 'P31', 'spouse', 'P30');
    await relate(db.pool, 'P30', 'spouse', 'P31');
    const batch = await ingestJson(db.pool, CIVIL, 'marriage', [
      // 吴晓红 is married to 郑大军: this 吴晓红, marrying 陈大海, is another woman.
      { record_id: 'W1', kind: 'marriage', registered_on: '2024-04-01', party1_name: '陈大海', party1_birth_date: '1988-03-13',
        party2_name: '吴晓红', party2_birth_date: '1991-01-11' },
      // Her own ID number on the record: the register missed a divorce, the record is right.
      { record_id: 'W2', kind: 'marriage', registered_on: '2024-04-01', party1_name: '蒋一', party1_id_number: idNumber('430111', '1987-05-05', 13),
        party1_birth_date: '1987-05-05', party2_name: '冯晓丽', party2_id_number: idNumber(A, '1990-10-10', 72), party2_birth_date: '1990-10-10' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('W1/party1')).toMatchObject({ status: 'linked', pid: 'P33' });
    expect(r.get('W1/party2')).toMatchObject({ status: 'new', rule: 'married-to-another' });
    expect(r.get('W1/party2')!.explanation.candidates[0].pid).toBe('P30');
    expect(r.get('W2/party2')).toMatchObject({ status: 'linked', pid: 'P32' });
    // Relinking the batch after the wedding was applied: the link stands (its own record made her married).
    expect(await person(db.pool, 'P33')).toMatchObject({ marital_status: '20' });
    expect(await relinkBatch(linkDeps(db.pool), batch, 'relink:test')).toMatchObject({ changed: 0 });
  });

  it('housing: a resident without ID found by phone moves; the explanation names every field', async () => {
    const batch = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [
      { record_id: 'H1', division: '430102005001', name: '欧阳娜娜', phone: '139-0000-1111', occupancy: '租户', moved_in: '2024-03-01' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('H1/subject')).toMatchObject({ status: 'linked', pid: 'P8' });
    expect(r.get('H1/subject')!.explanation.candidates[0].fields.map((f) => f.field)).toEqual(['id_number', 'name', 'birth_date', 'sex', 'division', 'phone']);
    expect(await person(db.pool, 'P8')).toMatchObject({ residence_division: '430102005001' });
  });

  it('housing: a later report of the same property settles a doubt by the person an earlier report was linked to', async () => {
    await insertPersons(db.pool, [
      { pid: 'P40', idNumber: idNumber(A, '1980-04-04', 31), name: '何小军', sex: 1, birthDate: '1980-04-04', hukou: '430102003001' },
      { pid: 'P41', idNumber: idNumber(A, '1982-08-08', 51), name: '何小军', sex: 1, birthDate: '1982-08-08', hukou: '430102004001' },
      { pid: 'P42', idNumber: idNumber(A, '1984-09-09', 71), name: '何小军', sex: 1, birthDate: '1984-09-09', hukou: '430102006002' },
    ]);
    const march = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [
      { record_id: 'F3-1', property_id: 'F-9', division: '430102006001', name: '何小军', id_number: idNumber(A, '1982-08-08', 51), occupancy: '业主' },
    ]);
    await link(db.pool, march);
    expect((await results(db.pool, march)).get('F3-1/subject')).toMatchObject({ status: 'linked', pid: 'P41' });
    // April's report: no ID number, the name written with a homophone, only the township given.
    const april = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [
      { record_id: 'F4-1', property_id: 'F-9', division: '430102006', name: '何晓军', occupancy: '业主' },
      { record_id: 'F4-2', property_id: 'F-7', division: '430102006', name: '何晓军', occupancy: '业主' },
    ]);
    await link(db.pool, april);
    const r = await results(db.pool, april);
    expect(r.get('F4-1/subject')).toMatchObject({ status: 'linked', pid: 'P41', rule: 'same-property-earlier-report' });
    // Another property, no earlier report: two namesakes in that township, the model's doubt stands.
    expect(r.get('F4-2/subject')).toMatchObject({ pid: null });
    expect(r.get('F4-2/subject')!.status).not.toBe('linked');
  });

  it('housing: a resident named without ID or phone is the same-named relative of one linked at the same property', async () => {
    const V = '430102007001';
    await insertPersons(db.pool, [
      { pid: 'P150', idNumber: idNumber(A, '1960-01-10', 13), name: '周建国', sex: 1, birthDate: '1960-01-10', hukou: V, marital: '20' },
      { pid: 'P151', idNumber: idNumber(A, '1962-02-20', 24), name: '吴秀兰', sex: 2, birthDate: '1962-02-20', hukou: V, marital: '20' },
      { pid: 'P152', idNumber: idNumber(A, '1988-03-30', 33), name: '周伟', sex: 1, birthDate: '1988-03-30', hukou: V },
      { pid: 'P153', idNumber: idNumber(A, '1989-04-04', 53), name: '周伟', sex: 1, birthDate: '1989-04-04', hukou: V },
      { pid: 'P155', name: '钱桂英', sex: 2, birthDate: '1938-05-05', hukou: V, marital: '30' },
      { pid: 'P156', name: '钱桂英', sex: 2, birthDate: '1941-06-06', hukou: V, marital: '20' },
    ]);
    await relate(db.pool, 'P150', 'spouse', 'P151');
    await relate(db.pool, 'P151', 'spouse', 'P150');
    await relate(db.pool, 'P152', 'mother', 'P151');
    await relate(db.pool, 'P152', 'father', 'P150');
    await relate(db.pool, 'P150', 'mother', 'P155');
    const batch = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [
      // The wife by her ID number; her son (one step) and her husband's mother (two steps) by name only.
      { record_id: 'F20-1', property_id: 'F-20', division: V, name: '吴秀兰', id_number: idNumber(A, '1962-02-20', 24), occupancy: '业主' },
      { record_id: 'F20-2', property_id: 'F-20', division: V, name: '周伟', occupancy: '业主' },
      { record_id: 'F20-3', property_id: 'F-20', division: V, name: '錢桂英', occupancy: '借住' },
      // The same names at a property where no one is linked: the namesakes stay in doubt.
      { record_id: 'F21-1', property_id: 'F-21', division: V, name: '周伟', occupancy: '租户' },
      { record_id: 'F21-2', property_id: 'F-21', division: V, name: '钱桂英', occupancy: '租户' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('F20-1/subject')).toMatchObject({ status: 'linked', pid: 'P151' });
    expect(r.get('F20-2/subject')).toMatchObject({ status: 'linked', pid: 'P152', rule: 'relative-at-same-property' });
    expect(r.get('F20-3/subject')).toMatchObject({ status: 'linked', pid: 'P155', rule: 'relative-at-same-property' });
    expect(r.get('F20-2/subject')!.explanation.candidates.map((c) => c.pid)).toEqual(['P152']);
    for (const k of ['F21-1/subject', 'F21-2/subject']) expect(r.get(k)!.status, k).not.toBe('linked');
  });

  it('housing: two same-named relatives of the linked resident, or a relative whose ID number differs, settle nothing', async () => {
    const V = '430102007002';
    await insertPersons(db.pool, [
      { pid: 'P160', idNumber: idNumber(A, '1955-01-01', 15), name: '孙国强', sex: 1, birthDate: '1955-01-01', hukou: V },
      { pid: 'P161', name: '孙丽', sex: 2, birthDate: '1980-01-01', hukou: V },
      { pid: 'P162', name: '孙丽', sex: 2, birthDate: '1983-01-01', hukou: V },
      { pid: 'P163', idNumber: idNumber(A, '1985-05-05', 35), name: '孙强', sex: 1, birthDate: '1985-05-05', hukou: V },
      { pid: 'P164', idNumber: idNumber(A, '1986-06-06', 55), name: '孙强', sex: 1, birthDate: '1986-06-06', hukou: V },
    ]);
    for (const child of ['P161', 'P162', 'P163']) await relate(db.pool, child, 'father', 'P160');
    const batch = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [
      { record_id: 'F30-1', property_id: 'F-30', division: V, name: '孙国强', id_number: idNumber(A, '1955-01-01', 15), occupancy: '业主' },
      { record_id: 'F30-2', property_id: 'F-30', division: V, name: '孙丽', occupancy: '借住' },
      // His son's namesake from another family, by a valid ID number of his own: not the son.
      { record_id: 'F30-3', property_id: 'F-30', division: V, name: '孙强', id_number: idNumber(A, '1987-07-07', 75), occupancy: '租户' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    expect(r.get('F30-1/subject')).toMatchObject({ status: 'linked', pid: 'P160' });
    for (const k of ['F30-2/subject', 'F30-3/subject']) {
      expect(r.get(k)!.status, k).not.toBe('linked');
      expect(r.get(k)!.rule, k).not.toBe('relative-at-same-property');
    }
  });

  it('housing: at a property with more persons linked than a family has, relatives are no evidence', async () => {
    const V = '430102007003';
    const residents = Array.from({ length: 13 }, (_, k) => ({
      pid: `P2${String(k).padStart(2, '0')}`, idNumber: idNumber(A, `1970-0${1 + (k % 9)}-1${k % 10}`, 100 + 2 * k + 1),
      name: `宿舍${'甲乙丙丁戊己庚辛壬癸子丑寅'[k]}`, sex: 1 as const, birthDate: `1970-0${1 + (k % 9)}-1${k % 10}`, hukou: V,
    }));
    await insertPersons(db.pool, [
      ...residents,
      { pid: 'P290', name: '冯雪', sex: 2, birthDate: '1995-05-05', hukou: V },
      { pid: 'P291', name: '冯雪', sex: 2, birthDate: '1996-06-06', hukou: V },
    ]);
    await relate(db.pool, 'P290', 'father', 'P200');
    const batch = await ingestJson(db.pool, HOUSING_AGENCY, 'housing', [
      ...residents.map((p, k) => ({ record_id: `F40-${k}`, property_id: 'F-40', division: V, name: p.name, id_number: p.idNumber, occupancy: '租户' })),
      { record_id: 'F40-x', property_id: 'F-40', division: V, name: '冯雪', occupancy: '租户' },
    ]);
    await link(db.pool, batch);
    const r = await results(db.pool, batch);
    for (let k = 0; k < 13; k++) expect(r.get(`F40-${k}/subject`)).toMatchObject({ status: 'linked', pid: residents[k].pid });
    expect(r.get('F40-x/subject')!.status).not.toBe('linked');
  });
});
