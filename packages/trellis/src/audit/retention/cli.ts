/** `trellis audit retention show|set`, `trellis audit holds add|list|release`, `trellis audit shred`. */
import type { Command } from 'commander';
import type { CliContext } from '../../cli/context.ts';
import { CliError, exitCodes } from '../../cli/errors.ts';
import { formatTable, print } from '../../cli/output.ts';
import type { HoldInfo, RetentionSettings } from './service.ts';

/** `forever` or a whole number of days. */
function parseDays(v: string, what: string): number | null {
  if (v === 'forever') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a whole number of days or "forever"`, exitCodes.usage);
  return n;
}

const showDays = (d: number | null | undefined): string => (d === null || d === undefined ? 'forever' : `${d} days`);

function showSettings(s: RetentionSettings): string {
  const rows = [{ class: '(default)', keep: showDays(s.default) }, ...Object.entries(s.classes).map(([c, d]) => ({ class: c, keep: showDays(d) }))];
  return formatTable(rows, ['class', 'keep']);
}

const list = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerRetentionCommands(audit: Command, ctx: CliContext): void {
  const retention = audit.command('retention').description('how long audit events keep their content, per OCSF class');
  retention
    .command('show')
    .description('show retention per class')
    .action(async () => {
      const s = await ctx.client().json<RetentionSettings>('GET', '/api/v1/audit/retention');
      print(ctx.globals().output, s, () => showSettings(s));
    });
  retention
    .command('set')
    .description('replace retention: the default and each class given (days or "forever")')
    .requiredOption('--default <days>', 'days for classes not listed, or "forever"')
    .option('--class <name=days>', 'retention of one OCSF class, e.g. api_activity=90 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .addHelpText('after', '\nExamples:\n  trellis audit retention set --default 365 --class api_activity=90\n  trellis audit retention set --default forever')
    .action(async (opts: { default: string; class?: string[] }) => {
      const classes: Record<string, number | null> = {};
      for (const c of opts.class ?? []) {
        const [name, d] = c.split('=');
        if (!name || d === undefined) throw new CliError(`--class ${c}: expected <class>=<days>`, exitCodes.usage);
        classes[name] = parseDays(d, `--class ${name}`);
      }
      const s = await ctx.client().json<RetentionSettings>('PUT', '/api/v1/audit/retention', { body: { default: parseDays(opts.default, '--default'), classes } });
      print(ctx.globals().output, s, () => showSettings(s));
    });

  const holds = audit.command('holds').description('legal holds: what they cover is neither pruned nor shredded');
  holds
    .command('add')
    .description('place a legal hold')
    .requiredOption('--name <name>', 'a name for the hold')
    .requiredOption('--reason <text>', 'why (recorded in the trail)')
    .option('--app <names>', 'only events about these apps (comma-separated, repeatable)', list)
    .option('--subject <refs>', 'only events about these people, user:<email> (comma-separated, repeatable)', list)
    .option('--class <names>', 'only these OCSF classes (comma-separated, repeatable)', list)
    .option('--since <time>', 'only events at or after this ISO time')
    .option('--until <time>', 'only events before this ISO time')
    .addHelpText('after', '\nExample:\n  trellis audit holds add --name case-42 --reason "litigation hold" --subject user:alice@example.com --since 2026-01-01T00:00:00Z')
    .action(async (opts: { name: string; reason: string; app?: string[]; subject?: string[]; class?: string[]; since?: string; until?: string }) => {
      const scope = { ...(opts.app ? { apps: opts.app } : {}), ...(opts.subject ? { subjects: opts.subject } : {}), ...(opts.class ? { classes: opts.class } : {}), ...(opts.since ? { since: opts.since } : {}), ...(opts.until ? { until: opts.until } : {}) };
      const h = await ctx.client().json<HoldInfo>('POST', '/api/v1/audit/holds', { body: { name: opts.name, reason: opts.reason, scope } });
      print(ctx.globals().output, h, () => `legal hold ${h.name} placed (${h.id})`);
    });
  holds
    .command('list')
    .description('list legal holds')
    .action(async () => {
      const { items } = await ctx.client().json<{ items: HoldInfo[] }>('GET', '/api/v1/audit/holds');
      print(ctx.globals().output, items, () => formatTable(items.map((h) => ({ id: h.id, name: h.name, scope: JSON.stringify(h.scope), placed: h.created_at, released: h.released_at ?? '' })), ['id', 'name', 'scope', 'placed', 'released']));
    });
  holds
    .command('release <id>')
    .description('release a legal hold')
    .requiredOption('--reason <text>', 'why (recorded in the trail)')
    .action(async (id: string, opts: { reason: string }) => {
      const h = await ctx.client().json<HoldInfo>('DELETE', `/api/v1/audit/holds/${encodeURIComponent(id)}`, { body: { reason: opts.reason } });
      print(ctx.globals().output, h, () => `legal hold ${h.name} released`);
    });

  audit
    .command('shred')
    .description("destroy a person's audit data keys: their personal values read as [shredded]; the trail still verifies")
    .requiredOption('--subject <ref>', 'the person, user:<email> or an e-mail')
    .action(async (opts: { subject: string }) => {
      const r = await ctx.client().json<{ subject_hash: string; keys_shredded: number }>('POST', '/api/v1/audit/subjects/shred', { body: { subject: opts.subject } });
      print(ctx.globals().output, r, () => `shredded: ${r.keys_shredded} key(s) of subject ${r.subject_hash.slice(0, 16)}… destroyed`);
    });
}
