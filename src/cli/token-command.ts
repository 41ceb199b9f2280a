import { Command, Option } from 'commander';
import { config } from '../config.js';
import { loadKeyRing } from '../auth/keys.js';
import { FEED_KINDS, ROLES, principalFromClaims } from '../auth/principal.js';
import { CliError } from './context.js';

export function tokenCommand(): Command {
  return new Command('token')
    .description('print a signed JWT for local use and tests (signed with the local key in YIPANQI_DATA_DIR)')
    .addOption(new Option('--role <role>', 'agency, township, county or admin').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--unit <code>', 'an agency code, or a division code (9 digits for a township, 6 for a county)')
    .option('--feeds <kinds>', `feed kinds an agency may send, comma-separated (${FEED_KINDS.join(', ')})`)
    .option('--sub <subject>', 'the subject (user or system) the token names')
    .option('--ttl <duration>', 'lifetime, e.g. 30m, 8h, 7d', '8h')
    .action(async (o: { role: string; unit: string; feeds?: string; sub?: string; ttl: string }) => {
      const feeds = o.feeds ? o.feeds.split(/[,、]/).map((f) => f.trim()).filter(Boolean) : [];
      const bad = feeds.filter((f) => !(FEED_KINDS as readonly string[]).includes(f));
      if (bad.length) throw new CliError(`unknown feed kind(s): ${bad.join(', ')}`);
      if (!/^\d+[smhdw]$/.test(o.ttl)) throw new CliError(`--ttl must look like 30m, 8h or 7d, got "${o.ttl}"`);
      const claims = { sub: o.sub ?? `${o.role}:${o.unit}`, role: o.role, unit: o.unit, feeds };
      try {
        principalFromClaims(claims);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      const keys = await loadKeyRing(config());
      if (!keys.sign) throw new CliError('tokens can only be minted with the local key (JWKS_URL or JWT_PUBLIC_KEY is set)');
      process.stdout.write(`${await keys.sign(claims, o.ttl)}\n`);
    });
}
