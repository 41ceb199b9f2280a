// One population row → one line of COPY text: of persons on a first load, else of the normalised
// scratch table (population-sql.ts createNormSql) — by the src/normalise rules themselves, with no
// second, SQL copy of them to keep in step. Columns with few distinct values (codes, dates,
// divisions) and names are worked out once per distinct value and remembered; ID and phone
// numbers, nearly one per row, per row. PostgreSQL then stores the rows and does what needs the
// stored set (comparing with the stored persons, history, keys and indexes).
//
// What needs the rows in file order (repeated pids, a re-import's unchanged rows, a first load's
// links) is decided in file-order.ts.
import { cleanIdNumber, parseIdNumber, parsePhone, toAscii } from '../normalise/index.js';
import type { Parsed } from '../reference/dictionary.js';
import { POPULATION_DICTIONARY, POPULATION_FIELDS } from './person-fields.js';
import { nameForms, type NameForms } from './person-names.js';
import { rowHash } from './row-hash.js';

/** The contract keys in the order rows are given to PopulationRows.add. */
export const ROW_KEYS = POPULATION_FIELDS.map((f) => f.key);
const at = Object.fromEntries(ROW_KEYS.map((k, i) => [k, i])) as Record<string, number>;

/** Columns of persons a first load writes, in RowNormaliser.personsLine order. */
export const PERSONS_COLUMNS = [
  'pid', 'id_number', 'id_suspect', 'name', 'name_norm', 'name_pinyin', 'sex', 'birth_date', 'ethnicity', 'hukou_division',
  'residence_division', 'marital_status', 'phone', 'status', 'created_run', 'import_hash',
] as const;

/** Columns of the normalised table, in line order. */
export const NORM_COLUMNS = [
  'row_no', 'record_key', 'pid', 'id_number', 'id_suspect', 'name', 'name_norm', 'name_pinyin', 'sex', 'birth_date',
  'ethnicity', 'hukou_division', 'residence_division', 'marital_status', 'phone', 'status', 'spouse_pid', 'mother_pid',
  'father_pid', 'import_hash', 'errors',
] as const;


/** Between a row's three links in RowNormaliser.links (a pid holds no NUL: plain-csv refuses it, PostgreSQL too). */
export const LINK_SEPARATOR = '\u0001';

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
export function copyText(v: string | null): string {
  if (v === null) return '\\N';
  if (!/[\\\t\n\r]/.test(v)) return v;
  return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

// Phone separators and full-width forms as parsePhone (codes.ts) strips them: what is left of a
// blank-looking value decides whether it is absent (nothing left) or wrong.
const PHONE_SEPARATORS = /[\s()\-–—]+/g;
const PHONE_FORMAT = 'not a phone number (11-digit mobile, or a landline with its area code)';

export type Problems = Record<string, [code: string, message: string]>;

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
  /** While a column has few distinct values, comparing them beats hashing a fresh string. */
  fewRaw: string[];
  few: Outcome[];
}

const FEW = 12;

const ABSENT: Outcome = { text: '\\N', code: null, message: null };

/**
 * The rules, per row. A line it makes starts with a tab: the row number goes in front of it
 * (PopulationRows, on the main thread, numbers the rows of all workers in file order).
 */
export class RowNormaliser {
  private readonly dictionaries: Dictionary[] = POPULATION_DICTIONARY.map((d) => ({
    column: d.column, at: at[d.column], parse: d.parse, seen: new Map(), lastRaw: null, last: null, fewRaw: [], few: [],
  }));
  /** Distinct names: name, name_norm and name_pinyin as line text, or the name's problem. */
  private readonly names = new Map<string, Outcome>();
  /** Of the last row: its pid (null when missing or too long) and hash. */
  pid: string | null = null;
  hash = '';
  /** Of the last line: whether the row has no error, and its links (spouse, mother, father) as LINK_SEPARATOR-joined text. */
  good = false;
  links = '';

  /** @param seed rowHashSeed() of the file */
  constructor(private readonly seed: string) {}

  private dictionary(d: Dictionary, raw: string): Outcome {
    if (raw === d.lastRaw) return d.last!;
    let o: Outcome | undefined;
    if (d.fewRaw.length <= FEW) {
      const i = d.fewRaw.indexOf(raw);
      if (i >= 0) o = d.few[i];
    } else o = d.seen.get(raw);
    if (o === undefined) {
      // A blank value is absent, not wrong: no value, no error.
      const p = toAscii(raw).trim() === '' ? null : d.parse(raw);
      o = p === null ? ABSENT : p.ok ? { text: copyText(p.value), code: null, message: null } : { text: '\\N', code: p.code, message: p.message };
      d.seen.set(raw, o);
      if (d.fewRaw.length <= FEW) {
        d.fewRaw.push(raw);
        d.few.push(o);
      }
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

  /** Of the last row computed: its parts as line text (COPY format), and its problems. */
  private recordKey: string | null = null;
  private idText = '\\N';
  suspect = false;
  private nameText = '\t\t';
  private readonly dictText: string[] = POPULATION_DICTIONARY.map(() => '\\N');
  private phoneText = '\\N';
  private linksText = '\\N\t\\N\t\\N';
  /** The last row's errors as JSON { field: [code, message] }, or null when it has none. */
  problems: string | null = null;

  /** Applies the rules to the row key() was last given. */
  compute(fields: (string | null)[], columnOf: number[]): void {
    const recordKey = trimKey(field(fields, columnOf, at.pid));
    this.recordKey = recordKey;
    const pid = this.pid;
    let problems: Problems | null = null;
    if (recordKey === null) (problems ??= {}).pid = ['PID_MISSING', 'the person has no 人员编号 (pid)'];
    else if (pid === null) (problems ??= {}).pid = ['PID_FORMAT', 'the pid is longer than 64 characters'];

    this.idText = '\\N';
    this.suspect = false;
    const idRaw = field(fields, columnOf, at.id_number);
    if (idRaw !== null && cleanIdNumber(idRaw) !== '') {
      const id = parseIdNumber(idRaw);
      if (id.ok) {
        this.idText = id.id.value; // digits and X only
        this.suspect = id.id.status === 'suspect';
      } else (problems ??= {}).id_number = [id.code, id.message];
    }

    const nameRaw = field(fields, columnOf, at.name);
    this.nameText = '\t\t';
    if (nameRaw === null) (problems ??= {}).name = ['NAME_MISSING', 'the person has no 姓名 (name)'];
    else {
      const n = this.name(nameRaw);
      this.nameText = n.text;
      if (n.code !== null) (problems ??= {}).name = [n.code, n.message!];
    }

    for (let i = 0; i < this.dictionaries.length; i++) {
      const d = this.dictionaries[i];
      const raw = field(fields, columnOf, d.at);
      const o = raw === null ? ABSENT : this.dictionary(d, raw);
      if (o.code !== null) (problems ??= {})[d.column] = [o.code, o.message!];
      this.dictText[i] = o.text;
    }

    this.phoneText = '\\N';
    const phoneRaw = field(fields, columnOf, at.phone);
    if (phoneRaw !== null) {
      const p = parsePhone(phoneRaw);
      if (p.ok) this.phoneText = p.value; // digits only
      else if (toAscii(phoneRaw).replace(PHONE_SEPARATORS, '') !== '') (problems ??= {}).phone = ['PHONE_FORMAT', PHONE_FORMAT];
    }

    const spouse = trimKey(field(fields, columnOf, at.spouse_pid));
    const mother = trimKey(field(fields, columnOf, at.mother_pid));
    const father = trimKey(field(fields, columnOf, at.father_pid));
    this.linksText = `${copyText(spouse)}\t${copyText(mother)}\t${copyText(father)}`;
    this.links = spouse === null && mother === null && father === null ? '' : `${spouse ?? ''}${LINK_SEPARATOR}${mother ?? ''}${LINK_SEPARATOR}${father ?? ''}`;
    this.good = problems === null;
    this.problems = problems === null ? null : JSON.stringify(problems);
  }

  /** The last row computed as a line of the normalised table (NORM_COLUMNS), without its row number. */
  normLine(): string {
    const [sex, birth, ethnicity, hukou, residence, marital, status] = this.dictText;
    // A loaded row's ID_SUSPECT warning comes from the table (suspectIdWarningsSql), after the checks there.
    return `\t${copyText(this.recordKey)}\t${copyText(this.pid)}\t${this.idText}\t${this.suspect ? 't' : 'f'}\t${this.nameText}` +
      `\t${sex}\t${birth}\t${ethnicity}\t${hukou}\t${residence}\t${marital}\t${this.phoneText}\t${status}` +
      `\t${this.linksText}\t${this.hash}\t${this.problems === null ? '\\N' : copyText(this.problems)}\n`;
  }

  /**
   * The last row computed, good, as a line of persons (PERSONS_COLUMNS): a first load writes
   * persons straight away. A blank sex or status takes the column's default, as on insert.
   */
  personsLine(runId: number): string {
    const [sex, birth, ethnicity, hukou, residence, marital, status] = this.dictText;
    return `${copyText(this.pid)}\t${this.idText}\t${this.suspect ? 't' : 'f'}\t${this.nameText}` +
      `\t${sex === '\\N' ? '9' : sex}\t${birth}\t${ethnicity}\t${hukou}\t${residence}\t${marital}\t${this.phoneText}` +
      `\t${status === '\\N' ? '1' : status}\t${runId}\t${this.hash}\n`;
  }

  /** The last row's record key and problems, for rowFindings(). */
  problemsWithKey(): string {
    return `[${JSON.stringify(this.recordKey)},${this.problems ?? '{}'}]`;
  }

  /** The normalised line of the row key() was last given, without its row number. */
  line(fields: (string | null)[], columnOf: number[]): string {
    this.compute(fields, columnOf);
    return this.normLine();
  }
}

/** The row's value of ROW_KEYS[k] (a function, not a closure per row: this runs a million times). */
function field(fields: (string | null)[], columnOf: number[], k: number): string | null {
  const c = columnOf[k];
  return c < 0 ? null : fields[c];
}
