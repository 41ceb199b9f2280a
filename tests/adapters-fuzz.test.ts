// Property: whatever bytes arrive — random, or a valid feed file truncated, spliced or sprinkled
// with markup — every adapter finishes, handing out items and at most one YPQ_UNPARSEABLE
// AppError with a message. Never another exception, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FEEDS } from '../src/adapters/index.js';
import type { FeedAdapter, FeedFormat } from '../src/adapters/types.js';
import { fixture, run } from './adapters-support.js';

const FIXTURES: Record<FeedFormat, [string, string][]> = {
  csv: [['housing', 'residents-zh.csv'], ['birth', 'births-en.csv'], ['marriage', 'mixed-good-and-bad.csv'], ['prenatal', 'exams-zh.csv']],
  xml: [['birth', 'births.xml'], ['household', 'events.xml'], ['marriage', 'marriages.xml']],
  json: [['housing', 'residents.json'], ['household', 'events.json'], ['prenatal', 'mixed-good-and-bad.json']],
};

const MARKUP = ['<', '>', '</', '/>', '"', "'", '=', '[', ']', '{', '}', ',', ':', '\n', '\r\n', '\t', '&', ';', '&amp;', '<!DOCTYPE x [', '<![CDATA[', ']]>', '<!--', '-->', '\\', '\\u', 'null', '张', '·', '\uFEFF', '\u0000', '﹁'];

const markup = fc.array(fc.oneof(fc.constantFrom(...MARKUP), fc.string({ maxLength: 5 })), { maxLength: 40 }).map((a) => a.join(''));

/** A fixture of the format, truncated, with random slices replaced by markup or random bytes. */
const mutated = (format: FeedFormat) =>
  fc
    .record({
      file: fc.constantFrom(...FIXTURES[format]),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      edits: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), drop: fc.nat(20), put: fc.oneof(markup.map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u))) }), { maxLength: 4 }),
    })
    .map(({ file, cut, edits }) => {
      let b = fixture(file[0], file[1]);
      for (const e of edits) {
        const at = Math.floor(e.at * b.length);
        b = Buffer.concat([b.subarray(0, at), e.put, b.subarray(at + e.drop)]);
      }
      return cut > 0.5 ? b : b.subarray(0, Math.floor((cut / 0.5) * b.length));
    });

const inputs = (format: FeedFormat) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 1500 }).map((u) => Buffer.from(u)),
    markup.map((s) => Buffer.from(s)),
    mutated(format),
  );

const adaptersFor = (format: FeedFormat) => Object.values(FEEDS).filter((a) => a.formats.includes(format)) as FeedAdapter<unknown>[];

describe.each(['csv', 'xml', 'json'] as const)('any %s bytes', (format) => {
  it('yield items or end in one YPQ_UNPARSEABLE error with a message', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...adaptersFor(format)),
        inputs(format),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 40, max: 4000 }),
        async (adapter, bytes, chunk, maxRecordBytes) => {
          const { items, error } = await run(adapter, bytes, format, { chunk, maxRecordBytes });
          if (error) {
            expect(error.code).toBe('YPQ_UNPARSEABLE');
            expect(error.message.length).toBeGreaterThan('The file cannot be read: '.length);
          }
          for (const it of items) {
            expect(it.position).toBeGreaterThanOrEqual(1);
            if (!it.ok) {
              expect(it.errors.length).toBeGreaterThan(0);
              for (const e of it.errors) expect(e.code && e.message).toBeTruthy();
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

// Well-formed files must come out exactly as written, however the bytes are chunked: values with
// separators, quotes, escapes, line breaks and multi-byte characters crossing chunk edges.
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', ',', '"', "'", '\\', '\n', '\r\n', '<', '>', '&', '{', '}', '[', ']', '张', '·', '𠀀', 'é'), maxLength: 12 });
const records = fc.uniqueArray(fc.record({ id: fc.stringMatching(/^[A-Z][0-9]{1,6}$/), note: text, other: text }), { selector: (r) => r.id, minLength: 1, maxLength: 30 });

describe('well-formed files at any chunking', () => {
  const housing = FEEDS.housing;
  const birth = FEEDS.birth;

  it('CSV: raw values and line numbers as written', { timeout: 120_000 }, async () => {
    const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
    await fc.assert(
      fc.asyncProperty(records, fc.integer({ min: 1, max: 300 }), fc.constantFrom('\n', '\r\n'), async (rows, chunk, eol) => {
        let line = 2;
        const expected: [number, Record<string, string>][] = [];
        let csv = `记录编号,区划代码,姓名,备注,其他${eol}`;
        for (const r of rows) {
          expected.push([line, { record_id: r.id, division: '430102', name: '张伟', 备注: r.note, 其他: r.other }]);
          csv += [r.id, '430102', '张伟', q(r.note), q(r.other)].join(',') + eol;
          line += 1 + (r.note + r.other).split(/\r\n|\r|\n/).length - 1;
        }
        const { items, error } = await run(housing, Buffer.from(csv), 'csv', { chunk });
        expect(error).toBeNull();
        expect(items.map((i) => [i.position, i.raw])).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('JSON: raw objects as written', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(records, fc.integer({ min: 1, max: 300 }), fc.boolean(), async (rows, chunk, pretty) => {
        const objects = rows.map((r) => ({ record_id: r.id, division: '430102', name: '张伟', note: r.note, other: { nested: [r.other] } }));
        const { items, error } = await run(housing, Buffer.from(JSON.stringify(objects, null, pretty ? 2 : 0)), 'json', { chunk });
        expect(error).toBeNull();
        expect(items.map((i) => [i.position, i.raw])).toEqual(objects.map((o, k) => [k + 1, o]));
      }),
      { numRuns: 200 },
    );
  });

  it('XML: element text as written, entities and CDATA decoded', { timeout: 120_000 }, async () => {
    const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\r', '');
    await fc.assert(
      fc.asyncProperty(records, fc.integer({ min: 1, max: 300 }), async (rows, chunk) => {
        const xml = `<?xml version="1.0"?>\n<births>\n${rows
          .map((r) => `<birth record_id="${r.id}"><remark>${esc(r.note)}</remark><other><![CDATA[${r.other.replaceAll(']]>', '').replaceAll('\r', '')}]]></other></birth>`)
          .join('\n')}\n</births>`;
        const { items, error } = await run(birth, Buffer.from(xml), 'xml', { chunk });
        expect(error).toBeNull();
        expect(items.map((i) => [i.position, i.raw])).toEqual(
          rows.map((r, k) => [k + 1, { record_id: r.id, remark: r.note.replaceAll('\r', ''), other: r.other.replaceAll(']]>', '').replaceAll('\r', '') }]),
        );
      }),
      { numRuns: 200 },
    );
  });
});
