// The decisions about population rows that need them in file order, on the main thread (the rows
// may have been normalised by workers, block by block): a pid seen before is a duplicate; a
// re-import's row whose hash (row-hash.ts) a person carries (migration 009) is the row that
// person was set from, so it is not sent at all, and an ID_SUSPECT warning is all it still
// produces; a first load's family links, worked out once every person is known.
import type { Finding } from '../reference/csv-stage.js';
import { copyText, LINK_SEPARATOR, type Problems } from './row-normaliser.js';

const RELATION_KINDS = ['spouse', 'mother', 'father'] as const;

/**
 * What a re-import compares with: the hashes persons carry, and which of those persons have a
 * suspect ID number (their rows still warn). A row's hash covers its pid, so a row whose hash is
 * among them is the very row its person was set from.
 */
export interface StoredRows {
  hashes: ReadonlySet<string>;
  suspect: ReadonlySet<string>;
}

export const NOTHING_STORED: StoredRows = { hashes: new Set(), suspect: new Set() };

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

  /** @param stored a re-import's stored hashes (none for a first load) */
  constructor(private readonly stored: StoredRows = NOTHING_STORED) {}

  /** Whether a person of this pid is loaded from the file (its first row is good). */
  loaded(pid: string): boolean {
    return (this.seen.get(pid) ?? -1) > 0;
  }

  /** Whether some row may be skipped as unchanged. */
  get mayskip(): boolean {
    return this.stored.hashes.size > 0;
  }

  /**
   * @param pid the row's valid pid (null when missing or too long: such a row is rejected anyway),
   *   kept: not a view into a large text (see ownCopy)
   * @param good whether the row has no error (RowNormaliser.good)
   */
  fate(rowNo: number, pid: string | null, hash: string, good: boolean): Fate {
    if (pid === null) return 'load';
    const first = this.seen.get(pid);
    if (first !== undefined) {
      this.firstRow = Math.abs(first);
      return 'duplicate';
    }
    // The first row with a pid is its person's: negative when that row is rejected.
    this.seen.set(pid, good ? rowNo : -rowNo);
    if (!this.stored.hashes.has(hash)) return 'load';
    this.skipped++;
    if (this.stored.suspect.has(pid)) this.findings.push(suspectWarning(rowNo, pid));
    return 'skip';
  }
}

/**
 * A first load's family links, made here rather than looked up in the database: every person the
 * links can name is a good row of this file (PopulationRows saw them all). Rows and links arrive
 * in file order; the links go to person_relations by COPY, and a link that cannot be made is a
 * warning, in the words of population-sql.ts RELATION_WARNING (re-imports).
 */
export class FirstLoadLinks {
  private readonly rows: number[] = [];
  private readonly pids: string[] = [];
  private readonly links: string[] = [];

  constructor(private readonly persons: PopulationRows) {}

  /** A loaded good row's links (RowNormaliser.links; '' for none). */
  add(rowNo: number, pid: string, links: string): void {
    if (links === '') return;
    this.rows.push(rowNo);
    this.pids.push(pid);
    this.links.push(links);
  }

  /** The links that cannot be made (filled as copyLines() runs). */
  readonly findings: Finding[] = [];

  /** The links as COPY text of person_relations (pid, kind, related_pid, source), in chunks. */
  *copyLines(source: string): Generator<string> {
    const src = copyText(source);
    let chunk = '';
    for (let i = 0; i < this.rows.length; i++) {
      const pid = this.pids[i];
      const targets = this.links[i].split(LINK_SEPARATOR);
      for (let k = 0; k < 3; k++) {
        const target = targets[k];
        if (target === '') continue;
        const kind = RELATION_KINDS[k];
        if (target === pid) {
          this.findings.push({ row: this.rows[i], field: `${kind}_pid`, code: 'RELATION_SELF', severity: 'warning', recordKey: pid,
            message: `${kind}_pid is the person's own pid; the link is left out` });
        } else if (this.persons.loaded(target)) {
          chunk += `${copyText(pid)}\t${kind}\t${copyText(target)}\t${src}\n`;
        } else {
          this.findings.push({ row: this.rows[i], field: `${kind}_pid`, code: 'RELATION_UNKNOWN', severity: 'warning', recordKey: pid,
            message: `${kind}_pid ${[...target].slice(0, 64).join('')} is neither in this file nor in the population database; the person is loaded without this link` });
        }
      }
      if (chunk.length > 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
}

/** A rejected row's findings: its problems (RowNormaliser.problemsWithKey), and PID_DUPLICATE when it repeats a pid. */
export function rowFindings(row: number, withKey: string, duplicate: { pid: string; firstRow: number } | null): Finding[] {
  const [recordKey, problems] = JSON.parse(withKey) as [string | null, Problems];
  if (duplicate) problems.pid = duplicateProblem(duplicate.pid, duplicate.firstRow);
  return Object.entries(problems).map(([field, [code, message]]) => ({ row, field, code, message, severity: 'error' as const, recordKey }));
}

const duplicateProblem = (pid: string, firstRow: number): [string, string] =>
  ['PID_DUPLICATE', `pid ${pid} already appears on row ${firstRow}; this later row is not loaded`];

/** A line (RowNormaliser.line) with PID_DUPLICATE added to its errors. */
export function withDuplicate(line: string, pid: string, firstRow: number): string {
  const cut = line.lastIndexOf('\t', line.length - 2);
  const errors = line.slice(cut + 1, -1);
  const problems: Problems = errors === '\\N' ? {} : JSON.parse(errors.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c));
  problems.pid = duplicateProblem(pid, firstRow);
  return `${line.slice(0, cut + 1)}${copyText(JSON.stringify(problems))}\n`;
}

export function suspectWarning(row: number, pid: string): Finding {
  return {
    row, field: 'id_number', code: 'ID_SUSPECT', severity: 'warning', recordKey: pid,
    message: 'the check digit or the embedded birth date is wrong; kept, marked suspect (not used as a key)',
  };
}
