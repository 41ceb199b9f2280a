// Every read or change of personal data is recorded here (who, unit, what, why).
import type pg from 'pg';
import type { Principal } from '../auth/principal.js';

export interface AuditEntry {
  action: 'read' | 'list' | 'create' | 'update' | 'decide' | 'export' | 'login' | string;
  objectType: string;
  objectId: string;
  purpose: string;
  detail?: Record<string, unknown>;
}

export function auditSql(who: Pick<Principal, 'sub' | 'role' | 'unit'>, e: AuditEntry) {
  return {
    text: 'SELECT ypq_audit($1, $2, $3, $4, $5, $6, $7, $8) AS id',
    values: [who.sub, who.role, who.unit, e.action, e.objectType, e.objectId, e.purpose, e.detail ? JSON.stringify(e.detail) : null],
  };
}

export async function audit(db: pg.Pool | pg.PoolClient, who: Pick<Principal, 'sub' | 'role' | 'unit'>, e: AuditEntry): Promise<void> {
  await db.query(auditSql(who, e));
}

/** Several entries of one actor, appended to the chain in the order given (ypq_audit_many, 013_audit_append.sql). */
export function auditManySql(who: Pick<Principal, 'sub' | 'role' | 'unit'>, es: readonly AuditEntry[]) {
  return {
    text: 'SELECT ypq_audit_many($1, $2, $3, $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[]) AS id',
    values: [
      who.sub, who.role, who.unit, es.map((e) => e.action), es.map((e) => e.objectType), es.map((e) => e.objectId), es.map((e) => e.purpose),
      es.map((e) => (e.detail ? JSON.stringify(e.detail) : null)),
    ],
  };
}

/** Recomputes the whole chain in one pass; returns the first entry that does not fit. */
export function verifyChainSql() {
  return {
    text: `SELECT id, prev_hash, hash,
              lag(hash, 1, repeat('0', 64)) OVER (ORDER BY id) AS expected_prev,
              ypq_audit_hash(prev_hash, at, actor, role, unit, action, object_type, object_id, purpose, detail) AS recomputed,
              lag(id, 1, 0::bigint) OVER (ORDER BY id) AS prev_id
           FROM audit_log ORDER BY id`,
    values: [],
  };
}
