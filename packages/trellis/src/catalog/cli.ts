/**
 * `trellis apps …`: register, update, list, show, history (with diffs), import, validate and
 * transition apps through the REST API. Manifests are sent as the file's text so the server
 * reports errors with the file's own lines and columns. `apps validate` also checks locally
 * first, so a broken file is reported even with no server at hand (`--local` stops there).
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { readTextInput } from '../cli/input.ts';
import { formatTable, print, type Row } from '../cli/output.ts';
import type { FieldError } from '../errors.ts';
import { appStatuses } from './lifecycle.ts';
import type { ActorRef, AppDetail, AppList, AppSummary, AppVersionSummary, ImportResult } from './schema.ts';
import { appSorts, classifications, riskTiers } from './vocabulary.ts';

const yamlType = 'application/yaml';

function readInput(file: string): Promise<string> {
  return readTextInput(file, 'pass the manifest file with -f FILE (or -f - for standard input)');
}

/** `file:line:column: path: message`, the form editors and CI annotators turn into links. */
export function formatLocatedErrors(file: string, errors: readonly FieldError[]): string {
  return errors.map((e) => `${file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n');
}

/**
 * Sends a manifest; the server's answer to a bad one is printed like `apps validate` prints its
 * own (one formatter, FILE:LINE:COLUMN), and a name already taken points at `apps update`.
 */
async function sendManifest(ctx: CliContext, method: 'POST' | 'PUT', path: string, text: string, file: string, opts: { samples?: unknown; query?: Record<string, string> } = {}): Promise<AppDetail> {
  try {
    // Sample records travel beside the manifest text in one JSON body; without them the text goes as it is.
    const body = opts.samples !== undefined ? { body: { manifest: text, samples: opts.samples } } : { body: text, contentType: yamlType };
    return await ctx.client().json<AppDetail>(method, path, { ...body, ...(opts.query ? { query: opts.query } : {}) });
  } catch (err) {
    const problem = err instanceof CliError ? (err.details as { code?: string; errors?: FieldError[]; name?: unknown } | undefined) : undefined;
    if (!(err instanceof CliError) || !problem) throw err;
    if (problem.errors && problem.errors.length > 0) throw new CliError(`${file} is not a valid manifest:\n${formatLocatedErrors(file, problem.errors)}`, err.exitCode, undefined, problem);
    if (problem.code === 'conflict' && method === 'POST' && typeof problem.name === 'string') {
      throw new CliError(`an app named ${problem.name} is already registered`, err.exitCode, `to store this file as its next version: trellis apps update ${problem.name} -f ${file}`, problem);
    }
    throw err;
  }
}

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value)) throw new CliError(`${flag} must be one of ${allowed.join(', ')}, not ${value}`, exitCodes.usage);
  return value;
}

function positiveInt(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${flag} must be a whole number from 1 to ${max}`, exitCodes.usage);
  return n;
}

function summaryRows(items: AppSummary[]): Row[] {
  return items.map((a) => ({ name: a.name, status: a.status, owner: a.owner, team: a.team, class: a.classification, risk: a.risk_tier, version: a.version, connectors: a.connectors.join(',') }));
}

/** A person's or token's name; the id only for changes stored before names were kept. */
function who(by: ActorRef): string {
  return by.name ?? by.id;
}

function appText(a: AppDetail): string {
  const lines: [string, unknown][] = [
    ['name', a.name],
    ['title', a.title],
    ['status', a.status],
    ['version', a.version],
    ['owner', a.owner],
    ['team', a.team],
    ['approved', a.approved_version === null ? '(no version approved yet)' : `version ${a.approved_version} is in force`],
    ['classification', classificationText(a)],
    ['risk', a.risk ? `${a.risk.score}/100, ${a.risk.tier}${a.risk.override ? ` (set by ${who(a.risk.override.by)}: ${a.risk.override.reason}; computed ${a.risk.computed_tier})` : ''}` : '(not scored)'],
    ['runtime', a.runtime],
    ['connectors', a.connectors.join(', ') || '(none)'],
    ['created', `${a.created_at} by ${who(a.created_by)}`],
    ['updated', `${a.updated_at} by ${who(a.updated_by)}`],
  ];
  const out = lines.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k.padEnd(15)} ${String(v)}`);
  if (a.decision) out.push('', decisionText(a));
  if (a.classification.because.length > 0) out.push('', 'classified by:', ...a.classification.because.map((b) => `  ${b.field.padEnd(32)} ${b.tags.join(', ')} → ${b.tier}${b.source === 'sample' ? ' (found in a sample)' : ''}`));
  if (a.risk) out.push('', 'risk factors:', ...a.risk.factors.filter((f) => f.points > 0).map((f) => `  ${f.name.padEnd(15)} ${String(f.points).padStart(5)}  ${f.reason}`));
  if (a.description) out.push('', a.description);
  return out.join('\n');
}

function classificationText(a: AppDetail): string {
  const c = a.classification;
  if (c.effective === null) return '(none declared or detected)';
  return `${c.effective} (declared ${c.declared ?? 'none'}, detected ${c.detected ?? 'none'})`;
}

/** The decision as a person reads it: what happened, and every message that made it so. */
export function decisionText(a: AppDetail): string {
  const d = a.decision;
  if (!d) return `${a.name}: version ${a.version}, ${a.status}`;
  const verb = { approved: 'approved', pending_review: 'queued for review', rejected: 'rejected', draft: 'kept as a draft' }[d.outcome];
  const lines = [`${a.name} version ${a.version}: ${verb} (status ${a.status}; ${a.classification.effective ?? 'unclassified'}, risk ${a.risk ? `${a.risk.tier} ${a.risk.score}/100` : 'not scored'}; policy bundle ${d.bundle.version ?? 'none'})`];
  for (const m of d.deny) lines.push(`  deny: ${m}`);
  for (const m of d.warn) lines.push(`  warn: ${m}`);
  if (d.outcome === 'pending_review') for (const r of d.reasons) lines.push(`  review because: ${r}`);
  return lines.join('\n');
}

async function readSamples(file: string | undefined): Promise<unknown> {
  if (file === undefined) return undefined;
  const text = await readTextInput(file, 'pass the sample records with --samples FILE (JSON)');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${file} is not JSON: ${(err as Error).message}`, exitCodes.usage);
  }
}

interface DiffBody {
  from: number;
  to: number;
  added: { path: string; to?: unknown }[];
  removed: { path: string; from?: unknown }[];
  changed: { path: string; from?: unknown; to?: unknown }[];
}

function diffText(d: DiffBody): string {
  const v = (x: unknown) => JSON.stringify(x);
  const lines = [
    ...d.removed.map((e) => `- ${e.path}: ${v(e.from)}`),
    ...d.added.map((e) => `+ ${e.path}: ${v(e.to)}`),
    ...d.changed.map((e) => `~ ${e.path}: ${v(e.from)} → ${v(e.to)}`),
  ];
  return `version ${d.from} → ${d.to}: ${lines.length === 0 ? 'no differences' : `${lines.length} difference${lines.length === 1 ? '' : 's'}`}` + (lines.length ? '\n' + lines.join('\n') : '');
}

export function registerAppCommands(program: Command, ctx: CliContext): void {
  const apps = program.command('apps').description('the app catalog: register, list, show, history, import, validate, transition');

  apps
    .command('register')
    .description('register an app from its manifest: it is classified, scored and decided (approved, queued for review or rejected) at once')
    .requiredOption('-f, --file <file>', 'the manifest, trellis.yaml (- for standard input)')
    .option('--samples <file>', 'sample records to scan with DLP, JSON: [{"connector", "resource", "records": [...]}]')
    .option('--draft', 'keep it as a draft (assessed, not decided) until you submit it')
    .addHelpText('after', '\nExit status 1 when the app is rejected.\nExamples:\n  trellis apps register -f trellis.yaml\n  trellis apps register -f trellis.yaml --samples samples.json --draft')
    .action(async (opts: { file: string; samples?: string; draft?: boolean }) => {
      const text = await readInput(opts.file);
      const samples = await readSamples(opts.samples);
      const app = await sendManifest(ctx, 'POST', '/api/v1/apps', text, opts.file, { ...(samples !== undefined ? { samples } : {}), ...(opts.draft ? { query: { draft: 'true' } } : {}) });
      print(ctx.globals().output, app, () => decisionText(app) + (app.status === 'draft' ? `\nsubmit it for a decision with:\n  trellis apps transition ${app.name} --to pending_review` : ''));
      if (app.decision?.outcome === 'rejected') process.exitCode = exitCodes.failed;
    });

  apps
    .command('update')
    .description('store a new version of an app manifest (the name comes from the file)')
    .requiredOption('-f, --file <file>', 'the manifest, trellis.yaml (- for standard input)')
    .argument('[name]', 'the app (default: metadata.name of the file)')
    .option('--samples <file>', 'sample records to scan with DLP, JSON: [{"connector", "resource", "records": [...]}]')
    .addHelpText('after', '\nExit status 1 when the version is rejected.\nExamples:\n  trellis apps update -f trellis.yaml\n  trellis apps update leave-requests -f trellis.yaml')
    .action(async (name: string | undefined, opts: { file: string; samples?: string }) => {
      const text = await readInput(opts.file);
      const samples = await readSamples(opts.samples);
      let target = name;
      if (target === undefined) {
        const { parseManifestText } = await import('./manifest.ts');
        const local = parseManifestText(text);
        if (!local.ok) throw new CliError(`${opts.file} is not a valid manifest:\n${formatLocatedErrors(opts.file, local.errors)}`, exitCodes.failed);
        target = local.manifest.metadata.name;
      }
      const app = await sendManifest(ctx, 'PUT', `/api/v1/apps/${encodeURIComponent(target)}`, text, opts.file, samples !== undefined ? { samples } : {});
      print(ctx.globals().output, app, () => decisionText(app));
      if (app.decision?.outcome === 'rejected') process.exitCode = exitCodes.failed;
    });

  apps
    .command('list')
    .description('list apps in name order, or by --sort; filters combine with AND')
    .option('--owner <owner>', 'owner, e.g. jane@example.com or group:hr')
    .option('--team <team>', 'team')
    .option('--status <status>', appStatuses.join(' | '))
    .option('--classification <tier>', classifications.join(' | '))
    .option('--risk <tier>', riskTiers.join(' | '))
    .option('--connector <name>', 'apps using this connector')
    .option('--q <words>', 'search name, title and description (word prefixes)')
    .option('--sort <key>', `order: ${appSorts.join(' | ')} (a leading - is descending; ties by name A→Z; unscored apps below every risk score)`)
    .option('--limit <n>', 'apps per page (1-200)', '50')
    .option('--cursor <cursor>', 'continue after a previous page (with the same --sort)')
    .option('--all', 'fetch every page')
    .addHelpText('after', '\nExamples:\n  trellis apps list --team hr --status pending_review\n  trellis apps list --q leave --output json\n  trellis apps list --sort -risk_score --status approved')
    .action(async (opts: { owner?: string; team?: string; status?: string; classification?: string; risk?: string; connector?: string; q?: string; sort?: string; limit: string; cursor?: string; all?: boolean }) => {
      const query = {
        owner: opts.owner,
        team: opts.team,
        status: oneOf(opts.status, appStatuses, '--status'),
        classification: oneOf(opts.classification, classifications, '--classification'),
        risk: oneOf(opts.risk, riskTiers, '--risk'),
        connector: opts.connector,
        q: opts.q,
        sort: oneOf(opts.sort, appSorts, '--sort'),
        limit: positiveInt(opts.limit, '--limit', 200),
      };
      const client = ctx.client();
      const items: AppSummary[] = [];
      let cursor = opts.cursor;
      let next: string | null = null;
      do {
        const page: AppList = await client.json<AppList>('GET', '/api/v1/apps', { query: { ...query, cursor } });
        items.push(...page.items);
        next = page.next_cursor;
        cursor = next ?? undefined;
      } while (opts.all && next);
      const { output } = ctx.globals();
      print(output, { items, next_cursor: next }, () => formatTable(summaryRows(items), ['name', 'status', 'owner', 'team', 'class', 'risk', 'version', 'connectors']) + (next ? `\n(more: --cursor ${next})` : ''));
    });

  apps
    .command('show')
    .description('show an app and its current manifest summary')
    .argument('<name>', 'the app')
    .addHelpText('after', '\nExamples:\n  trellis apps show leave-requests\n  trellis apps show leave-requests --output json')
    .action(async (name: string) => {
      const app = await ctx.client().json<AppDetail>('GET', `/api/v1/apps/${encodeURIComponent(name)}`);
      print(ctx.globals().output, app, () => appText(app));
    });

  apps
    .command('history')
    .description('manifest versions of an app; --diff A..B shows what changed between two')
    .argument('<name>', 'the app')
    .option('--diff <range>', 'two versions, e.g. 1..2')
    .addHelpText('after', '\nExamples:\n  trellis apps history leave-requests\n  trellis apps history leave-requests --diff 1..3')
    .action(async (name: string, opts: { diff?: string }) => {
      const client = ctx.client();
      const path = `/api/v1/apps/${encodeURIComponent(name)}`;
      if (opts.diff !== undefined) {
        const m = /^(\d+)\.\.(\d+)$/.exec(opts.diff);
        if (!m) throw new CliError('--diff takes two versions like 1..2', exitCodes.usage);
        const d = await client.json<DiffBody>('GET', `${path}/diff`, { query: { from: m[1], to: m[2] } });
        return print(ctx.globals().output, d, () => diffText(d));
      }
      const r = await client.json<{ items: AppVersionSummary[] }>('GET', `${path}/versions`);
      print(ctx.globals().output, r.items, () => formatTable(r.items.map((v) => ({ version: v.version, created_at: v.created_at, created_by: who(v.created_by), digest: v.digest.slice(0, 12) })), ['version', 'created_at', 'created_by', 'digest']));
    });

  apps
    .command('import')
    .description('import a Backstage catalog-info.yaml: Components become draft apps; others are reported as skipped')
    .requiredOption('-f, --file <file>', 'the catalog file (- for standard input)')
    .addHelpText('after', '\nExamples:\n  trellis apps import -f catalog-info.yaml\n  curl -s https://git.example.org/hr/raw/main/catalog-info.yaml | trellis apps import -f -')
    .action(async (opts: { file: string }) => {
      const text = await readInput(opts.file);
      const r = await ctx.client().json<ImportResult>('POST', '/api/v1/apps/import', { body: text, contentType: yamlType });
      print(ctx.globals().output, r, () =>
        [
          formatTable(r.entities.map((e) => ({ '#': e.index, kind: e.kind, name: e.name, result: e.status, app: e.app, reason: e.reason ?? (e.errors ? formatLocatedErrors(opts.file, e.errors) : '') })), ['#', 'kind', 'name', 'result', 'app', 'reason']),
          `${r.imported} imported, ${r.skipped} skipped, ${r.failed} failed`,
        ].join('\n'),
      );
      if (r.failed > 0) process.exitCode = exitCodes.failed;
    });

  apps
    .command('validate')
    .description('check a manifest: locally, then against the server (exit 1 when it is not valid)')
    .requiredOption('-f, --file <file>', 'the manifest, trellis.yaml (- for standard input)')
    .option('--local', 'check locally only (no server needed)')
    .addHelpText('after', '\nErrors print as FILE:LINE:COLUMN: PATH: MESSAGE.\nExample:\n  trellis apps validate -f trellis.yaml')
    .action(async (opts: { file: string; local?: boolean }) => {
      const text = await readInput(opts.file);
      const { parseManifestText } = await import('./manifest.ts');
      const local = parseManifestText(text);
      let result: { valid: boolean; errors: FieldError[]; checkedBy: string[] } = { valid: local.ok, errors: local.ok ? [] : local.errors, checkedBy: ['local'] };
      // The server may run a newer schema than this CLI; its answer is the one that counts.
      if (local.ok && !opts.local) {
        const remote = await ctx.client().json<{ valid: boolean; errors: FieldError[] }>('POST', '/api/v1/apps/validate', { body: text, contentType: yamlType });
        result = { valid: remote.valid, errors: remote.errors, checkedBy: ['local', 'server'] };
      }
      print(ctx.globals().output, { file: opts.file, ...result }, () => (result.valid ? `${opts.file}: valid (checked ${result.checkedBy.join(' and ')})` : formatLocatedErrors(opts.file, result.errors)));
      if (!result.valid) process.exitCode = exitCodes.failed;
    });

  apps
    .command('transition')
    .description(`move an app to another status: ${appStatuses.join(', ')}`)
    .argument('<name>', 'the app')
    .requiredOption('--to <status>', appStatuses.join(' | '))
    .option('--reason <text>', 'why (kept in the status history and the audit trail)')
    .addHelpText('after', '\nExamples:\n  trellis apps transition leave-requests --to pending_review\n  trellis apps transition leave-requests --to suspended --reason "owner left"')
    .action(async (name: string, opts: { to: string; reason?: string }) => {
      const to = oneOf(opts.to, appStatuses, '--to')!;
      const r = await ctx.client().json<{ from: string; to: string; name: string; by?: { id: string; name: string | null } }>('POST', `/api/v1/apps/${encodeURIComponent(name)}/transitions`, { body: { to, ...(opts.reason ? { reason: opts.reason } : {}) } });
      print(ctx.globals().output, r, () => `${r.name}: ${r.from} → ${r.to}${r.by ? ` (by ${r.by.name ?? r.by.id})` : ''}`);
    });
}
