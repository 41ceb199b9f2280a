// The one shape every person is compared in, whichever side it comes from: a person in an agency
// record, or a row of the population database. Prepared once (parsing, opencc, pinyin), compared
// many times without allocating.
import { prepareId, type PreparedId } from './id-compare.js';
import { prepareName, type PreparedName } from './name-similarity.js';
import { packDate } from './date-compare.js';
import { prepareSex } from './sex-compare.js';
import { divisionNumbers, prepareDivisions } from './division-compare.js';
import { preparePhone } from './phone-compare.js';

/** What matching reads about a person. Every field may be absent. */
export interface MatchInput {
  /** A 居民身份证 number, 15 or 18 characters; leave passport and other document numbers out. */
  idNumber?: string | null;
  name?: string | null;
  /** Stored name_norm / name_pinyin of a persons row: saves recomputing them. */
  nameNorm?: string | null;
  namePinyin?: string | null;
  /** 1, 2, or 0/9 for unknown. */
  sex?: number | string | null;
  birthDate?: string | Date | null;
  /** Division codes: for a person hukou and residence; for a record whatever it states. */
  divisions?: readonly (string | null | undefined)[];
  phone?: string | null;
}

export interface PreparedRecord {
  id: PreparedId | null;
  name: PreparedName | null;
  /** yyyymmdd, 0 when missing. */
  birth: number;
  sex: 0 | 1 | 2;
  divisions: readonly string[];
  /** divisionNumbers(divisions). */
  divisionNumbers: readonly number[];
  /** Digits, '' when missing. */
  phone: string;
}

// Prepared parts are immutable and shared: a batch's hundreds of thousands of candidates repeat a
// few hundred thousand names, a few thousand divisions and tens of thousands of dates, so each
// distinct value is prepared once per process and every person holding it points at the same
// object (less work, and far fewer objects for the garbage collector to copy and trace).
// Generation-style resets keep the maps bounded without an LRU's bookkeeping.
class Memo<V> {
  private map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      v = make();
      if (this.map.size >= this.max) this.map = new Map();
      this.map.set(key, v);
    }
    return v;
  }
}

const names = new Memo<PreparedName | null>(400_000);
const computedNames = new Memo<PreparedName | null>(400_000);
const places = new Memo<Place>(50_000);
const pairedPlaces = new Map<string, Map<string, Place>>();
const dates = new Memo<number>(100_000);

interface Place {
  divisions: readonly string[];
  numbers: readonly number[];
}

// Keyed by the raw name alone (a concatenated key costs a flattening and a hash per lookup): a
// stored form is taken from the map only when it is the one asked for.
function nameOf(input: MatchInput): PreparedName | null {
  const raw = input.name;
  if (!raw) return null;
  const { nameNorm: norm, namePinyin: pinyin } = input;
  if (norm == null || pinyin == null) return computedNames.get(raw, () => prepareName(raw, { norm, pinyin }));
  const v = names.get(raw, () => prepareName(raw, { norm, pinyin }));
  return v !== null && v.norm === norm && v.pinyin === pinyin ? v : prepareName(raw, { norm, pinyin });
}

function makePlace(codes: MatchInput['divisions']): Place {
  const divisions = prepareDivisions(codes);
  return { divisions, numbers: divisionNumbers(divisions) };
}

function placesOf(codes: MatchInput['divisions']): Place {
  if (codes?.length === 2) {
    // A person's residence and household registration: a map per residence.
    const a = codes[0] ?? '', b = codes[1] ?? '';
    let inner = pairedPlaces.get(a);
    if (!inner) {
      if (pairedPlaces.size >= 50_000) pairedPlaces.clear();
      pairedPlaces.set(a, (inner = new Map()));
    }
    let v = inner.get(b);
    if (!v) inner.set(b, (v = makePlace(codes)));
    return v;
  }
  return places.get(codes ? codes.map((c) => c ?? '').join('\t') : '', () => makePlace(codes));
}

function birthOf(d: MatchInput['birthDate']): number {
  return typeof d === 'string' ? dates.get(d, () => packDate(d)) : packDate(d);
}

export function prepareRecord(input: MatchInput): PreparedRecord {
  const p = placesOf(input.divisions);
  return {
    id: prepareId(input.idNumber),
    name: nameOf(input),
    birth: birthOf(input.birthDate),
    sex: prepareSex(input.sex),
    divisions: p.divisions,
    divisionNumbers: p.numbers,
    phone: preparePhone(input.phone),
  };
}

/** A row of the persons table as node-postgres returns it (snake_case columns). */
export interface PersonMatchRow {
  id_number: string | null;
  name: string;
  name_norm?: string | null;
  name_pinyin?: string | null;
  sex: number | null;
  birth_date: string | Date | null;
  hukou_division: string | null;
  residence_division: string | null;
  phone: string | null;
}

/** Rows of candidates found for staged persons (`i`), without the ones their own record created (a relink's `exclude`). */
export function notOwn<R extends { i: number; pid: string }>(rows: R[], exclude?: ReadonlyMap<number, string>): R[] {
  return exclude?.size ? rows.filter((r) => exclude.get(r.i) !== r.pid) : rows;
}

export function preparePerson(row: PersonMatchRow): PreparedRecord {
  return prepareRecord({
    idNumber: row.id_number,
    name: row.name,
    nameNorm: row.name_norm,
    namePinyin: row.name_pinyin,
    sex: row.sex,
    birthDate: row.birth_date,
    divisions: [row.residence_division, row.hukou_division],
    phone: row.phone,
  });
}
