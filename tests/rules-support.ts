// Shared by the tests/rules-*.test.ts files: a small county on a real PostgreSQL, records pushed
// through intake, linked and applied, then the rules run over the batch.
import { CIVIL, HOSPITAL, HOUSING_AGENCY, POLICE, seedAgencies } from '../fixtures/intake/agencies.js';
import type { FeedKind } from '../src/adapters/index.js';
import { runRulesForBatch, runRulesSweep, type RulesDeps } from '../src/rules/run-rules.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { idNumber, ingestJson, insertPersons, link, silent, type TestPerson } from './matching-support.js';

export { CIVIL, HOSPITAL, HOUSING_AGENCY, POLICE, idNumber, insertPersons };
export const A = '430102';
export const T1 = '430102001';
export const T2 = '430102002';

export interface RulesWorld {
  db: TestDb;
  deps: RulesDeps;
  /** Ingests, links and applies the records, then runs the rules over the batch. */
  push(agency: string, feed: FeedKind, records: unknown[], now?: Date): Promise<number>;
  sweep(now: Date): ReturnType<typeof runRulesSweep>;
  cases(rule: string): Promise<CaseRow[]>;
}

export interface CaseRow {
  id: number;
  dedup_key: string;
  subjects: string[];
  township: string | null;
  county: string;
  status: string;
  closure: string | null;
  close_reason: string | null;
  payload: Record<string, unknown>;
  source: Record<string, unknown>;
  deadline: Date;
  created_at: Date;
}

export async function rulesWorld(persons: TestPerson[], settings = { newbornRegistrationDays: 30 }): Promise<RulesWorld> {
  const db = await createTestDb();
  await seedAgencies(db.pool);
  await insertPersons(db.pool, persons);
  const deps: RulesDeps = { pool: db.pool, log: silent, settings };
  return {
    db,
    deps,
    async push(agency, feed, records, now) {
      const batch = await ingestJson(db.pool, agency, feed, records);
      await link(db.pool, batch);
      await runRulesForBatch(deps, batch, { now });
      return batch;
    },
    sweep: (now) => runRulesSweep(deps, { now }),
    async cases(rule) {
      return (await db.pool.query<CaseRow>('SELECT * FROM cases WHERE rule = $1 ORDER BY id', [rule])).rows;
    },
  };
}

/** Resolves a case as a township would (the trigger of 010_rules.sql records the service). */
export async function resolve(w: RulesWorld, id: number): Promise<void> {
  await w.db.pool.query("UPDATE cases SET status = 'resolved', updated_at = now() WHERE id = $1", [id]);
}
