// Names for codes: the user's unit, the townships of a county, the member agencies. Reference
// data (no personal data) read through the API and kept for a few minutes per process.
import type { Principal } from '../auth/principal.js';
import type { Api } from './api-client.js';

interface Division {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
}
interface Agency {
  code: string;
  name: string;
  division: string;
  feeds: string[];
}

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { at: number; value: unknown }>();

async function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value as T;
  const value = await load();
  cache.set(key, { at: Date.now(), value });
  return value;
}

export function divisionsUnder(api: Api, parent: string): Promise<Division[]> {
  return cached(`div:${parent}`, () => api.get<Division[]>(`/v1/divisions?parent=${encodeURIComponent(parent)}`));
}

export function agencies(api: Api): Promise<Agency[]> {
  return cached('agencies', () => api.get<Agency[]>('/v1/agencies'));
}

/** A division's name from its parent's children (township 9 → county 6 → city 4 digits). */
export async function divisionName(api: Api, code: string): Promise<string> {
  const parent = code.length === 9 ? code.slice(0, 6) : code.length === 6 ? code.slice(0, 4) : code.length === 12 ? code.slice(0, 9) : null;
  if (!parent) return code;
  const d = (await divisionsUnder(api, parent)).find((x) => x.code === code);
  return d?.name ?? code;
}

export async function unitName(api: Api, who: Principal): Promise<string> {
  if (who.role === 'agency') return (await agencies(api)).find((a) => a.code === who.unit)?.name ?? who.unit;
  if (who.role === 'admin') return who.unit;
  return divisionName(api, who.unit);
}

/** Code → name for the townships of a county. */
export async function townshipNames(api: Api, county: string): Promise<Map<string, string>> {
  return new Map((await divisionsUnder(api, county)).map((d) => [d.code, d.name]));
}

/** The county a staff member works in (admins: none). */
export function countyOf(who: Principal): string | null {
  if (who.role === 'township') return who.unit.slice(0, 6);
  if (who.role === 'county') return who.unit;
  return null;
}

export function clearDirectoryCache(): void {
  cache.clear();
}
