// Starting parameters for the person model, before estimation from the data (estimate.ts).
// Rough magnitudes for a provincial population of tens of millions: u from how often random
// residents agree by chance (a birth date 1 in ~25,000, a county 1 in ~100), m from how often
// agencies' records of the same person agree. They make the engine usable on day one and give
// EM a starting point; the estimated parameters replace them.
import { createModel, type Model, type ModelParameters } from './fellegi-sunter.js';
import { PERSON_COMPARISONS } from './compare-pairs.js';

export const DEFAULT_PERSON_PARAMETERS: ModelParameters = {
  lambda: 1e-7,
  comparisons: {
    //                      exact    one_edit  differs
    id_number: { m: [0.95, 0.03, 0.02], u: [1e-8, 1e-7, 1 - 1.1e-7] },
    //                      exact  normalised pinyin confusable partial differs
    name: { m: [0.85, 0.04, 0.04, 0.02, 0.02, 0.03], u: [2e-5, 2e-6, 3e-5, 1e-5, 1e-4, 1 - 1.62e-4] },
    //                      exact  swapped  one_part_off differs
    birth_date: { m: [0.95, 0.005, 0.035, 0.01], u: [4e-5, 3e-5, 4e-3, 1 - 4.07e-3] },
    sex: { m: [0.99, 0.01], u: [0.5, 0.5] },
    //                      village township county differs
    division: { m: [0.6, 0.15, 0.15, 0.1], u: [2e-5, 4e-4, 1e-2, 1 - 1.042e-2] },
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
