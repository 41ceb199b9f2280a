// Details of the three readers that real exports exercise: line endings, tab-separated files,
// blank lines, trailing columns, numbers in JSON, nested XML, format sniffing and encodings.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { adapterFor, formatFromName, sniffFormat } from '../src/adapters/index.js';
import { detectEncoding } from '../src/adapters/shared/encoding.js';
import { codes, parseAll, run } from './adapters-support.js';

const housing = adapterFor('housing');
const household = adapterFor('household');

describe('sniffFormat', () => {
  it('tells CSV, XML and JSON from their first bytes, past a BOM and white space', () => {
    expect(sniffFormat(Buffer.from('<?xml version="1.0"?><births/>'))).toBe('xml');
    expect(sniffFormat(Buffer.from('\ufeff  \r\n<births>'))).toBe('xml');
    expect(sniffFormat(Buffer.from('\n [{"record_id":1}]'))).toBe('json');
    expect(sniffFormat(Buffer.from('{"a":1}'))).toBe('json');
    expect(sniffFormat(Buffer.from('记录编号,姓名\n'))).toBe('csv');
    expect(sniffFormat(iconv.encode('记录编号,姓名\n', 'gbk'))).toBe('csv');
    expect(sniffFormat(Buffer.alloc(0))).toBe('csv');
  });

  it('reads a format off a file name or Content-Type when there is one', () => {
    expect(formatFromName('births-20240305.XML')).toBe('xml');
    expect(formatFromName('application/json; charset=utf-8')).toBe('json');
    expect(formatFromName('text/csv')).toBe('csv');
    expect(formatFromName('application/vnd+xml')).toBe('xml');
    expect(formatFromName('upload.bin')).toBeUndefined();
    expect(formatFromName(null)).toBeUndefined();
  });
});

describe('encoding detection', () => {
  it('GBK Chinese is GB18030, UTF-8 is UTF-8, a BOM is skipped', () => {
    expect(detectEncoding(iconv.encode('记录编号,姓名\nH1,张伟\n', 'gbk'), true).encoding).toBe('gb18030');
    expect(detectEncoding(Buffer.from('记录编号,姓名\nH1,张伟\n'), true)).toEqual({ encoding: 'utf8', bomLength: 0 });
    expect(detectEncoding(Buffer.from('\ufeffa,b'), true)).toEqual({ encoding: 'utf8', bomLength: 3 });
  });

  it('a UTF-8 text with a few broken bytes stays UTF-8', () => {
    const text = Buffer.concat([Buffer.from('记录编号,区划代码,姓名\n' + 'H1,430102,张伟\n'.repeat(5)), Buffer.from([0xc0, 0x41])]);
    expect(detectEncoding(text, true).encoding).toBe('utf8');
  });
});

describe('CSV details', () => {
  it('counts lines across CRLF, blank lines, a header after blank lines and a quoted CRLF', async () => {
    const csv = '\r\n\r\n记录编号,区划代码,姓名,房屋地址\r\nH1,430102,张伟,"a\r\nb"\r\n\r\n , , , \r\nH2,430102,王芳,c\r\n';
    const { ok } = await parseAll(housing, csv, 'csv', { chunk: 3 });
    expect(ok.map((o) => [o.position, o.recordId])).toEqual([[4, 'H1'], [8, 'H2']]);
    expect(ok[0].record.address).toBe('a\r\nb');
  });

  it('reads tab-separated exports', async () => {
    const { ok } = await parseAll(housing, '记录编号\t区划代码\t姓名\nH1\t430102\t张伟\n', 'csv');
    expect(ok.map((o) => o.record.subject.name)).toEqual(['张伟']);
  });

  it('lets a row leave out trailing unknown columns, and ignores trailing empty ones', async () => {
    const csv = '记录编号,区划代码,姓名,备注,,\nH1,430102,张伟\nH2,430102,王芳,x,,,,\n';
    const { ok, rejects } = await parseAll(housing, csv, 'csv');
    expect(rejects).toEqual([]);
    expect(ok.map((o) => o.raw['备注'])).toEqual([undefined, 'x']);
  });

  it('rejects a row that leaves out a contract column', async () => {
    const { rejects } = await parseAll(housing, '记录编号,姓名,区划代码\nH1,张伟\n', 'csv');
    expect(rejects.map((r) => [r.recordId, codes(r)])).toEqual([['H1', ['COLUMN_COUNT']]]);
  });

  it('reads a file without a final line break, and a header-only file as no records', async () => {
    expect((await parseAll(housing, '记录编号,区划代码,姓名\nH1,430102,张伟', 'csv')).ok).toHaveLength(1);
    expect((await parseAll(housing, '记录编号,区划代码,姓名\n', 'csv')).items).toEqual([]);
    expect((await parseAll(housing, '记录编号,区划代码,姓名', 'csv')).items).toEqual([]);
  });

  it('accepts header variants: English in any case, spaces, an asterisk for required, full-width letters', async () => {
    const { ok } = await parseAll(housing, ' Record_ID ,*区划代码,ｎａｍｅ\nH1,430102,张伟\n', 'csv');
    expect(ok.map((o) => o.recordId)).toEqual(['H1']);
  });
});

describe('JSON details', () => {
  it('reads nested structures in unknown fields, escapes and strings with brackets', async () => {
    const json = '[{"record_id":"H1","division":"430102","name":"张\\u4f1f","note":{"a":["]","}",{"b":"\\"{"}]}}]';
    const { ok } = await parseAll(housing, json, 'json', { chunk: 2 });
    expect(ok[0].record.subject.name).toBe('张伟');
    expect(ok[0].raw.note).toEqual({ a: [']', '}', { b: '"{' }] });
  });

  it('keys in Chinese or another case are the same fields; an empty object lacks every required one', async () => {
    const json = '[{"记录编号":"H1","区划代码":"430102","姓名":"张伟"},{"Record_ID":"H2","DIVISION":"430102","Name":"王芳"},{},{"name":"李娜","姓名":"李娜"}]';
    const { ok, rejects } = await parseAll(housing, json, 'json');
    expect(ok.map((o) => [o.recordId, o.record.subject.name])).toEqual([['H1', '张伟'], ['H2', '王芳']]);
    expect(rejects.map((r) => [r.position, codes(r)])).toEqual([[3, ['REQUIRED', 'REQUIRED', 'REQUIRED']], [4, ['HEADER_DUPLICATE']]]);
    expect(rejects[1].errors[0].message).toBe('record 4: fields 1 ("name") and 2 ("姓名") both mean "name"');
  });

  it('an empty array is a batch of no records', async () => {
    expect((await parseAll(housing, ' [ ] ', 'json')).items).toEqual([]);
  });

  it('a trailing comma is named', async () => {
    expect((await run(housing, '[{"record_id":"H1"},]', 'json')).error?.message).toMatch(/expected a record after "," but found "\]"/);
  });
});

describe('XML details', () => {
  it('takes event fields from attributes or child elements alike, and ignores header elements', async () => {
    const xml = `<householdEvents><header><count>1</count></header>
      <event><id>E1</id><type>death</type><date>2024-03-05</date><person><name>赵磊</name><idNumber>110105198001010016</idNumber></person><hukouDivision>430102</hukouDivision></event>
    </householdEvents>`;
    const { ok } = await parseAll(household, xml, 'xml');
    expect(ok.map((o) => [o.position, o.recordId, o.record.type, o.record.subject.name])).toEqual([[1, 'E1', 'death', '赵磊']]);
  });

  it('an empty root is a batch of no records', async () => {
    expect((await parseAll(household, '<?xml version="1.0"?>\n<householdEvents agency="x"/>\n', 'xml')).items).toEqual([]);
  });

  it('refuses a second root element', async () => {
    expect((await run(household, '<householdEvents/><householdEvents/>', 'xml')).error?.code).toBe('YPQ_UNPARSEABLE');
  });
});
