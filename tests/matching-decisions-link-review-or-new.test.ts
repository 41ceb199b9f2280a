import { describe, expect, it } from 'vitest';
import { checkDigit } from '../src/normalise/id-number.js';
import {
  createModel, DEFAULT_PERSON_PARAMETERS, DEFAULT_THRESHOLDS, linkBatch, linkRecord, PERSON_COMPARISONS, prepareRecord,
  priorForPopulation, type MatchInput, type PreparedRecord,
} from '../src/matching/index.js';

const model = createModel(PERSON_COMPARISONS, { ...DEFAULT_PERSON_PARAMETERS, lambda: priorForPopulation(1_000_000) }, 'person-test');
const id = (first17: string) => first17 + checkDigit(first17);
const ID1 = id('43010219850305122'); // the person
const ID2 = id('43010219850305144'); // her twin sister
const rec = (m: MatchInput) => prepareRecord(m);
const base: MatchInput = { idNumber: ID1, name: '李秀英', sex: 2, birthDate: '1985-03-05', divisions: ['430102001001'], phone: '13800138000' };
const cand = (pid: string, m: MatchInput) => ({ pid, person: rec(m) });
const decideOne = (record: MatchInput, candidates: { pid: string; person: PreparedRecord }[], thresholds = DEFAULT_THRESHOLDS) =>
  linkRecord(model, rec(record), candidates, { thresholds, frequencies: { name: () => 1e-5 } });

describe('hard rules', () => {
  it('the same verified ID and birth date link, even when the name was changed', () => {
    const d = decideOne(base, [cand('P1', { ...base, name: '李欣怡', phone: null, divisions: [] })]);
    expect(d).toMatchObject({ status: 'linked', pid: 'P1', rule: 'verified-id-and-birth-date' });
    expect(d.score).toBeGreaterThan(0);
  });
  it('two persons holding the same verified ID and birth date are a duplicate for a clerk', () => {
    const d = decideOne(base, [cand('P1', base), cand('P2', { ...base, name: '李秀' })]);
    expect(d).toMatchObject({ status: 'review', pid: null, rule: 'duplicate-verified-id' });
  });
  it('a different verified ID never links, however well the rest agrees (twins)', () => {
    const d = decideOne(base, [cand('P2', { ...base, idNumber: ID2 })]);
    expect(d).toMatchObject({ status: 'new', pid: null, rule: 'only-excluded-candidates' });
    expect(d.explanation.candidates).toEqual([]);
    expect(d.explanation.excluded).toHaveLength(1);
    expect(d.explanation.excluded[0]).toMatchObject({ pid: 'P2', reason: 'verified-ids-differ' });
  });
  it('the twin is passed over for the person with the right ID', () => {
    const d = decideOne(base, [cand('P2', { ...base, idNumber: ID2 }), cand('P1', { ...base, phone: null })]);
    expect(d).toMatchObject({ status: 'linked', pid: 'P1' });
    expect(d.explanation.excluded.map((e) => e.pid)).toEqual(['P2']);
  });
  it('a mistyped ID (wrong check digit) one edit from the person is evidence, not a conflict', () => {
    const typo = ID1.slice(0, 10) + (ID1[10] === '0' ? '1' : '0') + ID1.slice(11);
    const d = decideOne({ ...base, idNumber: typo }, [cand('P1', base)]);
    expect(d).toMatchObject({ status: 'linked', pid: 'P1', rule: 'above-link-threshold' });
    expect(d.explanation.candidates[0].fields[0]).toMatchObject({ field: 'id_number', level: 'one_edit' });
  });
  it('a legacy 15-digit number is compared but never links by the hard rule', () => {
    const legacy = id('11010519491231002');
    const d = decideOne({ ...base, idNumber: '110105491231002', birthDate: '1949-12-31' }, [cand('P1', { ...base, idNumber: legacy, birthDate: '1949-12-31' })]);
    expect(d.rule).toBe('above-link-threshold');
    expect(d.explanation.candidates[0].fields[0].level).toBe('exact');
  });
});

describe('probabilistic decisions', () => {
  const noId = { ...base, idNumber: null };
  it('strong agreement without an ID links', () => {
    const d = decideOne(noId, [cand('P1', noId), cand('P9', { ...noId, name: '王芳', birthDate: '1990-07-01', phone: null })]);
    expect(d).toMatchObject({ status: 'linked', pid: 'P1', rule: 'above-link-threshold' });
    expect(d.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.link);
    expect(d.explanation.margin).toBeGreaterThan(DEFAULT_THRESHOLDS.minMargin);
  });
  it('two close candidates go to review even when both score high', () => {
    // The population database holds the same resident twice, once without a sex code.
    const d = decideOne(noId, [cand('P1', noId), cand('P2', { ...noId, sex: 9 })]);
    expect(d).toMatchObject({ status: 'review', pid: null, rule: 'close-runner-up' });
    expect(d.score).toBeGreaterThan(DEFAULT_THRESHOLDS.link);
    expect(d.explanation.candidates.map((c) => c.pid)).toEqual(['P1', 'P2']);
  });
  it('the same person found by two blocking keys is not a runner-up to itself', () => {
    const d = decideOne(noId, [cand('P1', noId), cand('P1', noId)]);
    expect(d).toMatchObject({ status: 'linked', pid: 'P1' });
    expect(d.explanation.margin).toBeNull();
  });
  it('a middling candidate goes to review', () => {
    const d = decideOne({ name: '李秀英', birthDate: '1985-03-05' }, [cand('P1', { name: '李秀英', birthDate: '1985-03-15', divisions: ['440305'] })]);
    expect(d).toMatchObject({ status: 'review', rule: 'review-band' });
    expect(d.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
    expect(d.score).toBeLessThan(DEFAULT_THRESHOLDS.link);
  });
  it('a weak candidate means a new person', () => {
    const d = decideOne(noId, [cand('P1', { name: '李秀华', birthDate: '1979-11-30', sex: 2, divisions: ['440305'] })]);
    expect(d).toMatchObject({ status: 'new', pid: null, rule: 'below-review-threshold' });
  });
  it('no candidates means a new person with score 0', () => {
    const d = decideOne(base, []);
    expect(d).toMatchObject({ status: 'new', pid: null, score: 0, matchWeight: null, rule: 'no-candidates' });
  });
  it('thresholds are configurable', () => {
    const strict = { ...DEFAULT_THRESHOLDS, link: 1 - 1e-12 };
    const d = decideOne({ name: '李秀英', birthDate: '1985-03-05', sex: 2 }, [cand('P1', { name: '李秀英', birthDate: '1985-03-05', sex: 2 })], strict);
    expect(d.status).toBe('review');
    const lax = decideOne({ name: '李秀英', birthDate: '1985-03-05', sex: 2 }, [cand('P1', { name: '李秀英', birthDate: '1985-03-05', sex: 2 })], { ...DEFAULT_THRESHOLDS, link: 0.5 });
    expect(lax.status).toBe('linked');
  });
});

describe('explanations', () => {
  const d = decideOne({ ...base, name: '陈戍生' }, [cand('P1', { ...base, name: '陈戌生', phone: null }), cand('P2', { ...base, name: '陈戍生', idNumber: ID2 })]);
  it('carry the model, rule, thresholds, prior, margin and per-field levels and weights', () => {
    expect(d.explanation).toMatchObject({
      model: model.id,
      rule: d.rule,
      thresholds: DEFAULT_THRESHOLDS,
      candidateCount: 2,
    });
    const fields = d.explanation.candidates[0].fields;
    expect(fields.map((f) => f.field)).toEqual(['id_number', 'name', 'birth_date', 'sex', 'division', 'phone']);
    expect(fields.map((f) => f.level)).toEqual(['exact', 'confusable', 'exact', 'exact', 'village', 'missing']);
    const sum = fields.reduce((a, f) => a + f.weight + (f.tf?.adjustment ?? 0), 0) + d.explanation.priorWeight;
    expect(sum).toBeCloseTo(d.explanation.candidates[0].matchWeight, 2);
    expect(d.explanation.margin).toBeNull(); // the twin is not a runner-up: she can never be linked
    expect(d.explanation.excluded.map((e) => [e.pid, e.reason])).toEqual([['P2', 'verified-ids-differ']]);
  });
  it('are plain JSON and hold no personal data', () => {
    const json = JSON.stringify(d);
    expect(JSON.parse(json)).toEqual(d);
    for (const s of [ID1, ID2, '陈', '戍', '13800138000', '430102001001', '1985']) expect(json).not.toContain(s);
  });
});

describe('a batch', () => {
  const records = [base, { ...base, idNumber: null, name: '王伟', birthDate: '1990-01-01' }, { name: '赵六' }].map(rec);
  const persons = [base, { ...base, idNumber: ID2 }, { ...base, idNumber: null, name: '王伟', birthDate: '1990-01-01' }].map(rec);
  const pids = ['P1', 'P2', 'P3'];
  it('decides every record, those without candidates too, as one at a time would', () => {
    const out = linkBatch(model, { records, persons, personPids: pids, pairRecord: [0, 0, 1, 1], pairPerson: [0, 1, 1, 2] });
    expect(out.map((d) => [d.status, d.pid])).toEqual([['linked', 'P1'], ['linked', 'P3'], ['new', null]]);
    const one = linkRecord(model, records[1], [{ pid: 'P2', person: persons[1] }, { pid: 'P3', person: persons[2] }]);
    expect(out[1]).toEqual(one);
  });
  it('asks for pairs ordered by record and indices in range', () => {
    expect(() => linkBatch(model, { records, persons, personPids: pids, pairRecord: [1, 0], pairPerson: [0, 0] })).toThrow(/sorted/);
    expect(() => linkBatch(model, { records, persons, personPids: pids, pairRecord: [0, 7], pairPerson: [0, 0] })).toThrow(/index/);
    expect(() => linkBatch(model, { records, persons, personPids: pids, pairRecord: [0], pairPerson: [0, 1] })).toThrow(/length/);
  });
});
