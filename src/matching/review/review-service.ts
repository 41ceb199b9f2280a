// Clerical review: the record beside each candidate (fields compared afresh with the active model,
// differing ones marked), and a clerk's decision — link to a person or a new person — which is
// stored with the labelled pairs it yields for re-estimation, replaces the model's decision (kept
// in link_result_history) and is applied to the population database at once.
import type pg from 'pg';
import type { FeedKind, PersonRole } from '../../adapters/index.js';
import { audit } from '../../audit/audit-log.js';
import { coversDivision, type Principal } from '../../auth/principal.js';
import { appError } from '../../errors.js';
import { applyDecisions } from '../apply/apply-decisions.js';
import { comparePairs, FLAG_VERIFIED_IDS_DIFFER, PERSON_COMPARISONS } from '../compare-pairs.js';
import { explainVector, matchProbability, scoreVectors, type FieldExplanation, type Model } from '../fellegi-sunter.js';
import { toSourceRecord } from '../link-run.js';
import { resultWithRecordSql, toLinkResult, type LinkResult, type LinkResultRow } from '../link-results.js';
import { loadActiveModel } from '../model-store.js';
import { preparePerson, type PersonMatchRow, type PreparedRecord } from '../record.js';
import { stagePersons } from '../stage-records.js';
import { lockLinkingSql } from '../sql/results-sql.js';
import type { Sql } from '../sql/sql.js';

type DecisionRow = LinkResultRow & {
  explanation: { candidates: { pid: string; fields: FieldExplanation[] }[]; excluded?: { pid: string; fields: FieldExplanation[] }[] };
  record: unknown | null;
  agency_division: string | null;
  raw_ids: Partial<Record<PersonRole, string | null>>;
};

interface PersonViewRow extends PersonMatchRow {
  pid: string;
  status: number;
}

export interface ComparedField extends FieldExplanation {
  /** The values disagree at this field (any level below full agreement; never for a missing value). */
  differs: boolean;
}

export interface ReviewCandidate {
  pid: string;
  probability: number;
  matchWeight: number;
  /** Why a hard rule keeps this candidate from being linked, if one does. */
  excluded: string | null;
  person: { name: string; idNumber: string | null; sex: number | null; birthDate: string | null; hukouDivision: string | null; residenceDivision: string | null; phone: string | null; status: number };
  fields: ComparedField[];
}

export interface ReviewView {
  result: LinkResult;
  record: { name: string | null; idNumber: string | null; sex: number | string | null; birthDate: string | null; divisions: string[]; phone: string | null };
  candidates: ReviewCandidate[];
}

const personsSql = (pids: string[]): Sql => ({
  text: `SELECT pid, id_number, name, name_norm, name_pinyin, sex, birth_date, hukou_division, residence_division, phone, status
         FROM persons WHERE pid = ANY($1::text[])`,
  values: [pids],
});

function visible(who: Principal, row: LinkResultRow): boolean {
  if (who.role !== 'admin' && who.role !== 'county' && who.role !== 'township') return false;
  return coversDivision(who, row.division);
}

async function loadItem(db: pg.Pool | pg.PoolClient, who: Principal, id: number, lock: boolean): Promise<DecisionRow> {
  const row = (await db.query<DecisionRow>(resultWithRecordSql(id, lock))).rows[0];
  if (!row || !visible(who, row)) throw appError('YPQ_NOT_FOUND', `review item ${id}`);
  return row;
}

function preparedOf(row: DecisionRow): PreparedRecord & { input: ReviewView['record'] } {
  if (!row.record) throw appError('YPQ_REVIEW_STATE', String(row.id), 'about a record version a correction has superseded');
  const [source] = [toSourceRecord({ ...row, feed: row.feed as FeedKind, record: row.record })];
  const staged = stagePersons([source]).find((s) => s.role === row.role);
  if (!staged) throw appError('YPQ_NOT_FOUND', `role ${row.role} in record ${row.record_id}`);
  const i = staged.input;
  return {
    ...staged.prepared,
    input: {
      name: i.name ?? null, idNumber: i.idNumber ?? null, sex: i.sex ?? null,
      birthDate: i.birthDate ? String(i.birthDate) : null, divisions: [...staged.prepared.divisions], phone: i.phone ?? null,
    },
  };
}

/** Compares the record's person with each person afresh (the register may have changed since the decision). */
function compare(model: Model, record: PreparedRecord, persons: PersonViewRow[]): ReviewCandidate[] {
  const prepared = persons.map((p) => preparePerson(p));
  const idx = Uint32Array.from(persons, (_, i) => i);
  const c = comparePairs([record], prepared, new Uint32Array(persons.length), idx);
  const weights = scoreVectors(model, c.vectors, c.tf);
  return persons.map((p, i) => ({
    pid: p.pid,
    probability: matchProbability(weights[i]),
    matchWeight: Math.round(weights[i] * 1e4) / 1e4,
    excluded: c.flags[i] & FLAG_VERIFIED_IDS_DIFFER ? 'verified-ids-differ' : null,
    person: {
      name: p.name, idNumber: p.id_number, sex: p.sex, birthDate: p.birth_date ? String(p.birth_date) : null,
      hukouDivision: p.hukou_division, residenceDivision: p.residence_division, phone: p.phone, status: p.status,
    },
    fields: explainVector(model, c.vectors, i, c.tf).map((f, k) => ({ ...f, differs: c.vectors[i * PERSON_COMPARISONS.length + k] > 0 })),
  })).sort((a, b) => b.matchWeight - a.matchWeight);
}

function candidatePids(row: DecisionRow): string[] {
  return [...new Set([...row.explanation.candidates, ...(row.explanation.excluded ?? [])].map((c) => c.pid))];
}

export async function reviewItem(pool: pg.Pool, who: Principal, id: number): Promise<ReviewView> {
  const row = await loadItem(pool, who, id, false);
  const record = preparedOf(row);
  const persons = (await pool.query<PersonViewRow>(personsSql(candidatePids(row)))).rows;
  const view: ReviewView = { result: toLinkResult(row), record: record.input, candidates: compare(await loadActiveModel(pool), record, persons) };
  await audit(pool, who, { action: 'read', objectType: 'review_item', objectId: String(id), purpose: 'clerical review', detail: { candidates: persons.length } });
  return view;
}

export interface ReviewDecision {
  pid?: string;
  new?: boolean;
  note?: string;
}

/** Level indexes of a stored explanation's fields (−1 missing): a labelled pair for estimateM. */
function levelsOf(fields: FieldExplanation[]): number[] {
  return PERSON_COMPARISONS.map((c) => {
    const f = fields.find((x) => x.field === c.name);
    return !f || f.level === 'missing' ? -1 : c.levels.indexOf(f.level);
  });
}

export async function decideReview(pool: pg.Pool, who: Principal, id: number, d: ReviewDecision): Promise<LinkResult> {
  if ((d.pid === undefined) === (d.new !== true)) throw appError('YPQ_VALIDATION', 'give either pid (link to that person) or new: true');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // A decision changes persons as a batch does: it waits for a batch being linked to finish.
    await client.query(lockLinkingSql());
    const row = await loadItem(client, who, id, true);
    if (row.status !== 'review') throw appError('YPQ_REVIEW_STATE', String(id), `${row.status} already (decided by ${row.decided_by})`);
    const record = preparedOf(row);
    const model = await loadActiveModel(client);
    const shown = row.explanation.candidates.map((c) => ({ pid: c.pid, levels: levelsOf(c.fields) }));
    let score = row.score;
    if (d.pid) {
      const person = (await client.query<PersonViewRow>(personsSql([d.pid]))).rows[0];
      if (!person) throw appError('YPQ_NOT_FOUND', `person ${d.pid}`);
      const [cmp] = compare(model, record, [person]);
      if (cmp.excluded) throw appError('YPQ_LINK_REFUSED', d.pid, "the record's ID number and the person's are both valid and differ");
      score = cmp.probability;
      if (!shown.some((c) => c.pid === d.pid)) {
        const v = comparePairs([record], [preparePerson(person)], [0], [0]).vectors;
        shown.push({ pid: d.pid, levels: Array.from(v) });
      }
    }
    const pairs = shown.map((c) => ({ ...c, match: c.pid === d.pid }));
    await client.query(
      `INSERT INTO link_result_history (result_id, status, pid, score, rule, model_id, decided_at, decided_by, replaced_by)
       SELECT id, status, pid, score, rule, model_id, decided_at, decided_by, $2 FROM link_results WHERE id = $1`,
      [id, who.sub],
    );
    const status = d.pid ? 'linked' : 'new';
    const { rows } = await client.query<LinkResultRow>(
      `UPDATE link_results SET status = $2, pid = $3, score = $4, rule = 'clerk', decided_by = $5, decided_at = now()
       WHERE id = $1 RETURNING *, true AS current`,
      [id, status, d.pid ?? null, score, who.sub],
    );
    await client.query(
      `INSERT INTO review_decisions (result_id, decision, pid, decided_by, unit, note, pairs) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, d.pid ? 'link' : 'new', d.pid ?? null, who.sub, who.unit, d.note ?? null, JSON.stringify(pairs)],
    );
    await applyDecisions(client, [{
      agency: row.agency, feed: row.feed as FeedKind, recordId: row.record_id, version: row.version, role: row.role as PersonRole,
      status, pid: d.pid ?? null, record: row.record,
    }], `review:${who.sub}`);
    const after = (await client.query<LinkResultRow>(`SELECT *, true AS current FROM link_results WHERE id = $1`, [id])).rows[0] ?? rows[0];
    await audit(client, who, { action: 'decide', objectType: 'review_item', objectId: String(id), purpose: 'clerical review', detail: { decision: status, pid: d.pid ?? null } });
    await client.query('COMMIT');
    return toLinkResult(after);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
