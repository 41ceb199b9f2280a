// Input that is broken or hostile: each gets a precise message, nothing is expanded, a record
// too long for memory is refused, and records read before a fault are still handed out.
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { adapterFor } from '../src/adapters/index.js';
import { codes, fixture, run } from './adapters-support.js';

const birth = adapterFor('birth');
const housing = adapterFor('housing');
const household = adapterFor('household');

const HOUSING_HEADER = '记录编号,区划代码,姓名\n';
const row = (id: string, name = '张伟') => `${id},430102001001,${name}\n`;

describe('XML that could expand or reach out', () => {
  it('refuses a DOCTYPE with entity declarations (billion laughs) without expanding anything', async () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE births [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<births><birth><record_id>&lol3;</record_id></birth></births>`;
    const { items, error } = await run(birth, lol, 'xml');
    expect(items).toEqual([]);
    expect(error?.code).toBe('YPQ_UNPARSEABLE');
    expect(error?.message).toMatch(/line 2: the XML has a DOCTYPE declaration; DTDs and entity declarations are not accepted/);
  });

  it('refuses an external entity (XXE) the same way', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE births SYSTEM "file:///etc/passwd"><births/>';
    expect((await run(birth, xxe, 'xml')).error?.message).toMatch(/DOCTYPE/);
  });

  it('refuses an undeclared entity reference with its line', async () => {
    const { error } = await run(birth, '<births>\n<birth><record_id>&xxe;</record_id></birth></births>', 'xml');
    expect(error?.message).toMatch(/line 2, column \d+: unknown entity/);
  });

  it('names a wrong root element and a file that is not XML', async () => {
    expect((await run(birth, '<marriages><marriage/></marriages>', 'xml')).error?.message).toMatch(/the root element is <marriages>; this feed's XML has <births>/);
    expect((await run(birth, 'record_id,birth_time\n1,2024-03-05\n', 'xml')).error?.message).toMatch(/does not start with an XML element/);
  });
});

describe('truncated files', () => {
  it('XML: the records completed before the cut come out, then the error', async () => {
    const xml = fixture('birth', 'births.xml').toString('utf8');
    const cut = xml.slice(0, xml.indexOf('<record_id>O430000003'));
    const { ok, error } = await run(birth, cut, 'xml', { chunk: 100 });
    expect(ok.map((o) => o.recordId)).toEqual(['O430000001', 'O430000002']);
    expect(error?.message).toBe('The file cannot be read: the XML ends inside <births> after 2 complete record(s): the file is truncated or a closing tag is missing');
  });

  it('JSON: the same', async () => {
    const json = fixture('birth', 'births.json').toString('utf8');
    const { ok, error } = await run(birth, json.slice(0, json.indexOf('"O430000003"') + 5), 'json');
    expect(ok.map((o) => o.recordId)).toEqual(['O430000001', 'O430000002']);
    expect(error?.message).toMatch(/the JSON array is not closed: the file ends inside record 3 \(truncated\?\)/);
  });

  it('CSV: a quoted field open at the end of the file', async () => {
    const { ok, error } = await run(housing, HOUSING_HEADER + row('H1') + row('H2') + 'H3,430102,"张', 'csv');
    expect(ok.map((o) => o.recordId)).toEqual(['H1', 'H2']);
    expect(error?.message).toMatch(/line 4: a quoted field opened here is never closed; the file ends inside it/);
  });
});

describe('overlong records', () => {
  const max = 1000;
  const long = 'x'.repeat(5000);

  it('CSV: an overlong line is rejected and reading goes on at the next line', async () => {
    const csv = HOUSING_HEADER + row('H1') + `H2,430102,${long}\n` + row('H3');
    const { ok, rejects, error } = await run(housing, csv, 'csv', { maxRecordBytes: max, chunk: 256 });
    expect(error).toBeNull();
    expect(ok.map((o) => [o.position, o.recordId])).toEqual([[2, 'H1'], [4, 'H3']]);
    expect(rejects.map((r) => [r.position, codes(r)])).toEqual([[3, ['RECORD_TOO_LONG']]]);
    expect(rejects[0].errors[0].message).toBe('line 3 is longer than 1000 characters (the limit for one record)');
  });

  it('CSV: a stray quote that swallows the rest of the file stops it, after the good rows', async () => {
    const csv = HOUSING_HEADER + row('H1') + 'H2,430102,"张伟\n' + row('H3').repeat(200);
    const { ok, error } = await run(housing, csv, 'csv', { maxRecordBytes: max, chunk: 256 });
    expect(ok.map((o) => o.recordId)).toEqual(['H1']);
    expect(error?.message).toMatch(/line 3: a record is longer than 1000 characters; probably a quote \(\"\) was opened and never closed/);
  });

  it('XML: an overlong element is rejected alone', async () => {
    const xml = `<births><birth><record_id>B1</record_id><remark>${long}</remark></birth>
<birth><record_id>B2</record_id><birth_time>2024-03-05</birth_time><mother_name>王芳</mother_name><mother_id_number>430102199003054426</mother_id_number></birth></births>`;
    const { ok, rejects, error } = await run(birth, xml, 'xml', { maxRecordBytes: max, chunk: 300 });
    expect(error).toBeNull();
    expect(rejects.map((r) => [r.position, r.recordId, codes(r)])).toEqual([[1, 'B1', ['RECORD_TOO_LONG']]]);
    expect(rejects[0].errors[0].message).toMatch(/record 1 \(<birth> at line 1\) is longer than 1000 characters/);
    expect(ok.map((o) => o.recordId)).toEqual(['B2']);
  });

  it('JSON: an overlong element is rejected alone', async () => {
    const json = JSON.stringify([{ record_id: 'H1', division: '430102', name: '张伟', note: long }, { record_id: 'H2', division: '430102', name: '王芳' }]);
    const { ok, rejects, error } = await run(housing, json, 'json', { maxRecordBytes: max, chunk: 700 });
    expect(error).toBeNull();
    expect(rejects.map((r) => [r.position, codes(r)])).toEqual([[1, ['RECORD_TOO_LONG']]]);
    expect(ok.map((o) => o.recordId)).toEqual(['H2']);
  });
});

describe('not a feed file at all', () => {
  it('an empty file', async () => {
    expect((await run(housing, '', 'csv')).error?.message).toBe('The file cannot be read: the file is empty (0 bytes)');
  });

  it('only white space, in each format', async () => {
    expect((await run(housing, ' \n\r\n ', 'csv')).error?.message).toMatch(/no header row/);
    expect((await run(housing, ' \n ', 'json')).error?.message).toMatch(/holds no JSON/);
    expect((await run(birth, ' \n ', 'xml')).error?.message).toMatch(/holds no XML element/);
  });

  it('an Excel workbook, a PDF, UTF-16', async () => {
    expect((await run(housing, Buffer.from('PK\x03\x04rest-of-zip', 'latin1'), 'csv')).error?.message).toMatch(/Excel \.xlsx workbook\?\); export the sheet as CSV/);
    expect((await run(housing, '%PDF-1.7 ...', 'csv')).error?.message).toMatch(/PDF/);
    expect((await run(housing, Buffer.from('\ufeff记录编号', 'utf16le'), 'csv')).error?.message).toMatch(/UTF-16/);
  });

  it('binary garbage', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    const { error, items } = await run(housing, bytes, 'csv');
    expect(items).toEqual([]);
    expect(error?.message).toMatch(/binary data|does not look like text/);
  });

  it('NUL bytes after the first 64 KiB stop the file, after the rows before them', async () => {
    const body = HOUSING_HEADER + row('H0').repeat(0) + Array.from({ length: 3000 }, (_, i) => row(`H${i}`)).join('');
    const { ok, error } = await run(housing, Buffer.concat([Buffer.from(body), Buffer.from([0, 0, 0]), Buffer.from(row('HX'))]), 'csv', { chunk: 65536 });
    expect(ok.length).toBeGreaterThan(1000);
    expect(error?.message).toMatch(/NUL bytes near byte \d+/);
  });

  it('a CSV header with no contract column, or two columns for one field', async () => {
    expect((await run(housing, 'a,b,c\n1,2,3\n', 'csv')).error?.message).toMatch(/line 1: required column\(s\) missing: record_id \(记录编号\), division \(区划代码\), name \(姓名\)/);
    expect((await run(housing, '记录编号,区划代码,姓名,name\n', 'csv')).error?.message).toMatch(/columns 3 \("姓名"\) and 4 \("name"\) both mean "name"/);
  });

  it('JSON that is an object, or has text after the array', async () => {
    expect((await run(housing, '{"record_id": "H1"}', 'json')).error?.message).toMatch(/a single object; the feed expects an array/);
    const { ok, error } = await run(housing, '[{"record_id":"H1","division":"430102","name":"张伟"}] trailing', 'json');
    expect(ok).toHaveLength(1);
    expect(error?.message).toMatch(/line 1: text after the end of the JSON array/);
  });
});

describe('one bad record among good ones', () => {
  it('CSV: a broken quote rejects its line only', async () => {
    const csv = HOUSING_HEADER + row('H1') + 'H2,430102,"张"伟\n' + row('H3');
    const { ok, rejects, error } = await run(housing, csv, 'csv');
    expect(error).toBeNull();
    expect(ok.map((o) => [o.position, o.recordId])).toEqual([[2, 'H1'], [4, 'H3']]);
    expect(rejects.map((r) => [r.position, codes(r)])).toEqual([[3, ['CSV_QUOTE']]]);
  });

  it('CSV: a row with more fields than the header', async () => {
    const { rejects, ok } = await run(housing, HOUSING_HEADER + 'H1,430102,张伟,extra\n' + row('H2'), 'csv');
    expect(rejects.map((r) => [r.position, r.recordId, codes(r)])).toEqual([[2, 'H1', ['COLUMN_COUNT']]]);
    expect(ok.map((o) => o.recordId)).toEqual(['H2']);
  });

  it('JSON: an element that is not valid JSON, or not an object', async () => {
    const { ok, rejects, error } = await run(housing, '[{"record_id":"H1","division":"430102","name":"张伟"}, {"record_id": tru}, 42, {"record_id":"H4","division":"430102","name":"王芳"}]', 'json');
    expect(error).toBeNull();
    expect(rejects.map((r) => [r.position, codes(r)])).toEqual([[2, ['JSON_SYNTAX']], [3, ['NOT_AN_OBJECT']]]);
    expect(rejects[0].errors[0].message).not.toMatch(/tru/);
    expect(ok.map((o) => o.position)).toEqual([1, 4]);
  });

  it('a GBK row inside a UTF-8 file is rejected, not mangled into a name', async () => {
    const utf8Rows = (from: number) => Buffer.from(Array.from({ length: 10 }, (_, i) => row(`H${from + i}`)).join(''));
    const bytes = Buffer.concat([Buffer.from(HOUSING_HEADER), utf8Rows(1), iconv.encode(row('HX', '王芳'), 'gbk'), utf8Rows(11)]);
    const { ok, rejects } = await run(housing, bytes, 'csv');
    expect(ok).toHaveLength(20);
    expect(ok.every((o) => o.record.subject.name === '张伟')).toBe(true);
    expect(rejects.map((r) => [r.position, r.recordId, codes(r)])).toEqual([[12, 'HX', ['ENCODING']]]);
    expect(rejects[0].errors[0].message).toMatch(/^姓名 \(name\): holds bytes that are not valid in the file's encoding/);
  });

  it('keys that name a prototype do not reach one', async () => {
    await run(housing, '[{"record_id":"H1","division":"430102","name":"张伟","__proto__":{"polluted":1}}]', 'json');
    await run(housing, '记录编号,区划代码,姓名,__proto__\nH1,430102,张伟,x\n', 'csv');
    await run(household, '<householdEvents><event id="1" type="birth" date="2024-03-01"><__proto__><polluted>1</polluted></__proto__><person><name>张伟</name></person><hukouDivision>430102</hukouDivision></event></householdEvents>', 'xml');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('streaming', () => {
  /** A CSV of `rows` rows made on demand, counting how many chunks were pulled. */
  function lazyCsv(rows: number) {
    let pulled = 0;
    let i = 0;
    const stream = new Readable({
      read() {
        pulled++;
        if (i === 0) this.push(HOUSING_HEADER);
        let chunk = '';
        for (let n = 0; n < 1000 && i < rows; n++, i++) chunk += row(`H${i}`);
        this.push(chunk || null);
      },
    });
    return { stream, pulled: () => pulled };
  }

  it('hands out the first record long before the input is read, and releases the input when stopped', async () => {
    const src = lazyCsv(1_000_000);
    let seen = 0;
    for await (const item of housing.parse(src.stream, { format: 'csv' })) {
      expect(item.ok).toBe(true);
      if (++seen === 10) break;
    }
    expect(src.pulled()).toBeLessThan(20);
    expect(src.stream.destroyed).toBe(true);
  });
});
