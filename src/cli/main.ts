// The `yipanqi` command (../shared/spec/api.md, "Command line").
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { CliError } from './context.js';
import { serveCommand } from './serve-command.js';
import { sftpCommand } from './sftp-command.js';
import { tokenCommand } from './token-command.js';
import { referenceCommands } from './reference-commands.js';
import { auditCommand } from './audit-command.js';
import { usersCommand } from '../coordination/users/users-command.js';
import { feedCommand } from './feed-command.js';
import { linksCommand } from './links-command.js';

const program = new Command('yipanqi')
  .description('Inter-agency data-exchange gateway for population-information platforms')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(tokenCommand());
program.addCommand(sftpCommand());
for (const c of referenceCommands()) program.addCommand(c);
program.addCommand(auditCommand());
program.addCommand(usersCommand());
program.addCommand(feedCommand());
program.addCommand(linksCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else {
    const e = err as Error;
    const known = e instanceof CliError || e instanceof ConfigError;
    process.stderr.write(`yipanqi: ${e.message}${!known && e.cause ? ` (${(e.cause as Error).message ?? e.cause})` : ''}\n`);
    if (!known && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}

// Leave at once on failure (a pool or worker thread still closing must not hold the process), but
// only after stdout and stderr are flushed: writes to a pipe are asynchronous, and process.exit()
// would cut off the summary a script reads.
if (process.exitCode) {
  const code = Number(process.exitCode);
  let pending = 2;
  const done = () => --pending === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}
