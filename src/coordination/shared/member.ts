// Who is calling, as a member of a county's coordination group: every coordination route starts
// here. The coordination office is the county itself (role county, unit = the county code);
// admins act for any county; every other unit must be registered in coord_units.
import type pg from 'pg';
import type { Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';

export interface Member {
  /** The caller's unit code (token `unit`). */
  unit: string;
  /** The coordination group the caller belongs to; null for an admin (all counties). */
  county: string | null;
  /** The coordination office: assigns, supervises and archives business items. */
  office: boolean;
  admin: boolean;
}

export function memberUnitSql(code: string) {
  return { text: 'SELECT county FROM coord_units WHERE code = $1 AND active', values: [code] };
}

export async function membership(db: pg.Pool | pg.PoolClient, who: Principal): Promise<Member> {
  if (who.role === 'admin') return { unit: who.unit, county: null, office: true, admin: true };
  if (who.role === 'county') return { unit: who.unit, county: who.unit, office: true, admin: false };
  const { rows } = await db.query<{ county: string }>(memberUnitSql(who.unit));
  if (!rows.length) throw appError('YPQ_COORD_NOT_MEMBER', who.unit, '');
  return { unit: who.unit, county: rows[0].county, office: false, admin: false };
}

/** The county a listing covers: the caller's own, or for an admin the one asked for (null: all). */
export function countyScope(m: Member, asked?: string): string | null {
  if (m.county !== null) {
    if (asked && asked !== m.county) throw appError('YPQ_FORBIDDEN', `unit ${m.unit} sees county ${m.county} only`);
    return m.county;
  }
  return asked ?? null;
}

/** Whether the caller supervises a county's business (its office, or an admin). */
export function isOfficeOf(m: Member, county: string): boolean {
  return m.admin || (m.office && m.county === county);
}
