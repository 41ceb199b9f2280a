// Regenerates src/db/schema.snapshot.txt from the migrations (npm run db:snapshot).
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbedded } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { describeSchema } from '../src/db/schema-snapshot.js';
import { createLogger } from '../src/logger.js';

const server = await startEmbedded({ dir: path.resolve('.tmp/snapshot-pg'), database: 'snapshot', log: createLogger('warn'), unsafeFast: true });
try {
  const admin = new pg.Client(server.adminUrl);
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS snapshot WITH (FORCE)');
  await admin.query('CREATE DATABASE snapshot');
  await admin.end();
  const pool = new pg.Pool({ connectionString: server.url });
  await migrate(pool);
  fs.writeFileSync('src/db/schema.snapshot.txt', await describeSchema(pool));
  await pool.end();
  console.log('wrote src/db/schema.snapshot.txt');
} finally {
  await server.stop();
}
