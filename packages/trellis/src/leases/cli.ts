/**
 * `trellis leases …`: list, show, renew and revoke dynamic database credentials through the
 * REST API. No command ever prints a password: the API has none to give.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { formatTable, print } from '../cli/output.ts';
import type { LeaseInfo, LeaseList } from './service.ts';

const base = '/api/v1/leases';
const path = (id: string, rest = '') => `${base}/${encodeURIComponent(id)}${rest}`;

function leaseText(l: LeaseInfo): string {
  const lines: [string, unknown][] = [
    ['id', l.id],
    ['state', l.state + (l.revoked_reason ? ` (${l.revoked_reason})` : '')],
    ['app', l.app],
    ['connector', l.connector],
    ['role', `${l.role} on ${l.database.host}:${l.database.port}/${l.database.database}`],
    ['created', l.created_at],
    ['expires', l.expires_at],
    ['max', l.max_expires_at],
    ['renewed', l.renewed_at],
    ['ended', l.revoked_at],
    ['dropped', l.dropped_at ?? (l.state === 'active' ? null : `not yet${l.drop_error ? `: ${l.drop_error}` : ''}`)],
  ];
  const grants = l.grants.map((g) => `  ${g.privileges.join(',')} ${g.table} (${g.columns.join(', ')})`);
  return [...lines.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k.padEnd(10)} ${String(v)}`), 'grants', ...grants].join('\n');
}

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${flag} must be a whole number from ${min} to ${max}`, exitCodes.usage);
  return n;
}

export function registerLeaseCommands(program: Command, ctx: CliContext): void {
  const leases = program.command('leases').description('dynamic database credentials: per-app roles with a lease');

  leases
    .command('list')
    .description('list leases, newest first')
    .option('--app <name>', 'only this app')
    .option('--connector <name>', 'only this connector')
    .option('--state <state>', 'active | revoked | expired')
    .option('--limit <n>', 'leases per page (1-200)', '50')
    .option('--cursor <cursor>', 'continue after a previous page')
    .addHelpText('after', '\nExamples:\n  trellis leases list --state active\n  trellis leases list --app leave-requests --output json')
    .action(async (opts: { app?: string; connector?: string; state?: string; limit: string; cursor?: string }) => {
      if (opts.state !== undefined && !['active', 'revoked', 'expired'].includes(opts.state)) throw new CliError('--state must be active, revoked or expired', exitCodes.usage);
      const page = await ctx.client().json<LeaseList>('GET', base, { query: { app: opts.app, connector: opts.connector, state: opts.state, limit: wholeNumber(opts.limit, '--limit', 1, 200), cursor: opts.cursor } });
      print(ctx.globals().output, page, () => {
        const table = formatTable(
          page.items.map((l) => ({ id: l.id, state: l.state, app: l.app, connector: l.connector, role: l.role, expires: l.expires_at })),
          ['id', 'state', 'app', 'connector', 'role', 'expires'],
        );
        return page.next_cursor ? `${table}\n\nmore: --cursor ${page.next_cursor}` : table;
      });
    });

  leases
    .command('show')
    .description('show a lease: its role, grants and times')
    .argument('<id>', 'the lease, lse_…')
    .action(async (id: string) => {
      const l = await ctx.client().json<LeaseInfo>('GET', path(id));
      print(ctx.globals().output, l, () => leaseText(l));
    });

  leases
    .command('renew')
    .description("extend an active lease (never past its maximum); the role's VALID UNTIL moves with it")
    .argument('<id>', 'the lease, lse_…')
    .option('--ttl <seconds>', 'new remaining life from now (default: the connector maximum)')
    .addHelpText('after', '\nExample:\n  trellis leases renew lse_0f1e2d3c4b5a69788796 --ttl 3600')
    .action(async (id: string, opts: { ttl?: string }) => {
      const body = opts.ttl === undefined ? {} : { ttl_seconds: wholeNumber(opts.ttl, '--ttl', 60, 366 * 24 * 3600) };
      const l = await ctx.client().json<LeaseInfo>('POST', path(id, '/renew'), { body });
      print(ctx.globals().output, l, () => `renewed ${l.id} until ${l.expires_at} (maximum ${l.max_expires_at})`);
    });

  leases
    .command('revoke')
    .description('revoke a lease: its sessions are ended and its role dropped')
    .argument('<id>', 'the lease, lse_…')
    .option('--reason <text>', 'why (kept in the lease and the audit trail)')
    .action(async (id: string, opts: { reason?: string }) => {
      const l = await ctx.client().json<LeaseInfo>('DELETE', path(id), { body: opts.reason ? { reason: opts.reason } : {} });
      print(ctx.globals().output, l, () => `revoked ${l.id}: role ${l.role} ${l.dropped_at ? 'dropped' : `not dropped yet (${l.drop_error ?? 'retrying'})`}`);
    });
}
