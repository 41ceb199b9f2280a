// A batch larger than MATCH_CHUNK_RECORDS is linked a chunk at a time in one transaction, each
// chunk seeing what the earlier ones created (as consecutive batches do): here the decisions are
// those of linking it whole, every record is stored and applied once, and the run counts the
// whole batch. A relink goes a chunk at a time as well.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSPITAL, seedAgencies } from '../fixtures/intake/agencies.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { relinkBatch } from '../src/matching/relink.js';
import { idNumber, ingestJson, insertPersons, link, linkDeps, results, type TestPerson } from './matching-support.js';

const A = '430102';
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '芳娜敏静丽艳娟霞秀英玲桂兰萍红梅琳雪颖';
const N = 230;

function mothers(): TestPerson[] {
  return Array.from({ length: N }, (_, k) => {
    const birth = `19${80 + (k % 15)}-0${1 + (k % 9)}-1${k % 10}`;
    return {
      pid: `M${k}`, idNumber: idNumber(A, birth, 2 * k + 2), name: SURNAMES[k % 20] + GIVEN[Math.floor(k / 20) % 20] + GIVEN[k % 17],
      sex: 2 as const, birthDate: birth, hukou: `430102001${String(1 + (k % 5)).padStart(3, '0')}`, marital: '20',
    };
  });
}

function births(ms: TestPerson[]) {
  return ms.map((m, k) => ({
    record_id: `B${k}`, birth_time: `2024-0${1 + (k % 9)}-0${1 + (k % 9)} 08:00`, child_name: `${m.name[0]}${GIVEN[(k + 3) % 20]}宝`, child_sex: 1 + (k % 2),
    mother_name: m.name,
    // every tenth mother's number mistyped in one digit: found by the ID repairs, not the exact key
    mother_id_number: k % 10 === 3 ? m.idNumber!.slice(0, 10) + ((Number(m.idNumber![10]) + 1) % 10) + m.idNumber!.slice(11) : m.idNumber,
    birth_division: m.hukou,
  }));
}

describe('a batch larger than MATCH_CHUNK_RECORDS', () => {
  let chunked: TestDb, whole: TestDb;
  beforeAll(async () => {
    [chunked, whole] = await Promise.all([createTestDb(), createTestDb()]);
    for (const db of [chunked, whole]) {
      await seedAgencies(db.pool);
      await insertPersons(db.pool, mothers());
    }
  });
  afterAll(async () => {
    await chunked?.drop();
    await whole?.drop();
  });

  it('is linked a chunk at a time, here with the decisions of linking it whole, each record stored and applied once', async () => {
    const records = births(mothers());
    const a = await ingestJson(chunked.pool, HOSPITAL, 'birth', records);
    const b = await ingestJson(whole.pool, HOSPITAL, 'birth', records);
    const runA = await link(chunked.pool, a, { MATCH_CHUNK_RECORDS: '100' });
    const runB = await link(whole.pool, b);
    expect(runA).toMatchObject({ records: N, persons: 2 * N, review: runB.review, linked: runB.linked, new: runB.new, created: N });
    expect(runA.linked).toBeGreaterThanOrEqual(N);

    const ra = await results(chunked.pool, a);
    const rb = await results(whole.pool, b);
    expect(ra.size).toBe(2 * N);
    // The same decisions. (A newborn of a later chunk may meet the children an earlier chunk
    // created — another mother's child, so new all the same — where linked whole it met none.)
    for (const [key, x] of rb) {
      const y = ra.get(key)!;
      expect({ key, status: y.status, pid: y.pid, applied: y.applied_at !== null, created: y.created_pid !== null })
        .toEqual({ key, status: x.status, pid: x.pid, applied: x.applied_at !== null, created: x.created_pid !== null });
      if (key.endsWith('/mother')) expect(y.rule).toBe(x.rule);
    }
    expect([...ra.values()].filter((r) => r.role === 'child' && r.rule === 'child-of-another-mother').length).toBeGreaterThan(0);
    // Mothers linked (the mistyped numbers by their repair), every child created with its mother.
    for (let k = 0; k < N; k++) expect(ra.get(`B${k}/mother`)).toMatchObject({ status: 'linked', pid: `M${k}` });
    const children = await chunked.pool.query<{ n: number; with_mother: number }>(
      `SELECT count(*)::int AS n, count(r.related_pid)::int AS with_mother FROM link_results l
         JOIN persons p ON p.pid = l.created_pid
         LEFT JOIN person_relations r ON r.pid = p.pid AND r.kind = 'mother'
        WHERE l.batch_id = $1 AND l.role = 'child'`, [a]);
    expect(children.rows[0]).toEqual({ n: N, with_mother: N });

    // One run for the batch, with the whole batch's counts; linking it again does nothing.
    const runs = await chunked.pool.query('SELECT persons, linked, review, new FROM link_runs WHERE batch_id = $1', [a]);
    expect(runs.rows).toEqual([{ persons: 2 * N, linked: runA.linked, review: runA.review, new: runA.new }]);
    expect(await link(chunked.pool, a, { MATCH_CHUNK_RECORDS: '100' })).toMatchObject({ skipped: 'the batch was linked already' });

    // A relink goes a chunk at a time too: every decision revisited once, none changed (the same
    // model, and a record never its own candidate), each chunk's applied children left as they are.
    const relinked = await relinkBatch(linkDeps(chunked.pool, { MATCH_CHUNK_RECORDS: '100' }), a, 'relink:test');
    expect(relinked).toMatchObject({ persons: 2 * N, changed: 0, toReview: 0, clerkKept: 0 });
    const after = await chunked.pool.query<{ run_id: number; n: number }>(
      'SELECT run_id, count(*)::int AS n FROM link_results WHERE batch_id = $1 GROUP BY run_id', [a]);
    expect(after.rows).toEqual([{ run_id: relinked.runId, n: 2 * N }]);
    const relinkRun = await chunked.pool.query('SELECT persons, linked, review, new, changed FROM link_runs WHERE id = $1', [relinked.runId]);
    expect(relinkRun.rows).toEqual([{ persons: 2 * N, linked: runA.linked, review: runA.review, new: runA.new, changed: 0 }]);
    expect((await chunked.pool.query('SELECT count(*)::int AS n FROM persons')).rows[0].n).toBe(2 * N);
  });

  it('refuses a chunk size it cannot use', () => {
    expect(() => link(chunked.pool, 1, { MATCH_CHUNK_RECORDS: '10' })).toThrow(/MATCH_CHUNK_RECORDS must be a whole number from 100/);
  });
});
