// The Node fallback reader: RFC 4180 fields, quoted fields across lines, and recovery after a
// broken line so that one damaged row costs one row.
import { describe, expect, it } from 'vitest';
import { csvRecords, parseCsvLine, type CsvProblem, type CsvRecord } from '../src/reference/csv-records.js';

async function read(lines: string[], maxContinuationLines?: number): Promise<(CsvRecord | CsvProblem)[]> {
  async function* gen() {
    yield* lines;
  }
  const out: (CsvRecord | CsvProblem)[] = [];
  for await (const r of csvRecords(gen(), { firstRow: 2, maxContinuationLines })) out.push(r);
  return out;
}

describe('parseCsvLine', () => {
  it('reads plain, empty, quoted and doubled-quote fields', () => {
    expect(parseCsvLine('a,,"b,c","say ""hi""",')).toEqual({ state: 'ok', fields: ['a', '', 'b,c', 'say "hi"', ''] });
    expect(parseCsvLine('')).toEqual({ state: 'ok', fields: [''] });
  });
  it('tells an open quote from a stray one', () => {
    expect(parseCsvLine('a,"b,c')).toEqual({ state: 'open' });
    expect(parseCsvLine('a,b"c,d').state).toBe('stray');
    expect(parseCsvLine('a,"b"c,d').state).toBe('stray');
  });
});

describe('csvRecords', () => {
  it('joins a quoted field that spans lines and keeps the line numbers of the file', async () => {
    const r = await read(['a,"line one', 'line two",b', 'c,d']);
    expect(r).toEqual([
      { ok: true, row: 2, fields: ['a', 'line one\nline two', 'b'] },
      { ok: true, row: 4, fields: ['c', 'd'] },
    ]);
  });

  it('reports a quote never closed on its own line and reads on from the next', async () => {
    const r = await read(['a,"never closed', 'b,c', 'd,e'], 5);
    expect(r).toEqual([
      { ok: false, row: 2, code: 'CSV_QUOTE', message: expect.stringMatching(/never closed/) },
      { ok: true, row: 3, fields: ['b', 'c'] },
      { ok: true, row: 4, fields: ['d', 'e'] },
    ]);
  });

  it('gives up on a quote after the continuation limit', async () => {
    const lines = ['x,"open', ...Array.from({ length: 4 }, (_, i) => `l${i}`), 'closed"'];
    const r = await read(lines, 2);
    expect(r[0]).toMatchObject({ ok: false, row: 2 });
    expect(r.slice(1, 5).map((x) => (x.ok ? x.fields[0] : x.code))).toEqual(['l0', 'l1', 'l2', 'l3']);
  });

  it('skips blank lines and lines of only commas', async () => {
    expect(await read(['', ',,,', 'a,b'])).toEqual([{ ok: true, row: 4, fields: ['a', 'b'] }]);
  });
});
