// The synthetic demo county (fixtures/generator) on the first start of an empty database, loaded
// through the same import code as `yipanqi … import`, so a newcomer sees a working county —
// divisions, member agencies, a population with families — without any real data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import { demoAgencies, demoCounty, generatePopulation, writeAgenciesCsv, writeDivisionsCsv, writePopulationCsv } from '../../fixtures/generator/index.js';
import { importPopulation } from '../population/population-import.js';
import { importAgencies } from '../reference/agencies-import.js';
import { importDivisions } from '../reference/divisions-import.js';
import { seedDemoActivity } from './seed-activity.js';

export const DEMO_SEED = 'demo';
const ACTOR = 'demo-seed';

/** Loads the demo county when the population database is empty; otherwise does nothing. */
export async function seedDemoCounty(pool: pg.Pool, log: Logger, persons: number): Promise<void> {
  const { rows } = await pool.query('SELECT EXISTS (SELECT 1 FROM persons) AS any');
  if (rows[0].any) {
    log.debug('demo data not loaded: the population database is not empty');
    return;
  }
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yipanqi-demo-'));
  try {
    const county = demoCounty({ seed: DEMO_SEED });
    const files = { divisions: path.join(dir, 'divisions.csv'), agencies: path.join(dir, 'agencies.csv'), population: path.join(dir, 'population.csv') };
    await writeDivisionsCsv(files.divisions, county.divisions);
    await writeAgenciesCsv(files.agencies, demoAgencies(county));
    await writePopulationCsv(files.population, generatePopulation({ seed: DEMO_SEED, persons, county }));
    const quiet = log.child({ demo: true }, { level: 'warn' });
    const d = await importDivisions(pool, { file: files.divisions, actor: ACTOR, log: quiet });
    const a = await importAgencies(pool, { file: files.agencies, actor: ACTOR, log: quiet });
    // Another gateway process may have seeded meanwhile: the import then finds every person unchanged.
    const p = await importPopulation(pool, { file: files.population, actor: ACTOR, log: quiet });
    log.info(
      { county: county.code, divisions: d.inserted, agencies: a.inserted, persons: p.inserted, ms: Date.now() - started },
      `demo county ${county.name} (${county.code}) loaded: synthetic data, not real persons`,
    );
    await seedDemoActivity(pool, log, county, demoAgencies(county));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
