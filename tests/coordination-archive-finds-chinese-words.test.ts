import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { HEALTH, OFFICE, POLICE, TOWN, TOWNSHIP, call, inDays, registerGroup, type Who } from './coordination-support.js';

describe('archive search in Chinese', () => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  async function archived(key: string, requester: Who, title: string, details: string, handler: Who, result: string) {
    const id = (await call(t, requester, 'POST', '/v1/coordination/items', { title, details })).json().id;
    await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/assign`, { units: [handler.unit], deadline: inDays(3) });
    await call(t, handler, 'POST', `/v1/coordination/items/${id}/handle`, { result });
    const res = await call(t, OFFICE, 'POST', `/v1/coordination/items/${id}/archive`, {});
    if (res.json().status !== 'archived') throw new Error(res.body);
    ids[key] = id;
  }
  beforeAll(async () => {
    t = await createTestApp();
    await registerGroup(t);
    await archived('newborn', HEALTH, '新生儿落户信息核对', '本月出生医学证明 12 份待核对。', POLICE, '已核对，全部落户。');
    await archived('move', TOWNSHIP, '户口迁移登记材料不全', '一户群众迁入材料缺少迁移证明。', POLICE, '已电话告知补交材料。');
    await archived('marriage', HEALTH, '婚姻登记信息共享', '民政婚姻登记数据接口调整，涉及 ID 字段。', TOWNSHIP, '网格员已上门宣传免费孕前检查。');
    await archived('register', POLICE, '户口登记差错更正', '身份证号码校验位错误 3 条。', TOWNSHIP, '已更正。');
  });
  afterAll(() => t.close());

  const search = async (who: Who, q: string) => {
    const res = await call(t, who, 'GET', `/v1/coordination/archive?q=${encodeURIComponent(q)}`);
    if (res.statusCode !== 200) throw new Error(res.body);
    return res.json().items.map((i: { id: number }) => i.id);
  };

  it('finds words inside Chinese text, whole phrases only, in titles, details and results', async () => {
    expect(await search(OFFICE, '新生儿')).toEqual([ids.newborn]);
    expect(await search(OFFICE, '落户')).toEqual([ids.newborn]);
    // "户口登记" occurs as written only in one item; "户口迁移登记" holds both words apart.
    expect(await search(OFFICE, '户口登记')).toEqual([ids.register]);
    expect(await search(OFFICE, '户口')).toEqual([ids.register, ids.move]);
    expect(await search(OFFICE, '户口 迁移')).toEqual([ids.move]);
    expect(await search(OFFICE, '婚')).toEqual([ids.marriage]);
    expect(await search(OFFICE, '网格员')).toEqual([ids.marriage]); // a handling unit's result
    expect(await search(OFFICE, '县公安局')).toEqual([ids.register, ids.move, ids.newborn]); // unit names, newest first
    expect(await search(OFFICE, 'id')).toEqual([ids.marriage]);
    expect(await search(OFFICE, '“出生医学证明”，')).toEqual([ids.newborn]); // punctuation in the query is a separator
    expect(await search(OFFICE, '结婚证')).toEqual([]);
  });

  it('lists the archive newest first, and each unit sees only what it took part in', async () => {
    const all = (await call(t, OFFICE, 'GET', '/v1/coordination/archive')).json().items.map((i: { id: number }) => i.id);
    expect(all).toEqual([ids.register, ids.marriage, ids.move, ids.newborn]);
    expect(await search(TOWNSHIP, '户口')).toEqual([ids.register, ids.move]);
    expect(await search(HEALTH, '户口')).toEqual([]);
    const unit = (await call(t, OFFICE, 'GET', `/v1/coordination/archive?unit=${TOWN}`)).json().items.map((i: { id: number }) => i.id);
    expect(unit).toEqual([ids.register, ids.marriage, ids.move]);
    const { rows } = await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE object_type = 'coord_archive' AND object_id = 'search'");
    expect(rows[0].n).toBeGreaterThan(10);
  });
});
