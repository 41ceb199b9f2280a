// Shared by the tests/coordination-*.test.ts files: a small county's coordination group and calls.
import type { TestApp } from './helpers/app.js';

export const COUNTY = '370725';
export const TOWN = '370725001';
export const OTHER_COUNTY = '370724';

export type Who = { role: 'township' | 'county' | 'admin' | 'agency'; unit: string; sub?: string };

export const OFFICE: Who = { role: 'county', unit: COUNTY, sub: 'office-wang' };
export const HEALTH: Who = { role: 'agency', unit: 'WJJ', sub: 'clerk-health' };
export const POLICE: Who = { role: 'agency', unit: 'GAJ', sub: 'clerk-police' };
export const TOWNSHIP: Who = { role: 'township', unit: TOWN, sub: 'clerk-town' };
export const OUTSIDER: Who = { role: 'agency', unit: 'ELSE', sub: 'clerk-else' };
export const ADMIN: Who = { role: 'admin', unit: '00', sub: 'root' };

export async function call(t: TestApp, who: Who | null, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const auth = who ? { authorization: `Bearer ${await t.token(who)}` } : {};
  return t.app.inject({
    method, url, headers: { ...auth, ...headers },
    ...(body === undefined ? {} : typeof body === 'string' || Buffer.isBuffer(body) ? { payload: body } : { payload: body as object }),
  });
}

/** The coordination group of the county: the office, two departments, a township; and a unit of another county. */
export async function registerGroup(t: TestApp): Promise<void> {
  const units: [string, Record<string, unknown>][] = [
    [COUNTY, { name: '县人口信息协调办公室', kind: 'office', duties: '统筹协调、督办考核', topics: ['督办', '考核'] }],
    ['WJJ', { name: '县卫生健康局', kind: 'department', duties: '出生医学证明、孕产妇保健服务', topics: ['出生医学证明', '免费孕检'], leader: '李副局长', office: '妇幼科', contactName: '赵科长', contactPhone: '0536-1234567' }],
    ['GAJ', { name: '县公安局', kind: 'department', duties: '户口登记、迁移、注销', topics: ['户口登记', '迁移'] }],
    [TOWN, { name: '宝城街道', kind: 'township', duties: '辖区人口服务', topics: ['流动人口'] }],
  ];
  for (const [code, body] of units) {
    const res = await call(t, OFFICE, 'PUT', `/v1/coordination/units/${code}`, body);
    if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`unit ${code}: ${res.statusCode} ${res.body}`);
  }
  const other = await call(t, ADMIN, 'PUT', '/v1/coordination/units/ELSE', { county: OTHER_COUNTY, name: '邻县民政局', kind: 'department' });
  if (other.statusCode !== 201) throw new Error(`unit ELSE: ${other.statusCode} ${other.body}`);
}

export const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
