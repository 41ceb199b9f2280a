import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { ADMIN, COUNTY, HEALTH, OFFICE, OUTSIDER, POLICE, TOWN, TOWNSHIP, call, registerGroup } from './coordination-support.js';

describe('units, documents, news and the Q&A board', () => {
  let t: TestApp;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-attach-'));
  beforeAll(async () => {
    t = await createTestApp([], { COORD_ATTACHMENT_DIR: folder });
    await registerGroup(t);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('lists the member units with duties and contacts, and finds who to ask about a topic', async () => {
    const all = (await call(t, TOWNSHIP, 'GET', '/v1/coordination/units')).json();
    expect(all.map((u: { code: string }) => u.code).sort()).toEqual([COUNTY, TOWN, 'GAJ', 'WJJ'].sort());
    const who = (await call(t, TOWNSHIP, 'GET', `/v1/coordination/units?topic=${encodeURIComponent('出生医学证明')}`)).json();
    expect(who).toEqual([expect.objectContaining({ code: 'WJJ', name: '县卫生健康局', leader: '李副局长', office: '妇幼科', contactName: '赵科长', contactPhone: '0536-1234567' })]);
    expect((await call(t, TOWNSHIP, 'GET', `/v1/coordination/units?q=${encodeURIComponent('迁移')}`)).json().map((u: { code: string }) => u.code)).toEqual(['GAJ']);
    // Units of another county stay out of sight; an outsider is not a member here.
    expect((await call(t, TOWNSHIP, 'GET', '/v1/coordination/units/ELSE')).statusCode).toBe(404);
    expect((await call(t, { role: 'agency', unit: 'NOBODY' }, 'GET', '/v1/coordination/units')).json().code).toBe('YPQ_COORD_NOT_MEMBER');
    // Only the office (or an admin) registers units, and only its own county's.
    expect((await call(t, POLICE, 'PUT', '/v1/coordination/units/GAJ', { name: 'x', kind: 'department' })).statusCode).toBe(403);
    expect((await call(t, OFFICE, 'PUT', '/v1/coordination/units/ELSE', { name: 'x', kind: 'department' })).statusCode).toBe(409);
    expect((await call(t, OFFICE, 'PUT', '/v1/coordination/units/370724009', { name: 'x', kind: 'township' })).statusCode).toBe(400);
    const changed = await call(t, OFFICE, 'PUT', '/v1/coordination/units/GAJ', { name: '县公安局', kind: 'department', contactName: '孙警官' });
    expect(changed.json()).toMatchObject({ contactName: '孙警官', duties: '户口登记、迁移、注销' }); // fields left out keep their value
  });

  it('publishes documents with attachments (folder storage) and news, filtered by unit and date', async () => {
    const doc = await call(t, HEALTH, 'POST', '/v1/coordination/documents', {
      title: '关于做好出生医学证明信息共享的通知', docNumber: '昌卫发〔2024〕12号', body: '各有关单位：……', publishedAt: '2024-03-05T09:00:00+08:00',
    });
    expect(doc.statusCode).toBe(201);
    const id = doc.json().id;
    const bytes = Buffer.from('%PDF-1.4 通知正文');
    const up = await call(t, HEALTH, 'POST', `/v1/coordination/documents/${id}/attachments?name=${encodeURIComponent('通知.pdf')}`, bytes, { 'content-type': 'application/pdf' });
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ fileName: '通知.pdf', contentType: 'application/pdf', bytes: bytes.length });
    const sha = up.json().sha256 as string;
    expect(fs.readFileSync(path.join(folder, sha.slice(0, 2), sha))).toEqual(bytes);
    const { rows } = await t.db.pool.query('SELECT storage, content FROM coord_attachments WHERE id = $1', [up.json().id]);
    expect(rows[0]).toEqual({ storage: 'folder', content: null });
    // Another unit may read, not attach; a unit of another county sees nothing.
    expect((await call(t, POLICE, 'POST', `/v1/coordination/documents/${id}/attachments?name=x.txt`, 'x', { 'content-type': 'text/plain' })).statusCode).toBe(403);
    const read = await call(t, POLICE, 'GET', `/v1/coordination/documents/${id}`);
    expect(read.json()).toMatchObject({ unit: 'WJJ', unitName: '县卫生健康局', docNumber: '昌卫发〔2024〕12号', attachments: [expect.objectContaining({ fileName: '通知.pdf' })] });
    const file = await call(t, POLICE, 'GET', `/v1/coordination/attachments/${up.json().id}`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload).toEqual(bytes);
    expect(file.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('通知.pdf')}`);
    expect((await call(t, OUTSIDER, 'GET', `/v1/coordination/documents/${id}`)).statusCode).toBe(404);
    expect((await call(t, OUTSIDER, 'GET', `/v1/coordination/attachments/${up.json().id}`)).statusCode).toBe(404);

    await call(t, POLICE, 'POST', '/v1/coordination/news', { title: '公安局开展户籍信息核查', publishedAt: '2024-04-02T09:00:00+08:00' });
    await call(t, TOWNSHIP, 'POST', '/v1/coordination/news', { title: '宝城街道完成流动人口登记', publishedAt: '2024-03-20T09:00:00+08:00' });
    const news = (await call(t, OFFICE, 'GET', '/v1/coordination/news')).json();
    expect(news.items.map((n: { title: string }) => n.title)).toEqual(['公安局开展户籍信息核查', '宝城街道完成流动人口登记']);
    const march = (await call(t, OFFICE, 'GET', `/v1/coordination/news?from=${encodeURIComponent('2024-03-01T00:00:00+08:00')}&to=${encodeURIComponent('2024-04-01T00:00:00+08:00')}`)).json();
    expect(march.items.map((n: { unit: string }) => n.unit)).toEqual([TOWN]);
    expect((await call(t, OFFICE, 'GET', '/v1/coordination/news?unit=GAJ')).json().items).toHaveLength(1);
    expect((await call(t, OFFICE, 'GET', '/v1/coordination/documents')).json().items.map((d: { id: number }) => d.id)).toEqual([id]);
    // Paging: one at a time, newest first.
    const first = (await call(t, OFFICE, 'GET', '/v1/coordination/news?limit=1')).json();
    const second = (await call(t, OFFICE, 'GET', `/v1/coordination/news?limit=1&cursor=${first.nextCursor}`)).json();
    expect([first.items[0].unit, second.items[0].unit, second.nextCursor]).toEqual(['GAJ', TOWN, null]);
    // The office may withdraw any; the publisher its own.
    expect((await call(t, POLICE, 'DELETE', `/v1/coordination/documents/${id}`)).statusCode).toBe(403);
    expect((await call(t, HEALTH, 'PUT', `/v1/coordination/documents/${id}`, { title: '关于做好出生医学证明信息共享的通知（修订）' })).json().title).toMatch(/修订/);
    expect((await call(t, OFFICE, 'DELETE', `/v1/coordination/documents/${id}`)).statusCode).toBe(204);
    expect((await call(t, OFFICE, 'GET', `/v1/coordination/documents/${id}`)).statusCode).toBe(404);
  });

  it('takes questions, lets the responsible unit answer and marks them answered', async () => {
    const asked = await call(t, TOWNSHIP, 'POST', '/v1/coordination/questions', { title: '跨县迁入户口需要哪些材料？', body: '群众咨询从外县迁入的材料要求。', toUnit: 'GAJ' });
    expect(asked.statusCode).toBe(201);
    const id = asked.json().id;
    expect(asked.json()).toMatchObject({ status: 'open', asker: TOWN, toUnit: 'GAJ', toUnitName: '县公安局', answerList: [] });
    expect((await call(t, TOWNSHIP, 'POST', '/v1/coordination/questions', { title: 'x', body: 'y', toUnit: 'ELSE' })).json().code).toBe('YPQ_COORD_NOT_MEMBER');
    expect((await call(t, HEALTH, 'POST', `/v1/coordination/questions/${id}/answers`, { body: '不知道' })).statusCode).toBe(403);
    const open = (await call(t, HEALTH, 'GET', '/v1/coordination/questions?status=open')).json();
    expect(open.items.map((q: { id: number }) => q.id)).toEqual([id]);
    const answered = await call(t, POLICE, 'POST', `/v1/coordination/questions/${id}/answers`, { body: '迁移证明、居民身份证、户口簿。' });
    expect(answered.json()).toMatchObject({ status: 'answered', answers: 1, answerList: [expect.objectContaining({ unit: 'GAJ', unitName: '县公安局', body: '迁移证明、居民身份证、户口簿。' })] });
    expect((await call(t, HEALTH, 'GET', '/v1/coordination/questions?status=open')).json().items).toEqual([]);
    expect((await call(t, HEALTH, 'GET', '/v1/coordination/questions?status=answered')).json().items).toHaveLength(1);
    expect((await call(t, OUTSIDER, 'GET', `/v1/coordination/questions/${id}`)).statusCode).toBe(404);
    expect((await call(t, ADMIN, 'GET', `/v1/coordination/questions/${id}`)).statusCode).toBe(200);
    const { rows } = await t.db.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE object_type = 'coord_question' AND action = 'read'");
    expect(rows[0].n).toBe(3); // asked, answered, the admin's read
  });
});
