/** `trellis tokens …` and `trellis whoami`. */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { formatTable, print } from '../cli/output.ts';
import type { Services } from '../module.ts';
import type { Actor } from '../audit/index.ts';
import type { TokenInfo } from './service.ts';

/** Who `tokens bootstrap` acts as in the audit trail: the operator at the machine, through Trellis itself. */
const operatorActor: Actor = { type: 'system', id: 'operator', name: 'trellis tokens bootstrap' };

export function registerTokenCommands(program: Command, ctx: CliContext<Services>): void {
  program
    .command('whoami')
    .description('show the identity and role behind the current token')
    .addHelpText('after', '\nExamples:\n  trellis whoami\n  trellis --output json whoami\n  TRELLIS_TOKEN=trl_… trellis --server https://trellis.example.org whoami')
    .action(async () => {
      const me = await ctx.client().json<{ name: string; role: string; token_id: string }>('GET', '/api/v1/whoami');
      print(ctx.globals().output, me, () => `${me.name} (role ${me.role}, token ${me.token_id})`);
    });

  const tokens = program.command('tokens').description('API tokens for people and automation (admin)');
  tokens
    .command('create')
    .description('create a token; its secret is printed once')
    .requiredOption('--name <name>', 'a label, e.g. ci-pipeline')
    .requiredOption('--role <role>', 'admin | reviewer | builder | auditor | viewer | provisioner (the IdP\'s SCIM client)')
    .option('--expires-in-days <n>', 'expiry in days (default: none)')
    .option('--subject <person>', 'the person the token acts for (user:<email>); reviewers need one so nobody approves their own app')
    .addHelpText('after', '\nExamples:\n  trellis tokens create --name ci --role builder --expires-in-days 90\n  trellis tokens create --name ana --role reviewer --subject user:ana@example.com\n  trellis tokens create --name okta-scim --role provisioner')
    .action(async (opts: { name: string; role: string; expiresInDays?: string; subject?: string }) => {
      const body = { name: opts.name, role: opts.role, ...(opts.expiresInDays ? { expires_in_days: Number(opts.expiresInDays) } : {}), ...(opts.subject ? { subject: opts.subject } : {}) };
      const t = await ctx.client().json<TokenInfo & { token: string }>('POST', '/api/v1/tokens', { body });
      print(ctx.globals().output, t, () => `created token ${t.id} (${t.name}, role ${t.role}). Store it now; it is not shown again:\n${t.token}`);
    });
  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .addHelpText('after', '\nExamples:\n  trellis tokens list\n  trellis --output json tokens list')
    .action(async () => {
      const r = await ctx.client().json<{ items: TokenInfo[] }>('GET', '/api/v1/tokens');
      print(ctx.globals().output, r.items, () => formatTable(r.items as unknown as Record<string, unknown>[], ['id', 'name', 'role', 'created_at', 'expires_at', 'revoked_at', 'last_used_at']));
    });
  tokens
    .command('revoke <id>')
    .description('revoke a token at once')
    .addHelpText('after', '\nExample (the id is the first column of `trellis tokens list`):\n  trellis tokens revoke 3f9c2a71d04e8b65')
    .action(async (id: string) => {
      await ctx.client().json('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      print(ctx.globals().output, { revoked: id }, () => `revoked token ${id}`);
    });
  tokens
    .command('bootstrap')
    .description('create an admin token straight in the database, without a server: the way in for `serve --no-dev`, or when the first start\'s token was lost')
    .option('--data-dir <dir>', 'the data directory of an embedded (SQLite) installation (env TRELLIS_DATA_DIR; default .trellis)')
    .option('--database-url <url>', 'postgres://… of a PostgreSQL installation (env TRELLIS_DATABASE_URL)')
    .option('--config <file>', 'the server\'s config file, read as `serve` reads it')
    .option('--name <name>', 'a label for the token', 'bootstrap-admin')
    .addHelpText(
      'after',
      [
        '',
        'Run it on a machine that holds the installation: it opens the database directly (the',
        'server may be running or not), checks the master key as the server does (TRELLIS_MASTER_KEY',
        'or master.key in the data directory), and audits the creation (actor system/operator).',
        'It refuses a directory or URL that holds no Trellis database. The token is printed once.',
        '',
        'Examples:',
        '  trellis tokens bootstrap --data-dir .trellis',
        '  TRELLIS_MASTER_KEY=… trellis tokens bootstrap --database-url postgres://trellis@db/trellis --name ops-recovery',
      ].join('\n'),
    )
    .action(async (opts: { dataDir?: string; databaseUrl?: string; config?: string; name: string }) => {
      const installation = await ctx.openInstallation({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, config: opts.config });
      let t: TokenInfo & { token: string };
      try {
        t = await installation.services.tokens.create(operatorActor, { name: opts.name, role: 'admin' });
      } finally {
        await installation.close();
      }
      print(ctx.globals().output, t, () =>
        [
          `created admin token ${t.id} (${t.name}) in ${installation.where}. It is shown this once; store it now:`,
          `  export TRELLIS_TOKEN=${t.token}`,
          'Create named tokens with `trellis tokens create` and revoke this one when done.',
        ].join('\n'),
      );
    });
}
