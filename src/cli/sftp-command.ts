// `yipanqi sftp …`: configure agencies' SFTP drops, see how their polls went, poll one now.
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { FEED_KINDS, type FeedKind } from '../auth/principal.js';
import { keyFilePath, presentedHostKey } from '../intake/sftp/connect.js';
import { pollSource, type PollResult } from '../intake/sftp/poll-source.js';
import { parseRoute, type FeedRoute } from '../intake/sftp/routes.js';
import { insertSourceSql, listSources, removeSourceSql, setEnabledSql, toSource, type SftpSource } from '../intake/sftp/source-store.js';
import { CliError, withDatabase } from './context.js';

interface AddOptions {
  agency: string;
  host: string;
  port: string;
  user: string;
  folder: string;
  pattern: string[];
  feed?: FeedKind;
  passwordEnv?: string;
  keyFile?: string;
  passphraseEnv?: string;
  hostKey?: string;
  processed: string;
  rejected: string;
  settleMs: string;
  disabled?: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST_KEY = /^SHA256:[A-Za-z0-9+/]{43}$/;

function wholeNumber(v: string, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name} must be a whole number from ${min} to ${max}, got "${v}"`);
  return n;
}

function sourceId(v: string): number {
  return wholeNumber(v, 'the source id', 1, 2 ** 31 - 1);
}

/** Checks what can be checked here; the secrets themselves are read only by the poller. */
function validateAdd(o: AddOptions, agencyFeeds: string[], dataDir: string): FeedRoute[] {
  if (!!o.passwordEnv === !!o.keyFile) throw new CliError('give exactly one of --password-env VAR or --key-file PATH');
  if (o.passphraseEnv && !o.keyFile) throw new CliError('--passphrase-env goes with --key-file');
  for (const v of [o.passwordEnv, o.passphraseEnv]) {
    if (v && !ENV_NAME.test(v)) throw new CliError(`"${v}" is not an environment variable name (give the variable's name, not the secret)`);
    if (v && !process.env[v]) process.stderr.write(`note: ${v} is not set here; it must be set in the environment of "yipanqi serve"\n`);
  }
  if (o.hostKey && !HOST_KEY.test(o.hostKey)) throw new CliError('--host-key must look like SHA256:<43 base64 characters> (see "yipanqi sftp host-key")');
  if (!o.hostKey) process.stderr.write('note: no --host-key: any server key will be accepted (and logged); pinning it is recommended\n');
  if (o.keyFile) {
    const file = keyFilePath(o.keyFile, dataDir);
    let st: fs.Stats;
    try {
      fs.accessSync(file, fs.constants.R_OK);
      st = fs.statSync(file);
    } catch {
      throw new CliError(`cannot read the key file ${file}`);
    }
    if (st.mode & 0o077) process.stderr.write(`note: ${file} is readable by other users; chmod 600 it\n`);
  }
  if (!o.pattern.length) throw new CliError('give at least one --pattern (e.g. --pattern "*.csv")');
  const defaultFeed = o.feed ?? (agencyFeeds.length === 1 ? (agencyFeeds[0] as FeedKind) : undefined);
  let routes: FeedRoute[];
  try {
    routes = o.pattern.map((p) => parseRoute(p, defaultFeed));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const refused = routes.filter((r) => !agencyFeeds.includes(r.feed)).map((r) => r.feed);
  if (refused.length) {
    throw new CliError(`agency ${o.agency} may not send ${[...new Set(refused)].join(', ')} (its feeds: ${agencyFeeds.join(', ') || 'none'})`);
  }
  return routes;
}

function describe(s: SftpSource): string {
  const auth = s.passwordEnv ? `password $${s.passwordEnv}` : `key ${s.keyFile}${s.passphraseEnv ? ` (passphrase $${s.passphraseEnv})` : ''}`;
  const last = !s.lastPolledAt
    ? 'never polled'
    : `last poll ${s.lastPolledAt.toISOString()}: ${s.lastError ? `ERROR ${s.lastError}` : 'ok'}` +
      (s.lastError && s.lastOkAt ? ` (last ok ${s.lastOkAt.toISOString()})` : '');
  return [
    `#${s.id} ${s.agency} sftp://${s.username}@${s.host}:${s.port}${s.folder.startsWith('/') ? '' : '/'}${s.folder} ${s.enabled ? 'enabled' : 'DISABLED'}`,
    `    files:    ${s.routes.map((r) => `${r.pattern} → ${r.feed}`).join(', ')}; then to ${s.processedFolder}/ or ${s.rejectedFolder}/ (settle ${s.settleMs} ms)`,
    `    login:    ${auth}; host key ${s.hostKey ?? 'NOT PINNED'}`,
    `    status:   ${last}`,
  ].join('\n');
}

function report(s: SftpSource, r: PollResult): string {
  if (r.status === 'busy') return `#${s.id} ${s.agency}: another process is polling this source right now`;
  const lines = [`#${s.id} ${s.agency}: ${r.files.length} file(s) taken${r.growing.length ? `, ${r.growing.length} still being written` : ''}`];
  for (const f of r.files) {
    lines.push(
      '  ' +
        (f.outcome === 'left' || f.outcome === 'error'
          ? `${f.file}: ${f.outcome} (${f.reason})`
          : `${f.file}: ${f.outcome}, batch ${f.batchId} → ${f.movedTo}`),
    );
  }
  if (r.error) lines.push(`  ERROR ${r.error}`);
  return lines.join('\n');
}

export function sftpCommand(): Command {
  const sftp = new Command('sftp').description("agencies' SFTP drops: configure, inspect, poll (docs/sftp.md)");

  sftp
    .command('add')
    .description("add an agency's SFTP drop folder to be polled")
    .requiredOption('--agency <code>', 'the agency that drops the files')
    .requiredOption('--host <host>', 'SFTP server')
    .option('--port <port>', 'SSH port', '22')
    .requiredOption('--user <name>', 'login name')
    .requiredOption('--folder <path>', 'the drop folder on the server')
    .option('--pattern <glob[=feed]>', 'file names to take, e.g. "*.csv" or "births_*.csv=birth" (repeat it for more; the first match wins)', (v: string, all: string[]) => [...all, v], [])
    .addOption(new Option('--feed <kind>', "feed of patterns without =feed (default: the agency's only feed)").choices([...FEED_KINDS]))
    .option('--password-env <VAR>', 'environment variable that holds the password')
    .option('--key-file <path>', 'private key file (relative paths are under YIPANQI_DATA_DIR)')
    .option('--passphrase-env <VAR>', "environment variable that holds the key's passphrase")
    .option('--host-key <SHA256:…>', 'pin the server key fingerprint (ssh-keygen -lf, or "yipanqi sftp host-key")')
    .option('--processed <folder>', 'where ingested files go (relative to --folder unless absolute)', 'processed')
    .option('--rejected <folder>', 'where unreadable files go, with a .error.txt', 'rejected')
    .option('--settle-ms <ms>', "a file is taken when its size and time don't change for this long", '5000')
    .option('--disabled', 'add it switched off')
    .action(async (o: AddOptions) =>
      withDatabase(async ({ cfg, db }) => {
        const agency = (await db.pool.query('SELECT feeds FROM agencies WHERE code = $1', [o.agency])).rows[0] as { feeds: string[] } | undefined;
        if (!agency) throw new CliError(`no agency ${o.agency} (import agencies first)`);
        const routes = validateAdd(o, agency.feeds, cfg.dataDir);
        try {
          const row = (
            await db.pool.query(
              insertSourceSql({
                agency: o.agency,
                host: o.host,
                port: wholeNumber(o.port, '--port', 1, 65535),
                username: o.user,
                passwordEnv: o.passwordEnv ?? null,
                keyFile: o.keyFile ?? null,
                passphraseEnv: o.passphraseEnv ?? null,
                hostKey: o.hostKey ?? null,
                folder: o.folder,
                routes,
                processedFolder: o.processed,
                rejectedFolder: o.rejected,
                settleMs: wholeNumber(o.settleMs, '--settle-ms', 0, 600_000),
                enabled: !o.disabled,
              }),
            )
          ).rows[0];
          process.stdout.write(`${describe(toSource(row))}\nTry it now: yipanqi sftp poll --id ${row.id}\n`);
        } catch (err) {
          if ((err as { code?: string }).code === '23505') throw new CliError('this agency already has a source for that server, user and folder (yipanqi sftp list)');
          throw err;
        }
      }),
    );

  sftp
    .command('list')
    .description('the configured SFTP drops, with when each was last polled and its last error')
    .option('--agency <code>', 'only this agency')
    .option('--json', 'as JSON')
    .action(async (o: { agency?: string; json?: boolean }) =>
      withDatabase(async ({ db }) => {
        const sources = await listSources(db.pool, { agency: o.agency });
        if (o.json) process.stdout.write(`${JSON.stringify(sources, null, 2)}\n`);
        else process.stdout.write(sources.length ? `${sources.map(describe).join('\n')}\n` : 'no SFTP sources (add one with "yipanqi sftp add")\n');
      }),
    );

  sftp
    .command('remove')
    .description('remove an SFTP drop (files already ingested stay)')
    .argument('<id>', 'source id (see "yipanqi sftp list")')
    .action(async (id: string) =>
      withDatabase(async ({ db }) => {
        if (!(await db.pool.query(removeSourceSql(sourceId(id)))).rowCount) throw new CliError(`no SFTP source #${id}`);
        process.stdout.write(`removed SFTP source #${id}\n`);
      }),
    );

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    sftp
      .command(name)
      .description(`${name} polling of an SFTP drop`)
      .argument('<id>', 'source id')
      .action(async (id: string) =>
        withDatabase(async ({ db }) => {
          if (!(await db.pool.query(setEnabledSql(sourceId(id), enabled))).rowCount) throw new CliError(`no SFTP source #${id}`);
          process.stdout.write(`SFTP source #${id} ${enabled ? 'enabled' : 'disabled'}\n`);
        }),
      );
  }

  sftp
    .command('poll')
    .description('poll the enabled SFTP drops once, now (all, one agency, or one source)')
    .option('--agency <code>', "only this agency's drops")
    .option('--id <id>', 'only this source (even when disabled)')
    .action(async (o: { agency?: string; id?: string }) =>
      withDatabase(async ({ cfg, log, db }) => {
        const id = o.id === undefined ? undefined : sourceId(o.id);
        const sources = await listSources(db.pool, { agency: o.agency, id, enabledOnly: id === undefined });
        if (!sources.length) throw new CliError('no enabled SFTP source matches');
        let failed = 0;
        for (const s of sources) {
          const r = await pollSource({ pool: db.pool, log, dataDir: cfg.dataDir }, s);
          if (r.error) failed++;
          process.stdout.write(`${report(s, r)}\n`);
        }
        if (failed) throw new CliError(`${failed} of ${sources.length} source(s) had errors (also in "yipanqi sftp list")`);
      }),
    );

  sftp
    .command('host-key')
    .description("print an SFTP server's host key fingerprint, to check with the agency and pin")
    .requiredOption('--host <host>', 'SFTP server')
    .option('--port <port>', 'SSH port', '22')
    .action(async (o: { host: string; port: string }) => {
      process.stdout.write(`${await presentedHostKey(o.host, wholeNumber(o.port, '--port', 1, 65535))}\n`);
    });

  return sftp;
}
