// Shared by the tests/cases-*.test.ts files: units of a small county and a way to raise cases.
import type { RaiseCaseInput } from '../src/cases/raise-case.js';
import type { TestApp } from './helpers/app.js';

export const COUNTY = '430102';
export const T1 = '430102001';
export const T2 = '430102002';
export const OTHER_COUNTY = '430103';
export const T_ELSEWHERE = '430103001';

let seq = 0;

/** A newborn_unregistered case for a birth record, routed by a village code of the township. */
export function newbornCase(over: Partial<RaiseCaseInput> = {}): RaiseCaseInput {
  seq++;
  return {
    rule: 'newborn_unregistered',
    dedupKey: `birth:B${seq}`,
    subjects: [`P${seq}`],
    township: `${T1}003`,
    payload: { birthRecordId: `B${seq}`, birthTime: '2024-03-01 08:00', childSex: 1, motherPid: `M${seq}` },
    source: { kind: 'record', agency: 'H001', feed: 'birth', recordId: `B${seq}` },
    ...over,
  };
}

export type Who = { role: 'township' | 'county' | 'admin' | 'agency'; unit: string; sub?: string };

export async function call(t: TestApp, who: Who, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) {
  const token = await t.token(who);
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) });
}
