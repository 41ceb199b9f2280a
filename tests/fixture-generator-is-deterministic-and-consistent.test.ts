import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  allNameCharacters, demoAgencies, demoCounty, generatePopulation, writePopulationCsv, Rng, type FixturePerson,
} from '../fixtures/generator/index.js';
import { parseDivision, parseIdNumber } from '../src/normalise/index.js';

const take = (n: number, seed: number | string = 1): FixturePerson[] => [...generatePopulation({ seed, persons: n })];

describe('fixture generator', () => {
  it('gives the same persons for the same seed and different ones for another seed', () => {
    expect(take(300, 5)).toEqual(take(300, 5));
    expect(take(300, 5)).not.toEqual(take(300, 6));
    expect(new Rng('x').fork('a').u32()).toBe(new Rng('x').fork('a').u32());
  });

  it('yields exactly the number of persons asked for, with relations only to persons it yielded', () => {
    for (const n of [0, 1, 7, 1000]) {
      const ps = take(n);
      expect(ps).toHaveLength(n);
      const pids = new Set(ps.map((p) => p.pid));
      expect(pids.size).toBe(n);
      for (const p of ps) for (const r of [p.spousePid, p.motherPid, p.fatherPid]) if (r) expect(pids.has(r)).toBe(true);
    }
  });

  it('issues valid, unique ID numbers whose birth date and sex digit agree with the person', () => {
    const ps = take(20_000);
    const ids = ps.flatMap((p) => (p.idNumber ? [p.idNumber] : []));
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of ps) {
      if (!p.idNumber) continue;
      const r = parseIdNumber(p.idNumber);
      expect(r.ok && r.id.status).toBe('valid');
      if (!r.ok) continue;
      expect(r.id.birthDate).toBe(p.birthDate);
      expect(r.id.sex).toBe(p.sex);
      // The address code is the county of household registration (of origin, for migrants).
      expect(p.hukouDivision.startsWith(r.id.addressCode)).toBe(true);
    }
    const missing = ps.length - ids.length;
    expect(missing).toBeGreaterThan(0);
    expect(missing / ps.length).toBeLessThan(0.03);
  });

  it('has the structure of a real register: families, migrants, the dead, many repeated common names', () => {
    const ps = take(20_000);
    const byPid = new Map(ps.map((p) => [p.pid, p]));
    const share = (f: (p: FixturePerson) => boolean) => ps.filter(f).length / ps.length;
    expect(share((p) => !p.hukouDivision.startsWith('430124'))).toBeGreaterThan(0.05); // migrants
    expect(share((p) => !p.residenceDivision.startsWith('430124'))).toBeGreaterThan(0.03); // living elsewhere
    expect(share((p) => p.status === 2)).toBeGreaterThan(0.001);
    expect(share((p) => p.status === 3)).toBeGreaterThan(0.001);
    expect(share((p) => p.motherPid !== null)).toBeGreaterThan(0.2);
    expect(share((p) => p.name.includes('·'))).toBeGreaterThan(0);
    for (const p of ps) {
      if (p.spousePid) {
        const s = byPid.get(p.spousePid)!;
        expect(s.spousePid).toBe(p.pid);
        expect(s.sex).not.toBe(p.sex);
      }
      if (p.motherPid) {
        const m = byPid.get(p.motherPid)!;
        expect(m.sex).toBe(2);
        expect(m.birthDate < p.birthDate).toBe(true);
      }
      expect(parseDivision(p.hukouDivision)).toEqual({ ok: true, value: p.hukouDivision });
    }
    const counts = new Map<string, number>();
    for (const p of ps) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
    const top = [...counts.values()].sort((a, b) => b - a);
    expect(top[0]).toBeGreaterThan(20); // 王伟, 张伟, 王芳 … each dozens of times in 20,000
    expect(share((p) => counts.get(p.name)! > 1)).toBeGreaterThan(0.4); // most people share their name with someone
  });

  it('builds a division hierarchy whose every parent exists, and agencies in it', () => {
    const c = demoCounty();
    const codes = new Set(c.divisions.map((d) => d.code));
    for (const d of c.divisions) if (d.parentCode) expect(codes.has(d.parentCode)).toBe(true);
    expect(c.townships.length).toBeGreaterThanOrEqual(10);
    expect(c.villages.every((v) => v.code.length === 12)).toBe(true);
    for (const a of demoAgencies(c)) expect(codes.has(a.division)).toBe(true);
  });

  it('uses only characters GBK can encode, so GBK fixtures keep every name', async () => {
    const chars = allNameCharacters();
    expect(iconv.decode(iconv.encode(chars, 'gbk'), 'gbk')).toBe(chars);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-gen-'));
    const file = path.join(dir, 'p.csv');
    const ps = take(500);
    await writePopulationCsv(file, ps, { encoding: 'gbk' });
    const text = iconv.decode(fs.readFileSync(file), 'gbk');
    expect(text.split('\n')[0]).toBe('人员编号,公民身份号码,姓名,性别,出生日期,民族,户籍地区划代码,现居住地区划代码,婚姻状况,配偶人员编号,母亲人员编号,父亲人员编号,联系电话,人员状态');
    for (const p of ps.slice(0, 50)) expect(text).toContain(`${p.pid},${p.idNumber ?? ''},${p.name},`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
