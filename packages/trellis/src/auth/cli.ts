/** `trellis tokens …` and `trellis whoami`. */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { formatTable, print } from '../cli/output.ts';
import type { TokenInfo } from './service.ts';

export function registerTokenCommands(program: Command, ctx: CliContext): void {
  program
    .command('whoami')
    .description('show the identity and role behind the current token')
    .action(async () => {
      const me = await ctx.client().json<{ name: string; role: string; token_id: string }>('GET', '/api/v1/whoami');
      print(ctx.globals().output, me, () => `${me.name} (role ${me.role}, token ${me.token_id})`);
    });

  const tokens = program.command('tokens').description('API tokens for people and automation (admin)');
  tokens
    .command('create')
    .description('create a token; its secret is printed once')
    .requiredOption('--name <name>', 'a label, e.g. ci-pipeline')
    .requiredOption('--role <role>', 'admin | reviewer | builder | auditor | viewer')
    .option('--expires-in-days <n>', 'expiry in days (default: none)')
    .addHelpText('after', '\nExample:\n  trellis tokens create --name ci --role builder --expires-in-days 90')
    .action(async (opts: { name: string; role: string; expiresInDays?: string }) => {
      const body = { name: opts.name, role: opts.role, ...(opts.expiresInDays ? { expires_in_days: Number(opts.expiresInDays) } : {}) };
      const t = await ctx.client().json<TokenInfo & { token: string }>('POST', '/api/v1/tokens', { body });
      print(ctx.globals().output, t, () => `created token ${t.id} (${t.name}, role ${t.role}). Store it now; it is not shown again:\n${t.token}`);
    });
  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async () => {
      const r = await ctx.client().json<{ items: TokenInfo[] }>('GET', '/api/v1/tokens');
      print(ctx.globals().output, r.items, () => formatTable(r.items as unknown as Record<string, unknown>[], ['id', 'name', 'role', 'created_at', 'expires_at', 'revoked_at', 'last_used_at']));
    });
  tokens
    .command('revoke <id>')
    .description('revoke a token at once')
    .action(async (id: string) => {
      await ctx.client().json('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
      print(ctx.globals().output, { revoked: id }, () => `revoked token ${id}`);
    });
}
