// Member units: every member of the county's group sees the directory (who to ask for what);
// the coordination office (or an admin) registers and edits units.
import type pg from 'pg';
import { audit } from '../../audit/audit-log.js';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { countyScope, isOfficeOf, membership } from '../shared/member.js';
import { write } from '../shared/db-errors.js';
import { listUnitsSql, toUnit, unitByCodeSql, upsertUnitSql, type UnitFilter, type UnitRow } from './unit-repo.js';
import type { Unit, UnitInput } from './unit-schema.js';

export async function listUnits(pool: pg.Pool, who: Principal, f: Omit<UnitFilter, 'county'> & { county?: string }): Promise<Unit[]> {
  const m = await membership(pool, who);
  const { rows } = await pool.query<UnitRow>(listUnitsSql({ ...f, county: countyScope(m, f.county), includeInactive: f.includeInactive && (m.office || m.admin) }));
  return rows.map(toUnit);
}

export async function getUnit(pool: pg.Pool, who: Principal, code: string): Promise<Unit> {
  const m = await membership(pool, who);
  const { rows } = await pool.query<UnitRow>(unitByCodeSql(code));
  if (!rows.length || (m.county !== null && rows[0].county !== m.county)) throw appError('YPQ_NOT_FOUND', `unit ${code}`);
  return toUnit(rows[0]);
}

/** The county a new or changed unit belongs to: the office's own; an admin names it (or a township/office code implies it). */
function unitCounty(who: Principal, code: string, input: UnitInput): string {
  if (who.role === 'county') {
    if (input.county && input.county !== who.unit) throw appError('YPQ_FORBIDDEN', `county ${who.unit} registers its own units only`);
    return who.unit;
  }
  const implied = /^[0-9]{6}$/.test(code) ? code : /^[0-9]{9}$/.test(code) ? code.slice(0, 6) : undefined;
  const county = input.county ?? implied;
  if (!county) throw appError('YPQ_VALIDATION', 'county is required for this unit');
  return county;
}

export async function putUnit(pool: pg.Pool, who: Principal, code: string, input: UnitInput): Promise<{ unit: Unit; created: boolean }> {
  if (who.role !== 'admin' && who.role !== 'county') throw appError('YPQ_FORBIDDEN', 'only the coordination office (county) or an admin registers units');
  const county = unitCounty(who, code, input);
  const m = await membership(pool, who);
  if (!isOfficeOf(m, county)) throw appError('YPQ_FORBIDDEN', `unit ${who.unit} does not run county ${county}'s group`);
  const { rows } = await write<UnitRow & { created: boolean }>(pool, upsertUnitSql(code, county, input, new Date()));
  // No row back: the code exists in another county, which this caller does not run.
  if (!rows.length) throw appError('YPQ_CONFLICT', `unit ${code} belongs to another county`);
  await audit(pool, who, {
    action: rows[0].created ? 'create' : 'update',
    objectType: 'coord_unit',
    objectId: code,
    purpose: 'coordination group maintenance',
    detail: { fields: Object.keys(input) },
  });
  return { unit: toUnit(rows[0]), created: rows[0].created };
}
