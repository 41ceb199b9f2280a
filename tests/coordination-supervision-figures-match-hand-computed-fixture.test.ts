import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSupervision } from '../src/coordination/supervision/supervision-service.js';
import { supervisionScore } from '../src/coordination/supervision/supervision-score.js';
import { parseMonth } from '../src/coordination/shared/month.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { call } from './coordination-support.js';

const T1 = '370725001';
const T2 = '370725002';
const T3 = '370724001';
const at = (s: string) => `2024-${s}:00+08:00`;

describe('supervision figures per township, county and province', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const q = (text: string, values: unknown[]) => t.db.pool.query(text, values);
    let n = 0;
    const kase = async (township: string | null, county: string, created: string, deadline: string, actions: [string, string][]) => {
      const { rows } = await q(
        `INSERT INTO cases (rule, dedup_key, township, county, deadline, source, created_at, updated_at)
         VALUES ('newborn_unregistered', $1, $2, $3, $4, '{"kind":"test"}', $5, $5) RETURNING id`,
        [`k${++n}`, township, county, at(deadline), at(created)],
      );
      for (const [action, when] of [['raise', created] as [string, string], ...actions]) {
        await q(`INSERT INTO case_history (case_id, at, actor, role, unit, action) VALUES ($1, $2, 'x', 'township', $3, $4)`, [rows[0].id, at(when), township ?? county, action]);
      }
      return rows[0].id as number;
    };
    // T1: on time (2 h); late (4 h); returned (6 h); never touched; not yet due (8 h).
    await kase(T1, '370725', '03-01T10:00', '03-02T10:00', [['accept', '03-01T12:00'], ['resolve', '03-01T20:00']]);
    const c2 = await kase(T1, '370725', '03-05T10:00', '03-06T10:00', [['accept', '03-05T14:00'], ['resolve', '03-07T10:00']]);
    await kase(T1, '370725', '03-10T10:00', '03-11T10:00', [['return', '03-10T16:00']]);
    await kase(T1, '370725', '03-20T10:00', '03-21T10:00', []);
    await kase(T1, '370725', '03-30T10:00', '04-20T10:00', [['accept', '03-30T18:00']]);
    await kase(T1, '370725', '02-28T10:00', '02-29T10:00', [['resolve', '02-28T12:00']]);
    // T2: on time (1 h). The county's own queue: on time (1 h). Another county's township: on time (2 h).
    await kase(T2, '370725', '03-03T10:00', '03-04T10:00', [['accept', '03-03T11:00'], ['resolve', '03-03T15:00']]);
    await kase(null, '370725', '03-15T10:00', '03-16T10:00', [['resolve', '03-15T11:00']]);
    await kase(T3, '370724', '03-08T10:00', '03-09T10:00', [['resolve', '03-08T12:00']]);
    // Handovers to T1 in March: one answered in time, one late, one withdrawn (left out).
    for (const [deadline, answered, status] of [['03-10T10:00', '03-09T10:00', 'answered'], ['03-12T10:00', '03-13T10:00', 'answered'], ['03-12T10:00', null, 'withdrawn']]) {
      await q(
        `INSERT INTO case_delegations (case_id, from_unit, to_unit, deadline, request, status, answered_at, created_at)
         VALUES ($1, $2, $3, $4, '请核实', $5, $6, $7)`,
        [c2, T2, T1, at(deadline!), status, answered ? at(answered) : null, at('03-08T10:00')],
      );
    }
    await computeSupervision(t.db.pool, { from: parseMonth('2024-02'), to: parseMonth('2024-03'), asOf: new Date(at('04-10T00:00')) });
  });
  afterAll(() => t.close());

  it('counts received, accepted, on time, overdue, returned, median response and handovers as by hand, with the score', async () => {
    const rows = (await call(t, { role: 'admin', unit: '00' }, 'GET', '/v1/coordination/supervision?month=2024-03')).json();
    const by = Object.fromEntries(rows.map((r: { unit: string }) => [r.unit, r]));
    expect(Object.keys(by).sort()).toEqual(['37', '370724', '370725', T3, T1, T2].sort());
    expect(by[T1]).toMatchObject({
      level: 'township', received: 5, due: 4, accepted: 3, resolvedOnTime: 1, overdue: 2, returned: 1, medianResponseHours: 5,
      delegations: 2, delegationsOnTime: 1, score: 37.5, // 100 × (0.5·1/4 + 0.3·(1 − 2/4) + 0.2·1/2)
    });
    expect(by[T2]).toMatchObject({ received: 1, due: 1, resolvedOnTime: 1, overdue: 0, medianResponseHours: 1, delegations: 0, score: 100 });
    expect(by['370725']).toMatchObject({
      level: 'county', received: 7, due: 6, accepted: 4, resolvedOnTime: 3, overdue: 2, returned: 1, medianResponseHours: 3,
      delegations: 2, delegationsOnTime: 1, score: 55,
    });
    expect(by['37']).toMatchObject({ level: 'province', received: 8, due: 7, resolvedOnTime: 4, overdue: 2, medianResponseHours: 2, score: 60 });
    expect(supervisionScore({ due: 0, resolvedOnTime: 0, overdue: 0, delegations: 0, delegationsOnTime: 0 })).toBeNull();
  });

  it('shows trends month by month and keeps each unit to its scope', async () => {
    const trend = (await call(t, { role: 'county', unit: '370725' }, 'GET', `/v1/coordination/supervision/trend?unit=${T1}&from=2024-01&to=2024-03`)).json();
    expect(trend.map((r: { month: string; received: number; score: number }) => [r.month, r.received, r.score])).toEqual([['2024-02', 1, 100], ['2024-03', 5, 37.5]]);

    const county = (await call(t, { role: 'county', unit: '370725' }, 'GET', '/v1/coordination/supervision?month=2024-03')).json();
    expect(county.map((r: { unit: string }) => r.unit).sort()).toEqual(['37', '370725', T1, T2].sort());
    const townships = (await call(t, { role: 'county', unit: '370725' }, 'GET', '/v1/coordination/supervision?month=2024-03&level=township')).json();
    expect(townships.map((r: { unit: string }) => r.unit)).toEqual([T2, T1]); // best score first
    const town = (await call(t, { role: 'township', unit: T1 }, 'GET', '/v1/coordination/supervision?month=2024-03')).json();
    expect(town.map((r: { unit: string }) => r.unit)).toEqual([T1]);
    expect((await call(t, { role: 'township', unit: T1 }, 'GET', `/v1/coordination/supervision/trend?unit=${T2}&from=2024-01&to=2024-03`)).statusCode).toBe(403);
    expect((await call(t, { role: 'county', unit: '370725' }, 'GET', '/v1/coordination/supervision?month=2024-03&unit=370724')).statusCode).toBe(403);
    expect((await call(t, { role: 'agency', unit: 'H1' }, 'GET', '/v1/coordination/supervision?month=2024-03')).statusCode).toBe(403);
  });
});
