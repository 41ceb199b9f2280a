// Scratch folders for import tests: generated fixtures and the rejects files imports write next to them.
import fs from 'node:fs';
import path from 'node:path';
import { parseCsvLine } from '../../src/reference/csv-records.js';

/** A fresh folder under .tmp (0755, reachable by the embedded server's user like the rest of .tmp). */
export function scratchDir(label: string): { dir: string; file(name: string): string; remove(): void } {
  const dir = fs.mkdtempSync(path.resolve('.tmp', `${label}-`));
  fs.chmodSync(dir, 0o755);
  return { dir, file: (name) => path.join(dir, name), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A copy of a committed fixture in a scratch folder, so its rejects file lands there too. */
export function copyFixture(fixture: string, dir: string): string {
  const to = path.join(dir, path.basename(fixture));
  fs.copyFileSync(fixture, to);
  return to;
}

export interface RejectLine {
  row: number;
  key: string;
  field: string;
  code: string;
  severity: string;
  message: string;
}

/** The rejects CSV an import wrote (UTF-8 with BOM, one line per finding). */
export function readRejects(file: string): RejectLine[] {
  const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split('\n').filter(Boolean);
  const header = lines.shift();
  if (header !== 'row,key,field,code,severity,message') throw new Error(`unexpected rejects header: ${header}`);
  return lines.map((l) => {
    const p = parseCsvLine(l);
    if (p.state !== 'ok') throw new Error(`bad rejects line: ${l}`);
    const [row, key, field, code, severity, message] = p.fields;
    return { row: Number(row), key, field, code, severity, message };
  });
}
