// `yipanqi users add|disable|password`: the first admin, and rescue when nobody can log in.
// A password never goes on the command line (it would sit in the shell history and `ps`): it is
// read from standard input (--password-stdin) or from YIPANQI_NEW_PASSWORD.
import { Command, Option } from 'commander';
import { FEED_KINDS, ROLES, type FeedKind, type Role } from '../../auth/principal.js';
import { AppError } from '../../errors.js';
import { CliError, withDatabase } from '../../cli/context.js';
import { CLI_ACTOR, createUser, patchUser, resetPassword } from './user-service.js';
import { userByNameSql, type UserRow } from './user-repo.js';

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    let text = '';
    for await (const chunk of process.stdin) text += String(chunk);
    const line = text.split(/\r?\n/)[0];
    if (!line) throw new CliError('no password on standard input');
    return line;
  }
  const env = process.env.YIPANQI_NEW_PASSWORD;
  if (!env) throw new CliError('give the password on standard input with --password-stdin, or in YIPANQI_NEW_PASSWORD');
  return env;
}

const asCliError = (err: unknown) => (err instanceof AppError ? new CliError(err.message) : err);

export function usersCommand(): Command {
  const users = new Command('users').description('gateway users (system maintenance): add, disable, set a password');
  users
    .command('add')
    .description('create a user, e.g. the first admin: yipanqi users add --username admin --role admin --unit 00 --password-stdin')
    .requiredOption('--username <name>', 'letters, digits and . _ @ -, 3 to 64 characters')
    .addOption(new Option('--role <role>', 'agency, township, county or admin').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--unit <code>', 'an agency code, or a division code (9 digits for a township, 6 for a county)')
    .option('--feeds <kinds>', `feed kinds an agency user may send, comma-separated (${FEED_KINDS.join(', ')})`)
    .option('--display-name <name>', 'the name shown in the pages')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (o: { username: string; role: Role; unit: string; feeds?: string; displayName?: string; passwordStdin?: boolean }) => {
      const feeds = (o.feeds ? o.feeds.split(',').map((f) => f.trim()).filter(Boolean) : []) as FeedKind[];
      const bad = feeds.filter((f) => !(FEED_KINDS as readonly string[]).includes(f));
      if (bad.length) throw new CliError(`unknown feed kind(s): ${bad.join(', ')}`);
      const password = await readPassword(Boolean(o.passwordStdin));
      await withDatabase(async ({ cfg, db }) => {
        const u = await createUser(db.pool, cfg, CLI_ACTOR, { username: o.username, role: o.role, unit: o.unit, feeds, displayName: o.displayName, password }).catch((e) => {
          throw asCliError(e);
        });
        process.stdout.write(`created user ${u.username} (id ${u.id}, ${u.role} ${u.unit})\n`);
      });
    });
  for (const [name, description] of [['disable', 'disable a user'], ['enable', 'enable a disabled user and lift a lockout']] as const) {
    users
      .command(name)
      .description(description)
      .argument('<username>')
      .action(async (username: string) => {
        await withDatabase(async ({ db }) => {
          const row = (await db.pool.query<UserRow>(userByNameSql(username))).rows[0];
          if (!row) throw new CliError(`no user ${username}`);
          const cli = { ...CLI_ACTOR, feeds: [] } as unknown as Parameters<typeof patchUser>[1];
          await patchUser(db.pool, cli, row.id, name === 'disable' ? { active: false } : { active: true, unlock: true }).catch((e) => {
            throw asCliError(e);
          });
          process.stdout.write(`${name}d ${username}\n`);
        });
      });
  }
  users
    .command('password')
    .description('set a new password for a user (audited)')
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, o: { passwordStdin?: boolean }) => {
      const password = await readPassword(Boolean(o.passwordStdin));
      await withDatabase(async ({ cfg, db }) => {
        const row = (await db.pool.query<UserRow>(userByNameSql(username))).rows[0];
        if (!row) throw new CliError(`no user ${username}`);
        await resetPassword(db.pool, cfg, CLI_ACTOR, row.id, password).catch((e) => {
          throw asCliError(e);
        });
        process.stdout.write(`password set for ${username}\n`);
      });
    });
  return users;
}
