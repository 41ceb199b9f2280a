// The SFTP channel takes every feed in every format it accepts: the same fixture files as the
// every-feed HTTP/CLI test (fixtures/feeds/<feed>/*, plus each non-ASCII UTF-8 CSV re-encoded as
// GB18030), dropped on the in-process SFTP server, one drop folder and source per agency. One
// poll of each source (the pollSource the CLI and the serve job use) must commit one batch per
// file, channel 'sftp', and move every file to processed/; each batch must carry the same counts,
// and the agency end with the same stored records and rejects, as the very same files give when
// ingested, in the same order, through ingest() (the pipeline behind HTTP push and the CLI) for
// a reference agency.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFromName } from '../src/adapters/index.js';
import { FEED_KINDS, type FeedKind } from '../src/auth/principal.js';
import { ingest } from '../src/intake/ingest.js';
import { insertSourceSql, toSource, type SftpSource } from '../src/intake/sftp/source-store.js';
import { pollSource } from '../src/intake/sftp/poll-source.js';
import { createSftpTestbed, TEST_PASSWORD_ENV, type SftpTestbed } from './helpers/sftp-server.js';
import { linkJobs, storedRecords } from '../fixtures/intake/agencies.js';

const FIXTURES = path.resolve('fixtures/feeds');
const FORMATS = ['.csv', '.json', '.xml'];
const AGENCY_KIND: Record<string, string> = { prenatal: 'hospital', birth: 'hospital', household: 'police', marriage: 'civil_affairs', housing: 'housing' };

interface Sample {
  name: string;
  bytes: Buffer;
}

/** The fixture files of a feed, and a GB18030 copy of each UTF-8 CSV (as the every-feed test makes them). */
function samples(feed: string): Sample[] {
  const dir = path.join(FIXTURES, feed);
  const out: Sample[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!FORMATS.includes(path.extname(name))) continue;
    const bytes = fs.readFileSync(path.join(dir, name));
    out.push({ name, bytes });
    if (name.endsWith('.csv') && /[^\x00-\x7f]/.test(bytes.toString('utf8'))) {
      out.push({ name: name.replace(/\.csv$/, '.gb18030.csv'), bytes: iconv.encode(bytes.toString('utf8').replace(/^\uFEFF/, ''), 'gb18030') });
    }
  }
  return out;
}

const sftpAgency = (feed: string) => `SFTP-${feed}`;
const refAgency = (feed: string) => `REF-${feed}`;

type BatchRow = { name: string; status: string; channel: string; actor: string; counts: Record<string, number> };

async function batchesOf(t: SftpTestbed, agency: string): Promise<BatchRow[]> {
  return (
    await t.db.pool.query(
      `SELECT file_name AS name, status, channel, actor, json_build_object('received', received, 'accepted', accepted,
              'rejected', rejected, 'duplicate', duplicate, 'superseded', superseded) AS counts
       FROM batches WHERE agency = $1 ORDER BY id`,
      [agency],
    )
  ).rows;
}

async function rejectsOf(t: SftpTestbed, agency: string) {
  return (
    await t.db.pool.query(
      `SELECT b.file_name, r.position, r.seq, r.record_id, r.field, r.code FROM batch_rejects r JOIN batches b ON b.id = r.batch_id
       WHERE r.agency = $1 ORDER BY b.id, r.position, r.seq`,
      [agency],
    )
  ).rows;
}

describe('every feed and format, dropped over SFTP', () => {
  let t: SftpTestbed;
  const sources = new Map<string, SftpSource>();

  beforeAll(async () => {
    // One database and one SFTP server for the whole file; the testbed's own source is not used.
    t = await createSftpTestbed({ settleMs: 100 });
    for (const feed of FEED_KINDS) {
      for (const agency of [sftpAgency(feed), refAgency(feed)]) {
        await t.db.pool.query(`INSERT INTO agencies (code, name, kind, division, feeds) VALUES ($1, $1, $2, '430102', $3)`, [agency, AGENCY_KIND[feed], [feed]]);
      }
      const folder = `/drop/${feed}`;
      fs.mkdirSync(t.server.local(folder), { recursive: true });
      // A pattern per format the feed's fixtures come in, as an operator would configure it.
      const exts = [...new Set(samples(feed).map((s) => path.extname(s.name).slice(1)))];
      const row = (
        await t.db.pool.query(
          insertSourceSql({
            agency: sftpAgency(feed), host: t.server.host, port: t.server.port, username: 'hospital',
            passwordEnv: TEST_PASSWORD_ENV, keyFile: null, passphraseEnv: null, hostKey: t.server.hostKeyFingerprint,
            folder, routes: exts.map((e) => ({ pattern: `*.${e}`, feed: feed as FeedKind })),
            processedFolder: 'processed', rejectedFolder: 'rejected', settleMs: 100, enabled: true,
          }),
        )
      ).rows[0];
      sources.set(feed, toSource(row));
    }
  });
  afterAll(() => t?.close());

  for (const feed of FEED_KINDS) {
    it(`${feed}: every file taken over SFTP, same batches and records as the other channels`, async () => {
      const files = samples(feed);
      expect(files.length).toBeGreaterThan(1);
      const source = sources.get(feed)!;

      // Reference: the same files, in the same order, through the pipeline HTTP push and the CLI use.
      for (const f of files) {
        const b = await ingest(
          { pool: t.db.pool, log: t.deps.log },
          { agency: refAgency(feed), feed: feed as FeedKind, channel: 'cli', fileName: f.name, format: formatFromName(f.name), input: Readable.from([f.bytes]), actor: 'cli:test' },
        );
        expect(b.status, `${f.name}: ${JSON.stringify(b.error)}`).toBe('committed');
      }

      // The drop: the poller takes files oldest first, so give them increasing modification
      // times (whole seconds, as SFTP reports them) in the order the reference took them.
      const base = Math.floor(Date.now() / 1000) - 3600;
      files.forEach((f, i) => {
        const local = t.server.local(`${source.folder}/${f.name}`);
        fs.writeFileSync(local, f.bytes);
        fs.utimesSync(local, base + i, base + i);
      });

      const r = await pollSource(t.deps, source);
      expect(r.error).toBeUndefined();
      expect(r.growing).toEqual([]);
      expect(r.files.map((o) => [o.file, o.outcome])).toEqual(files.map((f) => [f.name, 'processed']));
      r.files.forEach((o) => expect(o).toMatchObject({ movedTo: `${source.folder}/processed/${o.file}` }));

      // Every file moved, byte for byte, and nothing left in the drop or in rejected/.
      const dir = t.server.local(source.folder);
      expect(fs.readdirSync(dir).sort()).toEqual(['processed', 'rejected']);
      expect(fs.readdirSync(path.join(dir, 'rejected'))).toEqual([]);
      expect(fs.readdirSync(path.join(dir, 'processed')).sort()).toEqual(files.map((f) => f.name).sort());
      for (const f of files) expect(fs.readFileSync(path.join(dir, 'processed', f.name)).equals(f.bytes), f.name).toBe(true);

      // One committed batch per file, channel sftp, the counts the other channels give for it.
      const viaSftp = await batchesOf(t, sftpAgency(feed));
      const viaRef = await batchesOf(t, refAgency(feed));
      expect(viaSftp.map((b) => ({ name: b.name, status: b.status, channel: b.channel, actor: b.actor }))).toEqual(
        files.map((f) => ({ name: f.name, status: 'committed', channel: 'sftp', actor: `sftp:${sftpAgency(feed)}` })),
      );
      expect(viaSftp.map((b) => [b.name, b.counts])).toEqual(viaRef.map((b) => [b.name, b.counts]));
      for (const b of viaSftp) expect(b.counts.received, b.name).toBe(b.counts.accepted + b.counts.duplicate + b.counts.rejected);
      expect(viaSftp.some((b) => b.counts.accepted > 0)).toBe(true);
      // As over HTTP: a GB18030 copy, taken right after its UTF-8 original, decodes to the very same records.
      viaSftp.forEach((b, i) => {
        if (!b.name.endsWith('.gb18030.csv')) return;
        const original = viaSftp[i - 1].counts;
        expect(b.counts, b.name).toMatchObject({ accepted: 0, rejected: original.rejected, duplicate: original.accepted + original.duplicate });
      });
      // Each committed SFTP batch hands over to linking, as the other channels' do.
      const ids = (await t.db.pool.query(`SELECT id FROM batches WHERE agency = $1 ORDER BY id`, [sftpAgency(feed)])).rows.map((x) => x.id as number);
      for (const id of ids) expect(await linkJobs(t.db.pool, id)).toBe(1);

      // The same stored records (id, content hash, version) and the same rejects.
      const strip = (rows: { record_id: string; hash: string; version: number }[]) => rows.map((x) => [x.record_id, x.hash, x.version]);
      const stored = await storedRecords(t.db.pool, sftpAgency(feed), feed);
      expect(stored.length).toBeGreaterThan(0);
      expect(strip(stored)).toEqual(strip(await storedRecords(t.db.pool, refAgency(feed), feed)));
      expect(await rejectsOf(t, sftpAgency(feed))).toEqual(await rejectsOf(t, refAgency(feed)));

      // A second poll finds nothing more to take.
      const again = await pollSource(t.deps, source);
      expect(again.files).toEqual([]);
      expect((await batchesOf(t, sftpAgency(feed))).length).toBe(files.length);
    });
  }
});
