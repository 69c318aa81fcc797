/** `trellis people list|show`, `trellis ownership list|accept|decline` and `trellis identity settings`, through the REST API. */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { formatTable, print } from '../cli/output.ts';
import type { Services } from '../module.ts';
import type { PersonSummary } from './directory.ts';
import type { Offer } from './offers.ts';

function personText(p: PersonSummary): string {
  const row = (k: string, v: unknown) => `${k.padEnd(16)}${v === null || v === undefined || v === '' ? '—' : String(v)}`;
  return [
    `${p.ref}  ${p.display_name ?? p.user_name}  ${p.active ? 'active' : 'inactive'}`,
    row('id', p.id),
    row('user name', p.user_name),
    row('title', p.title),
    row('employment type', p.employment_type),
    row('department', p.department),
    row('cost center', p.cost_center),
    row('organization', p.organization),
    row('division', p.division),
    row('location', [p.location, p.country].filter(Boolean).join(', ')),
    row('manager', p.manager ? (p.manager.ref ?? p.manager.id) : null),
    row('groups', p.groups.join(', ')),
  ].join('\n');
}

export function registerIdentityCommands(program: Command, ctx: CliContext<Services>): void {
  const people = program.command('people').description('the directory of people the IdP provisions through SCIM (admin, reviewer, auditor)');
  people
    .command('list')
    .description('list people with their attributes')
    .option('--inactive', 'only deactivated people')
    .option('--active', 'only active people')
    .option('--department <name>', 'only this department')
    .addHelpText('after', '\nExamples:\n  trellis people list\n  trellis people list --active --department HR\n  trellis --output json people list')
    .action(async (opts: { inactive?: boolean; active?: boolean; department?: string }) => {
      const query: Record<string, string> = {};
      if (opts.active) query.active = 'true';
      if (opts.inactive) query.active = 'false';
      if (opts.department) query.department = opts.department;
      const r = await ctx.client().json<{ items: PersonSummary[] }>('GET', '/api/v1/people', { query });
      print(ctx.globals().output, r.items, () =>
        formatTable(
          r.items.map((p) => ({ ref: p.ref, name: p.display_name ?? p.user_name, active: p.active ? 'yes' : 'no', department: p.department ?? '', title: p.title ?? '', manager: p.manager?.ref ?? '' })),
          ['ref', 'name', 'active', 'department', 'title', 'manager'],
        ),
      );
    });
  people
    .command('show <ref>')
    .description('show one person (user:<email>, an e-mail or the SCIM id)')
    .addHelpText('after', '\nExamples:\n  trellis people show user:ana.hr@example.com\n  trellis people show ana.hr@example.com')
    .action(async (ref: string) => {
      const p = await ctx.client().json<PersonSummary>('GET', `/api/v1/people/${encodeURIComponent(ref)}`);
      print(ctx.globals().output, p, () => personText(p));
    });

  const ownership = program.command('ownership').description("ownership offers of departed owners' apps");
  ownership
    .command('list')
    .description('the offers made to you (every offer, for an admin)')
    .option('--status <status>', 'open | accepted | declined')
    .addHelpText('after', '\nExamples:\n  trellis ownership list\n  trellis ownership list --status open')
    .action(async (opts: { status?: string }) => {
      const r = await ctx.client().json<{ items: Offer[] }>('GET', '/api/v1/ownership-offers', { query: opts.status ? { status: opts.status } : {} });
      print(ctx.globals().output, r.items, () => formatTable(r.items as unknown as Record<string, unknown>[], ['id', 'app', 'from', 'to', 'via', 'status', 'created_at']));
    });
  for (const verdict of ['accept', 'decline'] as const) {
    ownership
      .command(`${verdict} <id>`)
      .description(verdict === 'accept' ? 'become the owner of the offered app (a suspended app stays suspended until a reviewer reinstates it)' : 'decline the offer')
      .addHelpText('after', `\nExample (the id is the first column of \`trellis ownership list\`):\n  trellis ownership ${verdict} off_3f9c2a71d04e8b65`)
      .action(async (id: string) => {
        const o = await ctx.client().json<Offer>('POST', `/api/v1/ownership-offers/${encodeURIComponent(id)}/${verdict}`);
        print(ctx.globals().output, o, () => `${o.id}: ${o.app} ${o.status}${o.status === 'accepted' ? ` (owner now ${o.to})` : ''}`);
      });
  }

  const identity = program.command('identity').description('identity settings (admin)');
  identity
    .command('settings')
    .description('show the identity settings, or change them')
    .option('--fallback-owner <ref>', "who is offered a departed owner's apps when they have no active manager (user:<email>), or none")
    .addHelpText('after', '\nExamples:\n  trellis identity settings\n  trellis identity settings --fallback-owner user:it-owner@example.com\n  trellis identity settings --fallback-owner none')
    .action(async (opts: { fallbackOwner?: string }) => {
      const client = ctx.client();
      const s =
        opts.fallbackOwner === undefined
          ? await client.json<{ fallback_owner: string | null }>('GET', '/api/v1/identity/settings')
          : await client.json<{ fallback_owner: string | null }>('PUT', '/api/v1/identity/settings', { body: { fallback_owner: opts.fallbackOwner === 'none' ? null : opts.fallbackOwner } });
      print(ctx.globals().output, s, () => `fallback owner  ${s.fallback_owner ?? '— (none: apps stay suspended without an offer)'}`);
    });
}
