// One population row → one line of the normalised scratch table (population-sql.ts, createNormSql),
// by the src/normalise rules themselves: there is no second, SQL copy of them to keep in step.
// Columns with few distinct values (codes, dates, divisions) and names are worked out once per
// distinct value and remembered; ID and phone numbers, nearly one per row, per row. PostgreSQL
// then only stores the rows and does what needs the whole set (family links, comparing with the
// stored persons, keys and indexes).
//
// Duplicates are found here too, in file order, and so is a re-import's no-change path: a row
// whose hash (rowHash) equals the one its person carries (migration 009) is the row that person
// was set from, so it is not sent at all; an ID_SUSPECT warning is all it still produces.
import { cleanIdNumber, parseIdNumber, parsePhone, toAscii } from '../normalise/index.js';
import type { Parsed } from '../reference/dictionary.js';
import type { Finding } from '../reference/csv-stage.js';
import { POPULATION_DICTIONARY, POPULATION_FIELDS } from './person-fields.js';
import { nameForms, type NameForms } from './person-names.js';
import { rowHash } from './row-hash.js';

/** The contract keys in the order rows are given to PopulationRows.add. */
export const ROW_KEYS = POPULATION_FIELDS.map((f) => f.key);
const at = Object.fromEntries(ROW_KEYS.map((k, i) => [k, i])) as Record<string, number>;

/** Columns of the normalised table, in line order. */
export const NORM_COLUMNS = [
  'row_no', 'record_key', 'pid', 'id_number', 'id_suspect', 'name', 'name_norm', 'name_pinyin', 'sex', 'birth_date',
  'ethnicity', 'hukou_division', 'residence_division', 'marital_status', 'phone', 'status', 'spouse_pid', 'mother_pid',
  'father_pid', 'import_hash', 'errors',
] as const;

/** A person as stored, for a re-import's comparison. */
export interface StoredPerson {
  hash: string;
  suspect: boolean;
}

/** Blanks a key column may carry around it (as reference/import-sql.ts trimmedKey). */
const KEY_BLANKS = new Set([0x20, 0x09, 0x0d, 0x0a, 0x3000]);

export function trimKey(v: string | null): string | null {
  if (v === null) return null;
  let a = 0;
  let b = v.length;
  while (a < b && KEY_BLANKS.has(v.charCodeAt(a))) a++;
  while (b > a && KEY_BLANKS.has(v.charCodeAt(b - 1))) b--;
  return a === b ? null : a === 0 && b === v.length ? v : v.slice(a, b);
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** A value in COPY text format. */
function copyText(v: string | null): string {
  if (v === null) return '\\N';
  if (!/[\\\t\n\r]/.test(v)) return v;
  return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

// Phone separators and full-width forms as parsePhone (codes.ts) strips them: what is left of a
// blank-looking value decides whether it is absent (nothing left) or wrong.
const PHONE_SEPARATORS = /[\s()\-–—]+/g;

type Problem = [code: string, message: string];

export class PopulationRows {
  private readonly dictionaries = POPULATION_DICTIONARY.map((d) => ({ column: d.column, index: at[d.column], parse: d.parse, seen: new Map<string, Parsed | null>() }));
  /** Where each dictionary column's value is in the line. */
  private readonly slot = Object.fromEntries(this.dictionaries.map((d, i) => [d.column, i])) as Record<string, number>;
  private readonly names = new Map<string, NameForms>();
  /** pid → the first row of the file that has it. */
  private readonly seen = new Map<string, number>();
  /** Rows left out as unchanged. */
  skipped = 0;
  /** ID_SUSPECT warnings of the rows left out as unchanged. */
  readonly findings: Finding[] = [];

  /**
   * @param seed rowHashSeed() of the file
   * @param stored a re-import's stored persons that carry a hash (empty for a first load)
   */
  constructor(
    private readonly seed: string,
    private readonly stored: ReadonlyMap<string, StoredPerson> = new Map(),
  ) {}

  private dictionary(d: (typeof this.dictionaries)[number], raw: string): Parsed | null {
    let p = d.seen.get(raw);
    if (p === undefined) {
      // A blank value is absent, not wrong: no value, no error.
      p = toAscii(raw).trim() === '' ? null : d.parse(raw);
      d.seen.set(raw, p);
    }
    return p;
  }

  private name(raw: string): NameForms {
    let f = this.names.get(raw);
    if (f === undefined) {
      f = nameForms(raw);
      this.names.set(raw, f);
    }
    return f;
  }

  /**
   * The normalised line of one row (values in ROW_KEYS order, null for an empty field), or ''
   * when the row is unchanged since the last import of its person.
   */
  add(rowNo: number, v: (string | null)[]): string {
    const recordKey = trimKey(v[at.pid]);
    const pid = recordKey !== null && (recordKey.length <= 64 || codePoints(recordKey) <= 64) ? recordKey : null;
    const hash = rowHash(this.seed, v);
    let problems: Record<string, Problem> | null = null;
    const problem = (field: string, code: string, message: string) => ((problems ??= {})[field] = [code, message]);

    if (recordKey === null) problem('pid', 'PID_MISSING', 'the person has no 人员编号 (pid)');
    else if (pid === null) problem('pid', 'PID_FORMAT', 'the pid is longer than 64 characters');
    else {
      const first = this.seen.get(pid);
      if (first !== undefined) {
        problem('pid', 'PID_DUPLICATE', `pid ${pid} already appears on row ${first}; this later row is not loaded`);
      } else {
        this.seen.set(pid, rowNo);
        const before = this.stored.get(pid);
        if (before !== undefined && before.hash === hash) {
          this.skipped++;
          if (before.suspect) this.findings.push(suspectWarning(rowNo, pid));
          return '';
        }
      }
    }

    let idNumber: string | null = null;
    let suspect = false;
    const idRaw = v[at.id_number];
    if (idRaw !== null && cleanIdNumber(idRaw) !== '') {
      const id = parseIdNumber(idRaw);
      if (id.ok) {
        idNumber = id.id.value;
        suspect = id.id.status === 'suspect';
      } else problem('id_number', id.code, id.message);
    }

    const nameRaw = v[at.name];
    let name: NameForms | null = null;
    if (nameRaw === null) problem('name', 'NAME_MISSING', 'the person has no 姓名 (name)');
    else {
      name = this.name(nameRaw);
      if (name.code !== null) problem('name', name.code, name.message!);
    }

    const codes: (string | null)[] = [];
    for (const d of this.dictionaries) {
      const raw = v[d.index];
      const p = raw === null ? null : this.dictionary(d, raw);
      if (p === null) codes.push(null);
      else if (p.ok) codes.push(p.value);
      else {
        codes.push(null);
        problem(d.column, p.code, p.message);
      }
    }
    const code = (column: string) => codes[this.slot[column]];

    let phone: string | null = null;
    const phoneRaw = v[at.phone];
    if (phoneRaw !== null) {
      const p = parsePhone(phoneRaw);
      if (p.ok) phone = p.value;
      else if (toAscii(phoneRaw).replace(PHONE_SEPARATORS, '') !== '') {
        problem('phone', 'PHONE_FORMAT', 'not a phone number (11-digit mobile, or a landline with its area code)');
      }
    }

    // A loaded row's ID_SUSPECT warning comes from the table (suspectIdWarningsSql), after the checks there.
    return [
      String(rowNo), copyText(recordKey), copyText(pid), copyText(idNumber), suspect ? 't' : 'f',
      copyText(name?.name ?? ''), copyText(name?.norm ?? ''), copyText(name?.pinyin ?? ''),
      copyText(code('sex')), copyText(code('birth_date')), copyText(code('ethnicity')), copyText(code('hukou_division')),
      copyText(code('residence_division')), copyText(code('marital_status')), copyText(phone), copyText(code('status')),
      copyText(trimKey(v[at.spouse_pid])), copyText(trimKey(v[at.mother_pid])), copyText(trimKey(v[at.father_pid])),
      hash, problems === null ? '\\N' : copyText(JSON.stringify(problems)),
    ].join('\t') + '\n';
  }
}

function suspectWarning(row: number, pid: string): Finding {
  return {
    row, field: 'id_number', code: 'ID_SUSPECT', severity: 'warning', recordKey: pid,
    message: 'the check digit or the embedded birth date is wrong; kept, marked suspect (not used as a key)',
  };
}
