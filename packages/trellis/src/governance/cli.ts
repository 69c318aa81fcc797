/**
 * `trellis reviews list|show|approve|reject|request-changes`, `trellis policy impact`,
 * `trellis governance settings` and `trellis apps risk-override`, through the REST API.
 * Reviews are named by id (rev_…) or by app name (its open review), as a reviewer thinks of them.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { readTextInput } from '../cli/input.ts';
import { formatTable, print } from '../cli/output.ts';
import type { AppDetail } from '../catalog/index.ts';
import { riskTiers } from '../catalog/index.ts';
import type { ImpactResult, Review } from './schema.ts';
import { checklistItems, reviewStatuses } from './vocabulary.ts';

type Client = ReturnType<CliContext['client']>;

/** A review id, or an app name whose open review is meant. */
async function resolveReview(client: Client, ref: string): Promise<string> {
  if (/^rev_[0-9a-f]{16}$/.test(ref)) return ref;
  const page = await client.json<{ items: Review[] }>('GET', '/api/v1/reviews', { query: { status: 'open', app: ref, limit: '1' } });
  const open = page.items[0];
  if (!open) throw new CliError(`${ref} has no open review`, exitCodes.notFound, 'list the queue with: trellis reviews list');
  return open.id;
}

function reviewText(r: Review): string {
  const lines = [
    `${r.id}  ${r.app} version ${r.version} (${r.kind})  ${r.status}`,
    `owner          ${r.owner}`,
    `classification ${r.classification ?? '(none)'}`,
    `risk           ${r.risk.tier} ${r.risk.score}/100`,
    `submitted      ${r.submitted_at} by ${r.submitted_by.name ?? r.submitted_by.id}`,
  ];
  if (r.decided_at && r.decided_by) lines.push(`decided        ${r.decided_at} by ${r.decided_by.name ?? r.decided_by.id}${r.decision_ms !== null ? ` after ${Math.round(r.decision_ms / 1000)} s` : ''}`);
  if (r.comment) lines.push(`comment        ${r.comment}`);
  if (r.reasons.length > 0) lines.push('needs review because:', ...r.reasons.map((x) => `  - ${x}`));
  return lines.join('\n');
}

function parseChecklist(value: string | undefined): Record<string, boolean> | undefined {
  if (value === undefined) return undefined;
  const items = value === 'all' ? [...checklistItems] : value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((i) => !(checklistItems as readonly string[]).includes(i));
  if (unknown.length > 0) throw new CliError(`--checklist: unknown item ${unknown.join(', ')}; the items are ${checklistItems.join(', ')} (or all)`, exitCodes.usage);
  return Object.fromEntries(items.map((i) => [i, true]));
}

export function registerGovernanceCommands(program: Command, ctx: CliContext): void {
  const reviews = program.command('reviews').description('the review queue: list, show, approve, reject, request changes');

  reviews
    .command('list')
    .description('reviews; the open queue (oldest first) by default')
    .option('--status <status>', reviewStatuses.join(' | '), 'open')
    .option('--app <name>', 'reviews of one app')
    .option('--limit <n>', 'reviews per page (1-200)', '50')
    .addHelpText('after', '\nExamples:\n  trellis reviews list\n  trellis reviews list --status approved --app leave-requests')
    .action(async (opts: { status: string; app?: string; limit: string }) => {
      if (!(reviewStatuses as readonly string[]).includes(opts.status)) throw new CliError(`--status must be one of ${reviewStatuses.join(', ')}`, exitCodes.usage);
      const r = await ctx.client().json<{ items: Review[]; next_cursor: string | null }>('GET', '/api/v1/reviews', { query: { status: opts.status, limit: opts.limit, ...(opts.app ? { app: opts.app } : {}) } });
      print(ctx.globals().output, r, () =>
        formatTable(
          r.items.map((x) => ({ id: x.id, app: x.app, version: x.version, kind: x.kind, status: x.status, class: x.classification, risk: `${x.risk.tier} ${x.risk.score}`, submitted: x.submitted_at, by: x.submitted_by.name ?? x.submitted_by.id })),
          ['id', 'app', 'version', 'kind', 'status', 'class', 'risk', 'submitted', 'by'],
        ),
      );
    });

  reviews
    .command('show <review>')
    .description('a review (by id, or an app name for its open review) with the policy messages, risk factors and checklist')
    .action(async (ref: string) => {
      const client = ctx.client();
      const id = await resolveReview(client, ref);
      const r = await client.json<{ review: Review; app: AppDetail; checklist: { item: string; description: string }[] }>('GET', `/api/v1/reviews/${id}`);
      print(ctx.globals().output, r, () =>
        [
          reviewText(r.review),
          ...(r.app.decision?.warn.length ? ['policy warnings:', ...r.app.decision.warn.map((w) => `  - ${w}`)] : []),
          ...(r.app.risk ? ['risk factors:', ...r.app.risk.factors.filter((f) => f.points > 0).map((f) => `  ${f.name.padEnd(15)} ${String(f.points).padStart(5)}  ${f.reason}`)] : []),
          'checklist:',
          ...r.checklist.map((c) => `  [${r.review.checklist?.[c.item] ? 'x' : ' '}] ${c.item}: ${c.description}`),
        ].join('\n'),
      );
    });

  const verdict = (name: 'approve' | 'reject' | 'request-changes', description: string) => {
    const cmd = reviews
      .command(`${name} <review>`)
      .description(description)
      .option('--comment <text>', name === 'approve' ? 'a note for the owner' : 'why (required): the owner reads it');
    if (name === 'approve') cmd.option('--checklist <items>', `confirmed checklist items, comma-separated, or all: ${checklistItems.join(', ')}`);
    cmd.addHelpText('after', name === 'approve' ? '\nExample:\n  trellis reviews approve leave-requests --checklist all --comment "ok for HR managers"' : `\nExample:\n  trellis reviews ${name} leave-requests --comment "drop the ssn field"`);
    cmd.action(async (ref: string, opts: { comment?: string; checklist?: string }) => {
      const client = ctx.client();
      const id = await resolveReview(client, ref);
      const checklist = parseChecklist(opts.checklist);
      const r = await client.json<Review>('POST', `/api/v1/reviews/${id}/${name}`, { body: { ...(opts.comment ? { comment: opts.comment } : {}), ...(checklist ? { checklist } : {}) } });
      print(ctx.globals().output, r, () => `${r.app} version ${r.version}: review ${r.id} ${r.status}`);
    });
  };
  verdict('approve', 'approve the version under review: it becomes the version in force');
  verdict('reject', 'reject the version under review (an app in force keeps its approved version)');
  verdict('request-changes', 'send the version back to its owner with a comment');

  // Impact analysis sits with the other policy commands, where an admin about to activate looks.
  const policy = program.commands.find((c) => c.name() === 'policy') ?? program.command('policy');
  policy
    .command('impact <bundle>')
    .description('before activating: decide every app again under a bundle (a stored version, or a directory as a draft) and list the apps whose decision changes')
    .option('--limit <n>', 'most changed apps listed', '1000')
    .option('--v0', 'parse the directory\'s modules with the older v0 syntax')
    .addHelpText('after', '\nExit status 1 when some app would flip to deny.\nExamples:\n  trellis policy impact 7\n  trellis policy impact policies/')
    .action(async (bundle: string, opts: { limit: string; v0?: boolean }) => {
      let body: unknown;
      if (/^\d+$/.test(bundle)) body = { bundle: Number(bundle) };
      else {
        const { readBundleDirectory } = await import('../policy/index.ts');
        const loaded = readBundleDirectory(bundle);
        body = { bundle: { modules: loaded.modules, data: loaded.data, ...(opts.v0 ? { regoVersion: 'v0' } : {}) } };
      }
      const r = await ctx.client().json<ImpactResult>('POST', '/api/v1/policy/impact', { body: { ...(body as object), limit: Number(opts.limit) } });
      print(ctx.globals().output, r, () =>
        [
          `${r.apps} app${r.apps === 1 ? '' : 's'} decided again in ${r.duration_ms} ms: ${r.changed} would change (${r.flips.to_deny} to deny, ${r.flips.to_allow} to allow)`,
          ...r.items.map((i) => [`${i.app} (${i.status}): ${i.change === 'messages' ? 'messages change' : i.change.replace('_', ' ')}`, ...i.added.map((m) => `  + ${m}`), ...i.removed.map((m) => `  - ${m}`)].join('\n')),
          ...(r.truncated ? [`(${r.changed - r.items.length} more not listed; raise --limit)`] : []),
        ].join('\n'),
      );
      if (r.flips.to_deny > 0) process.exitCode = exitCodes.failed;
    });

  const governance = program.command('governance').description('governance settings: the tag → tier table, risk weights and thresholds');
  governance
    .command('settings')
    .description('show the settings, or change them from a JSON file (each part given is replaced whole)')
    .option('-f, --file <file>', 'JSON with tag_tiers, risk, or both')
    .addHelpText('after', '\nExamples:\n  trellis governance settings\n  trellis governance settings -f settings.json')
    .action(async (opts: { file?: string }) => {
      const client = ctx.client();
      let result: unknown;
      if (opts.file) {
        const text = await readTextInput(opts.file, 'pass the settings with -f FILE');
        let patch: unknown;
        try {
          patch = JSON.parse(text) as unknown;
        } catch (err) {
          throw new CliError(`${opts.file} is not JSON: ${(err as Error).message}`, exitCodes.usage);
        }
        result = await client.json('PATCH', '/api/v1/governance/settings', { body: patch });
      } else result = await client.json('GET', '/api/v1/governance/settings');
      print(ctx.globals().output, result, () => JSON.stringify(result, null, 2));
    });

  const apps = program.commands.find((c) => c.name() === 'apps') ?? program.command('apps');
  apps
    .command('risk-override <name>')
    .description("set an app's risk tier with a reason (admins), or remove the override with --clear")
    .option('--tier <tier>', riskTiers.join(' | '))
    .option('--reason <text>', 'why (kept with the app and in the audit trail)')
    .option('--clear', 'remove the override: the computed tier applies again')
    .addHelpText('after', '\nExamples:\n  trellis apps risk-override leave-requests --tier low --reason "read-only replica of public data"\n  trellis apps risk-override leave-requests --clear')
    .action(async (name: string, opts: { tier?: string; reason?: string; clear?: boolean }) => {
      const path = `/api/v1/apps/${encodeURIComponent(name)}/risk-override`;
      let app: AppDetail;
      if (opts.clear) app = await ctx.client().json<AppDetail>('DELETE', path);
      else {
        if (!opts.tier || !(riskTiers as readonly string[]).includes(opts.tier)) throw new CliError(`--tier must be one of ${riskTiers.join(', ')}`, exitCodes.usage);
        if (!opts.reason) throw new CliError('--reason is required: say why the computed tier is wrong', exitCodes.usage);
        app = await ctx.client().json<AppDetail>('PUT', path, { body: { tier: opts.tier, reason: opts.reason } });
      }
      print(ctx.globals().output, app, () => `${app.name}: risk ${app.risk?.tier} (computed ${app.risk?.computed_tier}, score ${app.risk?.score})`);
    });
}
