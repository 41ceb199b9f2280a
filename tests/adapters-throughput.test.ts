// Parse throughput of a 100k-row housing file (printed, not asserted: the machine is shared).
// The intake benchmark depends on parsing staying cheap per row.
import { ParserOptions } from '@fast-csv/parse';
import { Parser } from '@fast-csv/parse/build/src/parser/index.js';
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { adapterFor } from '../src/adapters/index.js';
import { checkDigit } from '../src/normalise/id-number.js';
import { streamOf } from './adapters-support.js';

const ROWS = 100_000;
const SURNAMES = ['张', '王', '李', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '磊', '洋', '艳', '勇'];

function housingRows(): { csv: string; json: string } {
  const lines = ['记录编号,房屋编号,区划代码,房屋地址,姓名,证件号码,联系电话,居住类型,入住日期,退租日期'];
  const objects: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const first17 = `430102${1950 + (i % 60)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
    const r = {
      record_id: `H${i}`,
      property_id: `F${i % 20000}`,
      division: `430102${String(1 + (i % 20)).padStart(3, '0')}${String(1 + (i % 30)).padStart(3, '0')}`,
      address: `长沙市芙蓉区五一大道${i % 500}号${i % 30}栋`,
      name: SURNAMES[i % 10] + GIVEN[(i * 7) % 10],
      id_number: i % 5 === 0 ? '' : first17 + checkDigit(first17),
      phone: `138${String(i).padStart(8, '0')}`,
      occupancy: ['业主', '租户', '借住'][i % 3],
      moved_in: `20${10 + (i % 14)}-0${1 + (i % 9)}-1${i % 10}`,
      moved_out: '',
    };
    lines.push(Object.values(r).join(','));
    objects.push(JSON.stringify(r));
  }
  return { csv: lines.join('\n') + '\n', json: `[\n${objects.join(',\n')}\n]\n` };
}

/** The floor: fast-csv's row parser alone on the same bytes (decode + split, no records). */
function baseline(bytes: Buffer): number {
  const t0 = performance.now();
  const parser = new Parser(new ParserOptions({}));
  const decoder = new TextDecoder();
  let tail = '';
  for (let i = 0; i < bytes.length; i += 64 * 1024) tail = parser.parse(tail + decoder.decode(bytes.subarray(i, i + 64 * 1024), { stream: true }), true).line;
  parser.parse(tail, false);
  return (performance.now() - t0) / 1000;
}

async function measure(label: string, bytes: Buffer, format: 'csv' | 'json') {
  const housing = adapterFor('housing');
  const t0 = performance.now();
  let ok = 0;
  for await (const batch of housing.parseBatches(streamOf(bytes, 64 * 1024), { format })) for (const item of batch) if (item.ok) ok++;
  const s = (performance.now() - t0) / 1000;
  console.log(`${label}: ${ROWS} rows, ${(bytes.length / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s = ${Math.round(ROWS / s).toLocaleString('en')} rows/s, ${(bytes.length / 1e6 / s).toFixed(1)} MB/s`);
  return { ok, s };
}

it('parses 100k housing rows (throughput printed)', { timeout: 120_000 }, async () => {
  const { csv, json } = housingRows();
  const utf8 = Buffer.from(csv);
  // Warm the JIT on the first tenth, as a long-running gateway would be.
  for await (const _ of adapterFor('housing').parseBatches(streamOf(utf8.subarray(0, utf8.length / 10)), { format: 'csv' }));
  baseline(utf8);
  const floor = baseline(utf8);
  const full = await measure('housing CSV UTF-8', utf8, 'csv');
  console.log(`fast-csv row parser alone on the same file: ${floor.toFixed(2)} s = ${Math.round(ROWS / floor).toLocaleString('en')} rows/s; the adapter takes ${(full.s / floor).toFixed(1)}× that`);
  expect(full.ok).toBe(ROWS);
  expect((await measure('housing CSV GBK  ', iconv.encode(csv, 'gbk'), 'csv')).ok).toBe(ROWS);
  expect((await measure('housing JSON     ', Buffer.from(json), 'json')).ok).toBe(ROWS);
});
