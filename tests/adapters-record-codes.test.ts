// Every code a record can be rejected or warned with is one of RECORD_CODES, the list agencies
// may rely on — checked over every fixture and a few thousand broken variants of them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { FEEDS, RECORD_CODES } from '../src/adapters/index.js';
import type { FeedAdapter, FeedFormat } from '../src/adapters/types.js';
import { fixture, run } from './adapters-support.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'feeds');
const files = (Object.values(FEEDS) as FeedAdapter<unknown>[]).flatMap((a) =>
  fs.readdirSync(path.join(root, a.kind)).map((name) => ({ adapter: a, name, format: path.extname(name).slice(1) as FeedFormat })),
);

it('every emitted code is in RECORD_CODES', { timeout: 120_000 }, async () => {
  const seen = new Set<string>();
  const note = (items: Awaited<ReturnType<typeof run>>['items']) => {
    for (const i of items) for (const e of i.ok ? i.warnings : i.errors) seen.add(e.code);
  };
  for (const f of files) note((await run(f.adapter, fixture(f.adapter.kind, f.name), f.format)).items);
  // Replace one field value with something odd, file by file.
  const odd = ['', ' ', '0', 'x', '２０２４-１３-０１', '99999999999999999', '1.5', '-', '张*', '"', 'null', '<', '&#0;', '\ufffd'];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...files), fc.nat(), fc.constantFrom(...odd), async (f, k, value) => {
      const text = fixture(f.adapter.kind, f.name).toString('utf8');
      const seps = f.format === 'csv' ? /,/g : f.format === 'xml' ? />[^<]*</g : /: ?"[^"]*"/g;
      const hits = [...text.matchAll(seps)];
      if (!hits.length) return;
      const m = hits[k % hits.length];
      const put = f.format === 'csv' ? `,${value},` : f.format === 'xml' ? `>${value}<` : `: ${JSON.stringify(value)}`;
      note((await run(f.adapter, text.slice(0, m.index) + put + text.slice(m.index! + m[0].length), f.format)).items);
    }),
    { numRuns: 600 },
  );
  const unknown = [...seen].filter((c) => !(c in RECORD_CODES));
  expect(unknown).toEqual([]);
  console.log(`codes seen: ${[...seen].sort().join(' ')}`);
  expect(seen.size).toBeGreaterThan(15);
});
