// Reads the fields of one raw record into normalised values (src/normalise), collecting every
// problem: errors reject the record, warnings travel with it. Each message names the field
// (contract header and key), says what was found and what was expected. ID numbers, names and
// phone numbers are never quoted back: the messages are stored and shown, records are personal.
import {
  cleanIdNumber,
  cleanName,
  isRealDate,
  parseDate,
  parseDateTime,
  parseDivision,
  parseIdNumber,
  parsePhone,
  parseSex,
  type CodeResult,
} from '../../normalise/index.js';
import type { IdType, PersonRef, RecordError, Sex } from '../types.js';

export interface Document {
  idType: IdType;
  idNumber: string;
  idSuspect: boolean;
  /** What a resident ID number states about its holder (undefined for other documents). */
  stated?: { birthDate: string; sex: 1 | 2 };
}

// Letters of any script, combining marks, the middle dot cleanName produces, space, apostrophe, hyphen.
const NAME_CHARS = /^[\p{L}\p{M}·' -]+$/u;
const NAME_BAD_CHAR = /[^\p{L}\p{M}·' -]/u;

/**
 * The methods with `required: true` return '' for a missing or bad value: the error is already
 * recorded and the record will be rejected, so the placeholder never reaches a canonical record.
 */
export class FieldReader {
  readonly errors: RecordError[] = [];
  readonly warnings: RecordError[] = [];

  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly labels: ReadonlyMap<string, string>,
    /** Paths the schema check already reported. */
    private readonly skip: ReadonlySet<string>,
  ) {}

  label(field: string): string {
    return this.labels.get(field) ?? field;
  }

  fail(field: string, code: string, message: string): void {
    this.errors.push({ field, code, message: `${this.label(field)}: ${message}` });
  }

  warn(field: string, code: string, message: string): void {
    this.warnings.push({ field, code, message: `${this.label(field)}: ${message}` });
  }

  private skipped(field: string): boolean {
    if (this.skip.size === 0) return false;
    for (let i = field.indexOf('.'); i !== -1; i = field.indexOf('.', i + 1)) if (this.skip.has(field.slice(0, i))) return true;
    return this.skip.has(field);
  }

  private value(field: string): unknown {
    if (!field.includes('.')) return this.raw[field];
    let v: unknown = this.raw;
    for (const k of field.split('.')) v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined;
    return v;
  }

  /** The trimmed text of a field; null when absent or blank (an error first, when required). */
  text(field: string, required: true): string;
  text(field: string, required?: boolean): string | null;
  text(field: string, required = false): string | null {
    if (this.skipped(field)) return required ? '' : null;
    const v = this.value(field);
    const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
    if (s === '') {
      if (v !== undefined && v !== null && typeof v !== 'string') this.fail(field, 'TYPE', 'expected text');
      else if (required) this.fail(field, 'REQUIRED', 'empty; this field is required');
      return required ? '' : null;
    }
    if (s.includes('\uFFFD')) {
      this.fail(field, 'ENCODING', "holds bytes that are not valid in the file's encoding (UTF-8 or GBK): is part of the file in another encoding?");
      return required ? '' : null;
    }
    return s;
  }

  /** A code through one of the normalise parsers (sex, division, ethnicity …). */
  code<T>(field: string, parse: (s: string) => CodeResult<T>, required = false): T | null {
    const s = this.text(field, required);
    if (!s) return null;
    const r = parse(s);
    if (r.ok) return r.value;
    this.fail(field, r.code, r.message);
    return null;
  }

  /** A value from a small vocabulary (see vocabulary()); `expected` lists it for the message. */
  oneOf<T extends string>(field: string, words: ReadonlyMap<string, T>, code: string, expected: string, required: true): T;
  oneOf<T extends string>(field: string, words: ReadonlyMap<string, T>, code: string, expected: string, required?: boolean): T | null;
  oneOf<T extends string>(field: string, words: ReadonlyMap<string, T>, code: string, expected: string, required = false): T | null {
    const s = this.text(field, required);
    if (!s) return s as T | null;
    const v = words.get(s.toLowerCase()) ?? words.get(s.replace(/\s+/g, ''));
    if (v !== undefined) return v;
    this.fail(field, code, `"${s.slice(0, 20)}" is not one of ${expected}`);
    return required ? ('' as T) : null;
  }

  date(field: string, required: true): string;
  date(field: string, required?: boolean): string | null;
  date(field: string, required = false): string | null {
    const s = this.text(field, required);
    if (!s) return s;
    const r = parseDate(s);
    if (r.ok) return r.value;
    // Database exports often write a date column as a datetime ('2024-03-05 00:00:00').
    const dt = parseDateTime(s);
    if (dt.ok) return dt.value.slice(0, 10);
    this.fail(field, r.code, r.message);
    return required ? '' : null;
  }

  dateTime(field: string, required: true): string;
  dateTime(field: string, required?: boolean): string | null;
  dateTime(field: string, required = false): string | null {
    const s = this.text(field, required);
    if (!s) return s;
    const r = parseDateTime(s);
    if (r.ok) return r.value;
    this.fail(field, r.code, r.message);
    return required ? '' : null;
  }

  /** A person's name in its display form; digits or symbols in it are an error. */
  name(field: string, required: true): string;
  name(field: string, required?: boolean): string | null;
  name(field: string, required = false): string | null {
    const s = this.text(field, required);
    if (!s) return s;
    const name = cleanName(s);
    if (!NAME_CHARS.test(name) || !/\p{L}/u.test(name)) {
      const bad = NAME_BAD_CHAR.exec(name)?.[0];
      this.fail(field, 'NAME_FORMAT', bad ? `contains "${bad}", which is not part of a name (letters, · and spaces only)` : 'holds no letters');
      return required ? '' : null;
    }
    return name;
  }

  sex(field: string, required = false): Sex | null {
    return this.code(field, parseSex, required);
  }

  division(field: string, required = false): string | null {
    return this.code(field, parseDivision, required);
  }

  phone(field: string): string | null {
    const s = this.text(field);
    if (!s) return null;
    const r = parsePhone(s);
    if (r.ok) return r.value;
    this.fail(field, r.code, 'not a phone number (an 11-digit mobile number, or a landline with its area code)');
    return null;
  }

  /**
   * A document number. With no declared type, a number of 10+ digits is taken for a resident ID
   * (GB 11643) and checked as one; letters-and-digits of another shape are another document.
   * A resident ID with a wrong check digit is kept with a warning (suspect), not rejected.
   */
  document(field: string, opts: { required?: boolean; type?: IdType | null; residentOnly?: boolean } = {}): Document | null {
    const s = this.text(field, opts.required);
    if (!s) return null;
    const clean = cleanIdNumber(s);
    const type: IdType = opts.type ?? (opts.residentOnly || /^\d{10,}X?$/.test(clean) || !/^[A-Z0-9]{5,20}$/.test(clean) ? '01' : '99');
    if (type !== '01') return { idType: type, idNumber: clean, idSuspect: false };
    const r = parseIdNumber(clean);
    if (!r.ok) {
      this.fail(field, r.code, `not a resident ID number: it ${r.message}`);
      return null;
    }
    if (r.id.status === 'suspect') this.warn(field, 'ID_SUSPECT', `${r.id.reason}; the number is kept but marked suspect`);
    return { idType: '01', idNumber: r.id.value, idSuspect: r.id.status === 'suspect', stated: { birthDate: r.id.birthDate, sex: r.id.sex } };
  }

  /** Warns when a resident ID number disagrees with the birth date or sex the record states. */
  crossCheck(field: string, doc: Document | null, stated: { birthDate?: string | null; birthField?: string; sex?: Sex | null; sexSource?: string }): void {
    if (!doc?.stated) return;
    if (stated.birthDate && isRealDate(doc.stated.birthDate) && stated.birthDate !== doc.stated.birthDate) {
      this.warn(field, 'ID_BIRTH_DATE_MISMATCH', `the birth date in the number differs from ${stated.birthField ? this.label(stated.birthField) : 'the record'}`);
    }
    if ((stated.sex === 1 || stated.sex === 2) && stated.sex !== doc.stated.sex) {
      this.warn(field, 'ID_SEX_MISMATCH', `the number's 17th digit says ${doc.stated.sex === 1 ? 'male' : 'female'}, but ${stated.sexSource ?? 'the record'} says ${stated.sex === 1 ? 'male' : 'female'}`);
    }
  }
}

/** Words for each value of a vocabulary, English or Chinese: {owner: ['业主'], tenant: ['租户']}. */
export function vocabulary<T extends string>(words: Record<T, string[]>): ReadonlyMap<string, T> {
  const m = new Map<string, T>();
  for (const [value, synonyms] of Object.entries(words) as [T, string[]][]) {
    m.set(value.toLowerCase(), value);
    for (const w of synonyms) m.set(w.toLowerCase(), value);
  }
  return m;
}

/** A PersonRef from what a record gives. */
export function person(name: string | null, doc: Document | null, sex: Sex | null = null, birthDate: string | null = null): PersonRef {
  return { name, idType: doc?.idType ?? null, idNumber: doc?.idNumber ?? null, idSuspect: doc?.idSuspect ?? false, sex, birthDate };
}
