// The model decisions are made with: the active row of match_models, or — before anyone has
// run `yipanqi links estimate` — the built-in starting parameters with a prior λ for the size
// of the population at hand.
import type pg from 'pg';
import { PERSON_COMPARISONS } from './compare-pairs.js';
import { DEFAULT_PERSON_PARAMETERS } from './default-model.js';
import { createModel, type Model, type ModelParameters } from './fellegi-sunter.js';
import type { Sql } from './sql/sql.js';

type Db = pg.Pool | pg.PoolClient;

export function activeModelSql(): Sql {
  return { text: 'SELECT model_id, params FROM match_models WHERE active', values: [] };
}

export function modelByIdSql(modelId: string): Sql {
  return { text: 'SELECT model_id, params FROM match_models WHERE model_id = $1', values: [modelId] };
}

/** The persons counted for term frequencies, else the planner's estimate of the table. */
export function populationSizeSql(): Sql {
  return {
    text: `SELECT coalesce((SELECT persons FROM name_frequency_state),
                           greatest((SELECT reltuples::bigint FROM pg_class WHERE oid = 'persons'::regclass), 0)) AS n`,
    values: [],
  };
}

export function saveModelSql(m: { modelId: string; params: ModelParameters; training: unknown; actor: string }): Sql {
  return {
    text: `INSERT INTO match_models (model_id, params, training, created_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (model_id) DO UPDATE SET training = EXCLUDED.training RETURNING id`,
    values: [m.modelId, JSON.stringify(m.params), JSON.stringify(m.training ?? null), m.actor],
  };
}

export function activateModelSql(modelId: string): Sql {
  return {
    text: `WITH off AS (UPDATE match_models SET active = false WHERE active AND model_id <> $1)
           UPDATE match_models SET active = true WHERE model_id = $1`,
    values: [modelId],
  };
}

const modelName = (modelId: string) => modelId.split('@')[0] || 'person';

/** The stored id is kept: jsonb does not return the parameters byte for byte, so their hash may differ. */
export function modelFromRow(row: { model_id: string; params: ModelParameters }): Model {
  return { ...createModel(PERSON_COMPARISONS, row.params, modelName(row.model_id)), id: row.model_id };
}

export async function populationSize(db: Db): Promise<number> {
  return Number((await db.query<{ n: number }>(populationSizeSql())).rows[0].n) || 0;
}

/**
 * λ for linking one record against a population of N, as prior odds of "this person" against
 * "no one in the population": share / (N · (1 − share)). Pairwise Fellegi–Sunter puts
 * "not this person" (≈ 1) in the denominator; with every plausible person among the candidates
 * (the blocking's job) and the runner-up held off by the margin rule, the alternative left is
 * that the record's person is not in the population at all. priorForPopulation(N, share) is
 * the pairwise form; this is it divided by (1 − share): +2.3 bits at share 0.8.
 */
export function oneToManyPrior(population: number, share = 0.9): number {
  const odds = share / (Math.max(population, 1) * (1 - share));
  return odds / (1 + odds);
}

export function defaultModel(population: number): Model {
  return createModel(PERSON_COMPARISONS, { ...DEFAULT_PERSON_PARAMETERS, lambda: oneToManyPrior(population) }, 'person-default');
}

export async function loadActiveModel(db: Db): Promise<Model> {
  const { rows } = await db.query<{ model_id: string; params: ModelParameters }>(activeModelSql());
  if (rows[0]) return modelFromRow(rows[0]);
  return defaultModel(await populationSize(db));
}

/** Stores estimated parameters as a new model version (activating it unless told not to); returns its id. */
export async function saveModel(
  db: Db,
  params: ModelParameters,
  o: { name?: string; training?: unknown; actor: string; activate?: boolean },
): Promise<string> {
  const model = createModel(PERSON_COMPARISONS, params, o.name ?? 'person');
  await db.query(saveModelSql({ modelId: model.id, params, training: o.training, actor: o.actor }));
  if (o.activate !== false) await db.query(activateModelSql(model.id));
  return model.id;
}
