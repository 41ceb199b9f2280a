// A gateway on a test database with a throw-away signing key.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { loadKeyRing, type KeyRing } from '../../src/auth/keys.js';
import { buildApp, type RoutePlugin } from '../../src/gateway/app.js';
import { createLogger } from '../../src/logger.js';
import { createTestDb, type TestDb } from './db.js';

export interface TestApp {
  app: FastifyInstance;
  db: TestDb;
  cfg: Config;
  keys: KeyRing;
  token(claims: { role: string; unit: string; feeds?: string[]; sub?: string }, ttl?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(extra: RoutePlugin[] = [], env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-app-'));
  const cfg = loadConfig({ YIPANQI_DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...env });
  const keys = await loadKeyRing(cfg);
  const app = await buildApp({ cfg, pool: db.pool, keys, log: createLogger('silent') }, extra);
  await app.ready();
  return {
    app,
    db,
    cfg,
    keys,
    token: (c, ttl = '1h') => keys.sign!({ sub: c.sub ?? `${c.role}:${c.unit}`, feeds: [], ...c }, ttl),
    async close() {
      await app.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
