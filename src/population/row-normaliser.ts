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

/**
 * A string that does not hold on to the text it was cut from. V8 makes a slice of 13 or more
 * characters a view into its parent (here, a megabyte of the file); a million pids kept as
 * views would keep the whole file alive, and the garbage collector busy walking it.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : s.slice(0, 12) + s.slice(12);
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
const PHONE_FORMAT = 'not a phone number (11-digit mobile, or a landline with its area code)';

type Problems = Record<string, [code: string, message: string]>;

/** A distinct value's outcome: its text in the line (COPY format), or what is wrong with it. */
interface Outcome {
  text: string;
  code: string | null;
  message: string | null;
}

interface Dictionary {
  column: string;
  /** Where the column is in ROW_KEYS. */
  at: number;
  parse: (raw: string) => Parsed;
  seen: Map<string, Outcome>;
  /** Runs of one value are common (status, sex): the last outcome is checked first. */
  lastRaw: string | null;
  last: Outcome | null;
}

const ABSENT: Outcome = { text: '\\N', code: null, message: null };

/**
 * The rules, per row. A line it makes starts with a tab: the row number goes in front of it
 * (PopulationRows, on the main thread, numbers the rows of all workers in file order).
 */
export class RowNormaliser {
  private readonly dictionaries: Dictionary[] = POPULATION_DICTIONARY.map((d) => ({
    column: d.column, at: at[d.column], parse: d.parse, seen: new Map(), lastRaw: null, last: null,
  }));
  /** Distinct names: name, name_norm and name_pinyin as line text, or the name's problem. */
  private readonly names = new Map<string, Outcome>();
  /** Of the last row: its pid (null when missing or too long) and hash. */
  pid: string | null = null;
  hash = '';

  /** @param seed rowHashSeed() of the file */
  constructor(private readonly seed: string) {}

  private dictionary(d: Dictionary, raw: string): Outcome {
    if (raw === d.lastRaw) return d.last!;
    let o = d.seen.get(raw);
    if (o === undefined) {
      // A blank value is absent, not wrong: no value, no error.
      const p = toAscii(raw).trim() === '' ? null : d.parse(raw);
      o = p === null ? ABSENT : p.ok ? { text: copyText(p.value), code: null, message: null } : { text: '\\N', code: p.code, message: p.message };
      d.seen.set(raw, o);
    }
    d.lastRaw = raw;
    d.last = o;
    return o;
  }

  private name(raw: string): Outcome {
    let o = this.names.get(raw);
    if (o === undefined) {
      const f: NameForms = nameForms(raw);
      o = { text: `${copyText(f.name)}\t${copyText(f.norm)}\t${copyText(f.pinyin)}`, code: f.code, message: f.message };
      this.names.set(raw, o);
    }
    return o;
  }

  /**
   * Reads a row's pid and hash into this.pid and this.hash. `fields` are the file's, `columnOf`
   * says where each of ROW_KEYS is among them (-1: not in the file); a field is null when empty.
   */
  key(fields: (string | null)[], columnOf: number[]): void {
    const recordKey = trimKey(field(fields, columnOf, at.pid));
    this.pid = recordKey !== null && (recordKey.length <= 64 || codePoints(recordKey) <= 64) ? recordKey : null;
    this.hash = rowHash(this.seed, fields, columnOf);
  }

  /** The normalised line of the row key() was last given, without its row number. */
  line(fields: (string | null)[], columnOf: number[]): string {
    const recordKey = trimKey(field(fields, columnOf, at.pid));
    const pid = this.pid;
    let problems: Problems | null = null;
    if (recordKey === null) (problems ??= {}).pid = ['PID_MISSING', 'the person has no 人员编号 (pid)'];
    else if (pid === null) (problems ??= {}).pid = ['PID_FORMAT', 'the pid is longer than 64 characters'];

    let idText = '\\N';
    let suspect = false;
    const idRaw = field(fields, columnOf, at.id_number);
    if (idRaw !== null && cleanIdNumber(idRaw) !== '') {
      const id = parseIdNumber(idRaw);
      if (id.ok) {
        idText = id.id.value; // digits and X only
        suspect = id.id.status === 'suspect';
      } else (problems ??= {}).id_number = [id.code, id.message];
    }

    const nameRaw = field(fields, columnOf, at.name);
    let nameText = '\t\t';
    if (nameRaw === null) (problems ??= {}).name = ['NAME_MISSING', 'the person has no 姓名 (name)'];
    else {
      const n = this.name(nameRaw);
      nameText = n.text;
      if (n.code !== null) (problems ??= {}).name = [n.code, n.message!];
    }

    let codes = '';
    let statusText = '';
    for (const d of this.dictionaries) {
      const raw = field(fields, columnOf, d.at);
      const o = raw === null ? ABSENT : this.dictionary(d, raw);
      if (o.code !== null) (problems ??= {})[d.column] = [o.code, o.message!];
      if (d.column === 'status') statusText = o.text;
      else codes += `\t${o.text}`;
    }

    let phoneText = '\\N';
    const phoneRaw = field(fields, columnOf, at.phone);
    if (phoneRaw !== null) {
      const p = parsePhone(phoneRaw);
      if (p.ok) phoneText = p.value; // digits only
      else if (toAscii(phoneRaw).replace(PHONE_SEPARATORS, '') !== '') (problems ??= {}).phone = ['PHONE_FORMAT', PHONE_FORMAT];
    }

    // A loaded row's ID_SUSPECT warning comes from the table (suspectIdWarningsSql), after the checks there.
    return `\t${copyText(recordKey)}\t${copyText(pid)}\t${idText}\t${suspect ? 't' : 'f'}\t${nameText}${codes}\t${phoneText}\t${statusText}` +
      `\t${copyText(trimKey(field(fields, columnOf, at.spouse_pid)))}\t${copyText(trimKey(field(fields, columnOf, at.mother_pid)))}` +
      `\t${copyText(trimKey(field(fields, columnOf, at.father_pid)))}\t${this.hash}\t${problems === null ? '\\N' : copyText(JSON.stringify(problems))}\n`;
  }
}

/**
 * What becomes of a row, decided in file order: loaded; skipped, unchanged since the last import
 * of its person (not sent); or a pid an earlier row already has (sent with PID_DUPLICATE, see
 * PopulationRows.firstRow).
 */
export type Fate = 'load' | 'skip' | 'duplicate';

/** The decisions that need the rows in file order: repeated pids, and a re-import's unchanged rows. */
export class PopulationRows {
  /** pid → the first row of the file that has it. */
  private readonly seen = new Map<string, number>();
  /** Of the last Duplicate: the row that had the pid first. */
  firstRow = 0;
  /** Rows left out as unchanged. */
  skipped = 0;
  /** ID_SUSPECT warnings of the rows left out as unchanged. */
  readonly findings: Finding[] = [];

  /** @param stored a re-import's stored persons that carry a hash (empty for a first load) */
  constructor(private readonly stored: ReadonlyMap<string, StoredPerson> = new Map()) {}

  /** Whether some row may be skipped as unchanged. */
  get mayskip(): boolean {
    return this.stored.size > 0;
  }

  /** @param pid the row's valid pid (null when missing or too long: such a row is rejected anyway) */
  fate(rowNo: number, pid: string | null, hash: string): Fate {
    if (pid === null) return 'load';
    const first = this.seen.get(pid);
    if (first !== undefined) {
      this.firstRow = first;
      return 'duplicate';
    }
    this.seen.set(ownCopy(pid), rowNo);
    const before = this.stored.get(pid);
    if (before === undefined || before.hash !== hash) return 'load';
    this.skipped++;
    if (before.suspect) this.findings.push(suspectWarning(rowNo, pid));
    return 'skip';
  }
}

/** A line (RowNormaliser.line) with PID_DUPLICATE added to its errors. */
export function withDuplicate(line: string, pid: string, firstRow: number): string {
  const cut = line.lastIndexOf('\t', line.length - 2);
  const errors = line.slice(cut + 1, -1);
  const problems: Problems = errors === '\\N' ? {} : JSON.parse(errors.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c));
  problems.pid = ['PID_DUPLICATE', `pid ${pid} already appears on row ${firstRow}; this later row is not loaded`];
  return `${line.slice(0, cut + 1)}${copyText(JSON.stringify(problems))}\n`;
}

/** The row's value of ROW_KEYS[k] (a function, not a closure per row: this runs a million times). */
function field(fields: (string | null)[], columnOf: number[], k: number): string | null {
  const c = columnOf[k];
  return c < 0 ? null : fields[c];
}

function suspectWarning(row: number, pid: string): Finding {
  return {
    row, field: 'id_number', code: 'ID_SUSPECT', severity: 'warning', recordKey: pid,
    message: 'the check digit or the embedded birth date is wrong; kept, marked suspect (not used as a key)',
  };
}
