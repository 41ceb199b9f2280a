// The CSV block cutter (what lets two workers parse one file) on arbitrary input: blocks hold
// whole records only, lose and duplicate nothing, and carry the line offset of their first record.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CsvBlockSplitter } from '../src/intake/csv-blocks.js';

/** RFC 4180 records with the physical line each starts on (header = line 1). */
function records(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let line = 1;
  let start = 1;
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n') {
      fields.push(field.replace(/\r$/, ''));
      out.push({ line: start, fields });
      fields = [];
      field = '';
      line++;
      start = line;
    } else field += c;
  }
  if (field !== '' || fields.length) out.push({ line: start, fields: [...fields, field] });
  return out;
}

const value = fc.oneof(
  fc.constantFrom('张伟', '王芳', '430102001001', '', '欧阳娜娜', 'a"b', 'x,y', '第一行\n第二行', '\r\n', '""'),
  fc.string({ maxLength: 8 }).filter((s) => !s.includes('\r')),
);
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function split(bytes: Buffer, chunkSizes: number[], blockBytes: number, forceBytes?: number) {
  const s = new CsvBlockSplitter(blockBytes, forceBytes);
  const blocks = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = chunkSizes[i % chunkSizes.length];
    blocks.push(...s.push(bytes.subarray(at, at + n)));
    at += n;
  }
  blocks.push(...s.end());
  return blocks;
}

describe('CSV block cutting', () => {
  it('cuts only between records, in both encodings, whatever the chunks and block size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(value, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 8, max: 300 }),
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom('utf8', 'gb18030'),
        (rows, chunkSizes, blockBytes, eol, enc) => {
          const text = ['姓名,代码,备注', ...rows.map((r) => r.map(cell).join(','))].join(eol) + eol;
          const bytes = enc === 'utf8' ? Buffer.from(text) : iconv.encode(text, 'gb18030');
          const whole = records(text);
          const got: { line: number; fields: string[] }[] = [];
          for (const [i, b] of split(bytes, chunkSizes, blockBytes).entries()) {
            const recs = records(enc === 'utf8' ? b.data.toString() : iconv.decode(b.data, 'gb18030'));
            // Every block starts with the header; its records are shifted to their file lines.
            expect(recs[0].fields).toEqual(['姓名', '代码', '备注']);
            got.push(...(i === 0 ? recs : recs.slice(1)).map((r) => ({ line: r.line + b.positionOffset, fields: r.fields })));
          }
          expect(got.slice(1)).toEqual(whole.slice(1));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('passes a file without a line break through as one block, and an empty one as one empty block', () => {
    expect(split(Buffer.from('记录编号,姓名'), [3], 4)).toEqual([{ data: Buffer.from('记录编号,姓名'), positionOffset: 0 }]);
    expect(split(Buffer.alloc(0), [1], 4)).toEqual([{ data: Buffer.alloc(0), positionOffset: 0 }]);
  });

  it('does not let an unbalanced quote swallow the rest of a file', () => {
    const text = 'a,b\n' + '1,"open\n' + Array.from({ length: 200 }, (_, i) => `${i},x\n`).join('');
    const blocks = split(Buffer.from(text), [16], 64, 256);
    expect(blocks.length).toBeGreaterThan(2);
    expect(blocks.map((b, i) => (i === 0 ? b.data : b.data.subarray(4)).toString()).join('')).toBe(text);
  });
});
