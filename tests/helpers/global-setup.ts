// One PostgreSQL for the whole run: the embedded one (unless DATABASE_URL is set), with a
// migrated template database that every test file clones into a database of its own.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbedded, type EmbeddedServer } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';

export const TEMPLATE_DB = 'ypq_template';
let server: EmbeddedServer | undefined;
let dir: string | undefined;

export default async function setup(project: TestProject) {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    // A folder per run: two test runs at once (two developers' shells, a watcher) must not share a cluster.
    dir = path.resolve(`.tmp/test-pg-${process.pid}`);
    server = await startEmbedded({
      dir,
      database: 'postgres',
      log,
      unsafeFast: true,
    });
    adminUrl = server.adminUrl;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  // Databases left by an earlier, interrupted run.
  const stale = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'ypq_t_%'");
  for (const r of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(r.datname)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();

  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const pool = new pg.Pool({ connectionString: templateUrl, max: 1 });
  await migrate(pool);
  await pool.end();

  project.provide('adminUrl', adminUrl);
  return async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}
