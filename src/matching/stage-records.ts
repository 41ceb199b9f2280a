// A batch's records → one prepared person per role, and the rows of the staging tables the
// blocking SQL joins against persons (src/matching/sql/blocking-sql.ts). Everything a blocking
// rule needs is computed here once (date ranges, counties, the ID repairs), so the SQL only
// compares columns with indexed expressions.
import type { FeedKind, PersonRole } from '../adapters/index.js';
import { copyEscape } from '../intake/copy-text.js';
import { cleanIdNumber } from '../normalise/id-number.js';
import { idRepairs } from './id-repair.js';
import { nameForms } from './name-cache.js';
import { personsOfRecord, recordDivision } from './feed-persons.js';
import { prepareRecord, type MatchInput, type PreparedRecord } from './record.js';

/** One stored record version to link. */
export interface SourceRecord {
  agency: string;
  feed: FeedKind;
  recordId: string;
  version: number;
  batchId: number;
  record: unknown;
  /** The sending agency's division: the fallback when the record states none. */
  agencyDivision: string | null;
  /** ID numbers as received, by role (to tell a legacy 15-digit number from a verified one). */
  rawIds?: Partial<Record<PersonRole, string | null>>;
}

export interface StagedPerson {
  /** Index into the records. */
  rec: number;
  role: PersonRole;
  input: MatchInput;
  prepared: PreparedRecord;
  /** The record's own division, else the agency's. */
  division: string | null;
  lookIn: string | null;
}

/**
 * The 15-digit number as received when the record's 18-character number is its upgrade: its
 * check digit was computed, not written, so it is no evidence (prepareId marks it upgraded).
 */
export function legacyId(raw: string | null | undefined, canonical: string | null | undefined): string | null {
  if (!raw || !canonical) return null;
  const clean = cleanIdNumber(String(raw));
  if (!/^\d{15}$/.test(clean)) return null;
  return canonical.slice(0, 6) === clean.slice(0, 6) && canonical.slice(8, 17) === clean.slice(6) ? clean : null;
}

export function stagePersons(records: readonly SourceRecord[]): StagedPerson[] {
  const out: StagedPerson[] = [];
  records.forEach((r, rec) => {
    const division = recordDivision(r.feed, r.record) ?? r.agencyDivision;
    // A record that names no place (a marriage, a prenatal exam without an address) is looked up
    // by name in the county of the agency that sent it: a civil-affairs office registers the
    // marriages of its county's residents, a hospital serves its county.
    const agencyCounty = r.agencyDivision && r.agencyDivision.length >= 6 ? r.agencyDivision.slice(0, 6) : null;
    for (const p of personsOfRecord(r.feed, r.record)) {
      const forms = p.input.name ? nameForms(p.input.name) : null;
      const idNumber = legacyId(r.rawIds?.[p.role], p.input.idNumber) ?? p.input.idNumber;
      const prepared = prepareRecord({ ...p.input, idNumber, nameNorm: forms?.norm, namePinyin: forms?.pinyin });
      out.push({ rec, role: p.role, input: p.input, prepared, division, lookIn: p.lookIn ?? agencyCounty });
    }
  });
  return out;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const iso = (y: number, m: number, d: number) => `${y}-${pad2(m)}-${pad2(d)}`;
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const N = '\\N';

/** The next string of the same length in digit order ('430124001' → '430124002'): a prefix range's end. */
export function prefixEnd(prefix: string): string {
  const digits = [...prefix];
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] !== '9') {
      digits[i] = String(Number(digits[i]) + 1);
      return digits.join('');
    }
    digits[i] = '0';
  }
  return `${prefix}:`; // all nines: ':' sorts after '9'
}

/** Column order of link_stage (blocking-sql.ts creates it). */
export const STAGE_COLUMNS = [
  'i', 'id', 'id_verified', 'name_norm', 'name_pinyin', 'surname', 'sex', 'birth', 'birth_swapped', 'month_lo', 'month_hi',
  'year_lo', 'year_hi', 'mmdd', 'county1', 'county2', 'look_lo', 'look_hi', 'lookc_lo', 'lookc_hi', 'phone',
] as const;

/** One line of COPY text for link_stage. */
export function stageLine(i: number, p: StagedPerson): string {
  const r = p.prepared;
  const t = (s: string | null | undefined) => (s ? copyEscape(s) : N);
  let dates = `${N}\t${N}\t${N}\t${N}\t${N}\t${N}\t${N}`;
  if (r.birth) {
    const y = Math.floor(r.birth / 10000), m = Math.floor(r.birth / 100) % 100, d = r.birth % 100;
    // Day and month swapped is only a different date when the day could be a month.
    const swapped = d <= 12 && d !== m ? iso(y, d, m) : null;
    const swappedOk = swapped !== null && m <= daysIn(y, d);
    dates = `${iso(y, m, d)}\t${swappedOk ? swapped : N}\t${iso(y, m, 1)}\t${iso(y, m, daysIn(y, m))}\t${iso(y, 1, 1)}\t${iso(y, 12, 31)}\t${m * 100 + d}`;
  }
  const counties = [...new Set(r.divisions.filter((c) => c.length >= 6).map((c) => c.slice(0, 6)))];
  const name = r.name;
  // The county to look in by name (round 2): of whatever division is given, a county or finer.
  const lookCounty = p.lookIn && p.lookIn.length >= 6 ? p.lookIn.slice(0, 6) : null;
  return [
    i, t(r.id?.value), r.id ? (r.id.verified ? 't' : 'f') : N, t(name?.norm), t(name?.pinyin), t(name ? [...name.norm][0] : null),
    r.sex || N, dates, t(counties[0]), t(counties[1] ?? counties[0]), t(p.lookIn), p.lookIn ? prefixEnd(p.lookIn) : N,
    t(lookCounty), lookCounty ? prefixEnd(lookCounty) : N, t(r.phone || null),
  ].join('\t') + '\n';
}

/** Lines of link_stage_repairs: the valid numbers one typing error from a suspect or legacy number. */
export function repairLines(i: number, p: StagedPerson): string {
  let out = '';
  for (const id of idRepairs(p.prepared.id)) out += `${i}\t${id}\n`;
  return out;
}
