// Every feed in every format it takes (the adapters' fixtures, plus each CSV re-encoded as
// GB18030), through both channels end to end: HTTP push as one agency, `yipanqi feed import`
// as another. The two must come out the same, batch for batch and record for record.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_KINDS } from '../src/auth/principal.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { linkJobs, storedRecords } from '../fixtures/intake/agencies.js';

const FIXTURES = path.resolve('fixtures/feeds');
const CONTENT_TYPE: Record<string, string> = { '.csv': 'text/csv', '.json': 'application/json', '.xml': 'application/xml' };
const AGENCY_KIND: Record<string, string> = { prenatal: 'hospital', birth: 'hospital', household: 'police', marriage: 'civil_affairs', housing: 'housing' };

interface Sample {
  name: string;
  bytes: Buffer;
  contentType: string;
}

/** The fixture files of a feed, and a GB18030 copy of each UTF-8 CSV. */
function samples(feed: string): Sample[] {
  const dir = path.join(FIXTURES, feed);
  const out: Sample[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const ext = path.extname(name);
    if (!CONTENT_TYPE[ext]) continue;
    const bytes = fs.readFileSync(path.join(dir, name));
    out.push({ name, bytes, contentType: CONTENT_TYPE[ext] });
    if (ext === '.csv' && /[^\x00-\x7f]/.test(bytes.toString('utf8'))) {
      out.push({ name: name.replace(/\.csv$/, '.gb18030.csv'), bytes: iconv.encode(bytes.toString('utf8').replace(/^\uFEFF/, ''), 'gb18030'), contentType: 'text/csv' });
    }
  }
  return out;
}

describe('every feed and format, through HTTP and the CLI', () => {
  let t: TestApp;
  let tmp: string;

  beforeAll(async () => {
    t = await createTestApp();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ypq-intake-e2e-'));
    for (const feed of FEED_KINDS) {
      for (const via of ['HTTP', 'CLI']) {
        await t.db.pool.query(`INSERT INTO agencies (code, name, kind, division, feeds) VALUES ($1, $1, $2, '430102', $3)`, [
          `E2E-${feed}-${via}`, AGENCY_KIND[feed], [feed],
        ]);
      }
    }
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const feed of FEED_KINDS) {
    it(`${feed}: every file through both channels, same batches, same records`, async () => {
      const files = samples(feed);
      expect(files.length).toBeGreaterThan(1);
      const token = await t.token({ role: 'agency', unit: `E2E-${feed}-HTTP`, feeds: [feed] });

      const viaHttp: { name: string; counts: unknown; status: string }[] = [];
      for (const f of files) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/v1/feeds/${feed}?fileName=${encodeURIComponent(f.name)}`,
          headers: { authorization: `Bearer ${token}`, 'content-type': f.contentType },
          payload: f.bytes,
        });
        expect([200, 201], `${f.name}: ${res.body}`).toContain(res.statusCode);
        const b = res.json();
        expect(b.status).toBe('committed');
        const c = b.counts;
        expect(c.received, f.name).toBe(c.accepted + c.duplicate + c.rejected);
        expect(await linkJobs(t.db.pool, b.id)).toBe(1);
        viaHttp.push({ name: f.name, counts: c, status: b.status });
      }
      // Each fixture set holds good records, and the mixed files bad ones.
      type Counts = { accepted: number; rejected: number; duplicate: number };
      expect(viaHttp.some((b) => (b.counts as Counts).accepted > 0)).toBe(true);
      // A GB18030 copy, pushed right after its UTF-8 original, decodes to the very same records.
      viaHttp.forEach((b, i) => {
        if (!b.name.endsWith('.gb18030.csv')) return;
        const original = viaHttp[i - 1].counts as Counts;
        expect(b.counts, b.name).toMatchObject({ accepted: 0, rejected: original.rejected, duplicate: original.accepted + original.duplicate });
      });

      for (const f of files) fs.writeFileSync(path.join(tmp, f.name), f.bytes);
      const cli = spawnSync(
        process.execPath,
        ['bin/yipanqi.mjs', 'feed', 'import', '--feed', feed, '--agency', `E2E-${feed}-CLI`, ...files.map((f) => path.join(tmp, f.name))],
        { env: { ...process.env, DATABASE_URL: t.db.url, YIPANQI_DATA_DIR: tmp, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 120_000 },
      );
      expect(cli.status, cli.stderr).toBe(0);
      expect(cli.stdout.match(/: batch \d+ committed/g)).toHaveLength(files.length);

      const viaCli = (
        await t.db.pool.query(
          `SELECT file_name AS name, status, json_build_object('received', received, 'accepted', accepted, 'rejected', rejected,
                    'duplicate', duplicate, 'superseded', superseded) AS counts
           FROM batches WHERE agency = $1 ORDER BY id`,
          [`E2E-${feed}-CLI`],
        )
      ).rows;
      expect(viaCli).toEqual(viaHttp);

      const strip = (rows: { record_id: string; hash: string; version: number }[]) => rows.map((r) => [r.record_id, r.hash, r.version]);
      const http = await storedRecords(t.db.pool, `E2E-${feed}-HTTP`, feed);
      expect(http.length).toBeGreaterThan(0);
      expect(strip(await storedRecords(t.db.pool, `E2E-${feed}-CLI`, feed))).toEqual(strip(http));
      const rejects = async (agency: string) =>
        (await t.db.pool.query(
          `SELECT b.file_name, r.position, r.seq, r.record_id, r.field, r.code FROM batch_rejects r JOIN batches b ON b.id = r.batch_id
           WHERE r.agency = $1 ORDER BY b.id, r.position, r.seq`, [agency],
        )).rows;
      expect(await rejects(`E2E-${feed}-CLI`)).toEqual(await rejects(`E2E-${feed}-HTTP`));
    });
  }
});
