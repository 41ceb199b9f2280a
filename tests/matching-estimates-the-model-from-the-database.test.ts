// `yipanqi links estimate` on a small generated county: u from random pairs, m by EM in the
// blocking sessions, the share of records in the population, clerks' labelled pairs — then the
// estimated model links generated feed records against their truth.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgencies, demoCounty, generatePopulation, type FixturePerson } from '../fixtures/generator/index.js';
import { FeedRecordGenerator, truthKey, type GeneratedFeeds } from '../fixtures/generator/feed-records.js';
import { personLine, PERSON_COPY_COLUMNS, relationLines, RELATION_COPY_COLUMNS } from '../fixtures/generator/population-rows.js';
import { loadActiveModel, saveModel } from '../src/matching/model-store.js';
import { estimateFromDatabase } from '../src/matching/train/estimate-model.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { ingestJson, link } from './matching-support.js';

describe('estimating the model from the database', () => {
  let db: TestDb;
  let feeds: GeneratedFeeds;
  let gen: FeedRecordGenerator;
  const batches: number[] = [];
  const county = demoCounty({ seed: 'est', code: '430124' });

  beforeAll(async () => {
    db = await createTestDb();
    gen = new FeedRecordGenerator({ seed: 'est', county, counts: { prenatal: 150, birth: 60, household: 120, marriage: 60, housing: 110 } });
    let persons = '', relations = '';
    let household: FixturePerson[] = [];
    for (const p of generatePopulation({ seed: 'est', persons: 6000, county })) {
      if (household.length && household[0].household !== p.household) (gen.addHousehold(household), (household = []));
      household.push(p);
      persons += personLine(p);
      relations += relationLines(p, 'test');
    }
    gen.addHousehold(household);
    feeds = gen.finish();
    const client = await db.pool.connect();
    try {
      await pipeline(Readable.from([persons]), client.query(copyFrom(`COPY persons (${PERSON_COPY_COLUMNS.join(', ')}) FROM STDIN`)));
      await pipeline(Readable.from([relations]), client.query(copyFrom(`COPY person_relations (${RELATION_COPY_COLUMNS.join(', ')}) FROM STDIN`)));
    } finally {
      client.release();
    }
    await db.pool.query('ANALYZE persons');
    for (const a of demoAgencies(county)) {
      await db.pool.query('INSERT INTO agencies (code, name, kind, division, feeds) VALUES ($1, $2, $3, $4, $5)', [a.code, a.name, a.kind, a.division, a.feeds]);
    }
    const agency = { prenatal: 'H01', birth: 'H01', household: 'P01', marriage: 'C01', housing: 'F01' } as const;
    for (const feed of ['prenatal', 'birth', 'household', 'marriage', 'housing'] as const) {
      batches.push(await ingestJson(db.pool, `${county.code}${agency[feed]}`, feed, feeds.records[feed]));
    }
  }, 120_000);
  afterAll(() => db.drop());

  it('learns m and u that make sense, and the share of records in the population', async () => {
    // A clerk's decision: its candidates become labelled pairs.
    await db.pool.query(`INSERT INTO link_runs (kind, batch_id, model_id, thresholds, actor) VALUES ('relink', NULL, 'm', '{}', 't')`);
    await db.pool.query(`INSERT INTO link_results (agency, feed, record_id, version, role, batch_id, run_id, status, score, rule, explanation, model_id)
                         VALUES ('x', 'prenatal', 'r', 1, 'subject', 0, 1, 'review', 0.5, 'review-band', '{}', 'm')`);
    await db.pool.query(`INSERT INTO review_decisions (result_id, decision, pid, decided_by, unit, pairs)
                         SELECT id, 'link', 'P1', 'clerk', '430124', '[{"pid":"P1","levels":[0,0,0,0,0,-1],"match":true},{"pid":"P2","levels":[-1,0,2,0,3,-1],"match":false}]'
                         FROM link_results WHERE record_id = 'r'`);
    const r = await estimateFromDatabase(db.pool, { seed: 3, randomPairs: 200_000 });
    const m = (c: string) => r.params.comparisons[c].m;
    const u = (c: string) => r.params.comparisons[c].u;
    expect(r.training.labelledPairs).toBe(2);
    expect(r.training.sessions.map((s) => s.name)).toEqual(['phone', 'id', 'pinyin', 'birth_sex']);
    expect(r.training.sessions.every((s) => s.converged)).toBe(true);
    // Agreement is likely among matches and rare among random residents.
    expect(m('id_number')[0]).toBeGreaterThan(0.85);
    expect(m('id_number')[2]).toBeLessThan(0.05); // hard negatives did not teach it that matches carry other numbers
    expect(m('name')[0]).toBeGreaterThan(0.8);
    expect(m('birth_date')[0]).toBeGreaterThan(0.9);
    expect(u('birth_date')[0]).toBeLessThan(0.001);
    expect(u('name')[0]).toBeLessThan(0.01);
    // Random pairs that share an ID number are the same person, not evidence of how often two
    // people do: u for an exact number stays at the rate of a shared number, not the sampling rate.
    expect(u('id_number')[0]).toBeLessThanOrEqual(1e-7);
    const truthShare = [...feeds.truth.values()].filter((v) => v !== 'new' && !v.startsWith('created:')).length / feeds.truth.size;
    expect(Math.abs(r.training.shareInPopulation - truthShare)).toBeLessThan(0.15);
    const id = await saveModel(db.pool, r.params, { training: r.training, actor: 'test' });
    expect((await loadActiveModel(db.pool)).id).toBe(id);
  });

  it('links the generated records with it: no false links to speak of, most residents found', async () => {
    for (const b of batches) await link(db.pool, b);
    const { rows } = await db.pool.query<{ feed: 'prenatal'; record_id: string; role: string; status: string; pid: string | null }>(
      'SELECT feed, record_id, role, status, pid FROM link_results WHERE batch_id = ANY($1)', [batches]);
    let right = 0, wrong = 0, positives = 0;
    for (const x of rows) {
      const want = feeds.truth.get(truthKey(x.feed, x.record_id, x.role));
      if (!want || want.startsWith('created:')) continue;
      if (want !== 'new') positives++;
      if (x.status === 'linked') x.pid === want ? right++ : wrong++;
    }
    expect(wrong / (right + wrong)).toBeLessThan(0.01);
    expect(right / positives).toBeGreaterThan(0.9);
  });

  it('the housing department\'s next monthly report: doubts are settled by the person the same property\'s earlier record was linked to', async () => {
    const next = gen.nextHousingReport();
    expect(next).toHaveLength(feeds.records.housing.length);
    const month1 = new Set(feeds.records.housing.map((r) => r.property_id));
    expect(next.every((r) => month1.has(r.property_id) && feeds.truth.has(truthKey('housing', String(r.record_id), 'subject')))).toBe(true);
    const batch = await ingestJson(db.pool, `${county.code}F01`, 'housing', next);
    await link(db.pool, batch);
    const { rows } = await db.pool.query<{ record_id: string; status: string; pid: string | null; rule: string }>(
      'SELECT record_id, status, pid, rule FROM link_results WHERE batch_id = $1', [batch]);
    const settled = rows.filter((r) => r.rule === 'same-property-earlier-report');
    expect(settled.length).toBeGreaterThan(0);
    for (const r of settled) expect(r.pid).toBe(feeds.truth.get(truthKey('housing', r.record_id, 'subject')));
  });
});
