// Starting parameters for the person model, before estimation from the data (estimate.ts).
// Rough magnitudes: u from how often two different people agree by chance (a birth date 1 in
// ~25,000), m from how often agencies' records of the same person agree. Divisions are taken as
// a county's gateway sees them: the candidates blocking finds are mostly of the county, so two
// strangers share it (u 0.9), a township 1 in ~15, a village 1 in ~300 — a provincial population's
// odds (a village 1 in 50,000) made a shared village weigh 15 bits, and a namesake in the village
// outweighed everything (one run at 1 M: 811 false links; with these, 126). A differing ID number is
// bounded as estimation bounds it (MAX_ID_DIFFERS_M). They make the engine usable on day one and
// give EM a starting point; the estimated parameters replace them.
import { createModel, type Model, type ModelParameters } from './fellegi-sunter.js';
import { PERSON_COMPARISONS } from './compare-pairs.js';

export const DEFAULT_PERSON_PARAMETERS: ModelParameters = {
  lambda: 1e-7,
  comparisons: {
    //                      exact    one_edit  differs
    id_number: { m: [0.96, 0.035, 0.005], u: [1e-8, 1e-7, 1 - 1.1e-7] },
    //                      exact  normalised pinyin confusable partial differs
    name: { m: [0.85, 0.04, 0.04, 0.02, 0.02, 0.03], u: [2e-5, 2e-6, 3e-5, 1e-5, 1e-4, 1 - 1.62e-4] },
    //                      exact  swapped  one_part_off differs
    birth_date: { m: [0.95, 0.005, 0.035, 0.01], u: [4e-5, 3e-5, 4e-3, 1 - 4.07e-3] },
    sex: { m: [0.99, 0.01], u: [0.5, 0.5] },
    //                      village township county differs
    division: { m: [0.75, 0.08, 0.12, 0.05], u: [3e-3, 0.06, 0.9, 1 - 0.963] },
    //                      exact  last8  differs
    phone: { m: [0.6, 0.02, 0.38], u: [1e-7, 1e-6, 1 - 1.1e-6] },
  },
};

export function defaultPersonModel(): Model {
  return createModel(PERSON_COMPARISONS, DEFAULT_PERSON_PARAMETERS, 'person-default');
}

/**
 * λ for linking records to a population of the given size: each record is at most one of the
 * population's persons, so λ ≈ (share of records that are in it) / population.
 */
export function priorForPopulation(populationSize: number, shareInPopulation = 0.9): number {
  return shareInPopulation / Math.max(populationSize, 1);
}
