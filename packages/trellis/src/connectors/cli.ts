/**
 * `trellis connectors …`: apply, validate, list, show, versions, retire, reactivate, and draft.
 * Manifests are sent as the file's text so the server reports errors with the file's own lines
 * and columns (printed FILE:LINE:COLUMN, as `trellis apps` prints them). `draft` reads the
 * database from this machine by default, so its URL never leaves it; `--via-server` asks the
 * server to read it instead (for databases only the server can reach; audited there).
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { readTextInput } from '../cli/input.ts';
import { formatTable, print } from '../cli/output.ts';
import { AppError, type FieldError } from '../errors.ts';
import { formatLocatedErrors } from '../catalog/index.ts';
import type { ApplyResult, ConnectorDetail, ConnectorList, ConnectorSummary, ConnectorVersionSummary, DraftRequest, DraftResult } from './schema.ts';

const yamlType = 'application/yaml';
const types = ['postgres', 'http'];
const statuses = ['active', 'retired'];

function readInput(file: string): Promise<string> {
  return readTextInput(file, 'pass the connector manifest with -f FILE (or -f - for standard input)');
}

function wholeNumber(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${flag} must be a whole number from ${min} to ${max}`, exitCodes.usage);
  return n;
}

function oneOf(value: string | undefined, allowed: readonly string[], flag: string): string | undefined {
  if (value !== undefined && !allowed.includes(value)) throw new CliError(`${flag} must be one of ${allowed.join(', ')}, not ${value}`, exitCodes.usage);
  return value;
}

/** A manifest problem from the server, printed with the file's name, line and column. */
function withLocatedErrors(err: unknown, file: string): unknown {
  const problem = err instanceof CliError ? (err.details as { errors?: FieldError[] } | undefined) : undefined;
  if (err instanceof CliError && problem?.errors && problem.errors.length > 0) return new CliError(`${file} is not a valid connector manifest:\n${formatLocatedErrors(file, problem.errors)}`, err.exitCode, undefined, problem);
  return err;
}

function detailText(c: ConnectorDetail): string {
  const head: [string, unknown][] = [
    ['name', c.name],
    ['title', c.title],
    ['type', c.type],
    ['status', c.status],
    ['version', c.version],
    ['owner', c.owner],
    ['tiers', c.tiers.join(', ')],
    ['updated', `${c.updated_at} by ${c.updated_by.name ?? c.updated_by.id}`],
  ];
  const out = head.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k.padEnd(10)} ${String(v)}`);
  if (c.description) out.push('', c.description);
  out.push('');
  const rows = c.catalog.resources.flatMap((r) => r.fields.map((f) => ({ resource: r.name, field: f.name, tags: f.tags.join(', '), tiers: r.tiers.join(',') })));
  out.push(formatTable(rows, ['resource', 'field', 'tags', 'tiers']));
  return out.join('\n');
}

function summaryRows(items: ConnectorSummary[]) {
  return items.map((c) => ({ name: c.name, type: c.type, status: c.status, owner: c.owner, version: c.version, resources: c.resources, fields: c.fields, tagged: c.tagged_fields }));
}

export function registerConnectorCommands(program: Command, ctx: CliContext): void {
  const connectors = program.command('connectors').description('connectors and their field catalogs: apply, list, show, versions, draft from PostgreSQL');

  connectors
    .command('apply')
    .description('create a connector from its manifest, or store the manifest as its next version (an identical manifest changes nothing)')
    .requiredOption('-f, --file <file>', 'the connector manifest (- for standard input)')
    .addHelpText('after', '\nExamples:\n  trellis connectors apply -f hr-connector.yaml\n  trellis connectors draft --name hr --database-url "$HR_DB_URL" | trellis connectors apply -f -')
    .action(async (opts: { file: string }) => {
      const text = await readInput(opts.file);
      let r: ApplyResult;
      try {
        r = await ctx.client().json<ApplyResult>('POST', '/api/v1/connectors', { body: text, contentType: yamlType });
      } catch (err) {
        throw withLocatedErrors(err, opts.file);
      }
      print(ctx.globals().output, r, () => (r.created ? `created connector ${r.name} (version 1)` : r.changed ? `${r.name} is at version ${r.version}` : `${r.name} unchanged (version ${r.version})`));
    });

  connectors
    .command('validate')
    .description('check a connector manifest against the server without storing it (exit 1 when it is not valid)')
    .requiredOption('-f, --file <file>', 'the connector manifest (- for standard input)')
    .addHelpText('after', '\nErrors print as FILE:LINE:COLUMN: PATH: MESSAGE.\nExample:\n  trellis connectors validate -f hr-connector.yaml')
    .action(async (opts: { file: string }) => {
      const text = await readInput(opts.file);
      const r = await ctx.client().json<{ valid: boolean; errors: FieldError[] }>('POST', '/api/v1/connectors/validate', { body: text, contentType: yamlType });
      print(ctx.globals().output, { file: opts.file, valid: r.valid, errors: r.errors }, () => (r.valid ? `${opts.file}: valid` : formatLocatedErrors(opts.file, r.errors)));
      if (!r.valid) process.exitCode = exitCodes.failed;
    });

  connectors
    .command('list')
    .description('list connectors in name order')
    .option('--type <type>', types.join(' | '))
    .option('--status <status>', statuses.join(' | '))
    .option('--limit <n>', 'connectors per page (1-200)', '50')
    .option('--cursor <cursor>', 'continue after a previous page')
    .option('--all', 'fetch every page')
    .addHelpText('after', '\nExamples:\n  trellis connectors list\n  trellis connectors list --type postgres --output json')
    .action(async (opts: { type?: string; status?: string; limit: string; cursor?: string; all?: boolean }) => {
      const query = { type: oneOf(opts.type, types, '--type'), status: oneOf(opts.status, statuses, '--status'), limit: wholeNumber(opts.limit, '--limit', 1, 200) };
      const client = ctx.client();
      const items: ConnectorSummary[] = [];
      let cursor = opts.cursor;
      let next: string | null = null;
      do {
        const page: ConnectorList = await client.json<ConnectorList>('GET', '/api/v1/connectors', { query: { ...query, cursor } });
        items.push(...page.items);
        next = page.next_cursor;
        cursor = next ?? undefined;
      } while (opts.all && next);
      print(ctx.globals().output, { items, next_cursor: next }, () => formatTable(summaryRows(items), ['name', 'type', 'status', 'owner', 'version', 'resources', 'fields', 'tagged']) + (next ? `\n(more: --cursor ${next})` : ''));
    });

  connectors
    .command('show')
    .description('show a connector and its field catalog (every field with its tags)')
    .argument('<name>', 'the connector')
    .addHelpText('after', '\nExamples:\n  trellis connectors show hr\n  trellis connectors show hr --output json')
    .action(async (name: string) => {
      const c = await ctx.client().json<ConnectorDetail>('GET', `/api/v1/connectors/${encodeURIComponent(name)}`);
      print(ctx.globals().output, c, () => detailText(c));
    });

  connectors
    .command('versions')
    .description('the manifest versions of a connector, oldest first')
    .argument('<name>', 'the connector')
    .addHelpText('after', '\nExample:\n  trellis connectors versions hr')
    .action(async (name: string) => {
      const r = await ctx.client().json<{ items: ConnectorVersionSummary[] }>('GET', `/api/v1/connectors/${encodeURIComponent(name)}/versions`);
      print(ctx.globals().output, r.items, () => formatTable(r.items.map((v) => ({ version: v.version, created_at: v.created_at, created_by: v.created_by.name ?? v.created_by.id, digest: v.digest.slice(0, 12) })), ['version', 'created_at', 'created_by', 'digest']));
    });

  for (const verb of ['retire', 'reactivate'] as const) {
    connectors
      .command(verb)
      .description(verb === 'retire' ? 'retire a connector (its history stays; it cannot change until reactivated)' : 'reactivate a retired connector')
      .argument('<name>', 'the connector')
      .option('--reason <text>', 'why (kept in the audit trail)')
      .addHelpText('after', `\nExample:\n  trellis connectors ${verb} hr --reason "${verb === 'retire' ? 'replaced by hr-v2' : 'still in use'}"`)
      .action(async (name: string, opts: { reason?: string }) => {
        const r = await ctx.client().json<ConnectorSummary>('POST', `/api/v1/connectors/${encodeURIComponent(name)}/${verb}`, { body: opts.reason ? { reason: opts.reason } : {} });
        print(ctx.globals().output, r, () => `${r.name} is ${r.status}`);
      });
  }

  connectors
    .command('draft')
    .description('draft a postgres connector from a live database: tables, views and columns, with tags proposed from sampled values and column names; prints YAML to review, then apply')
    .requiredOption('--name <name>', 'the connector name (a DNS label)')
    .option('--database-url <url>', 'postgres:// URL to read (default: $DATABASE_URL); read-only, never stored')
    .option('--schema <schema>', 'the PostgreSQL schema', 'public')
    .option('--table <table...>', 'only these tables or views')
    .option('--sample <n>', 'rows sampled per table or view (0-1000)', '100')
    .option('--owner <owner>', 'spec.owner of the draft, e.g. group:hr-platform')
    .option('--title <title>', 'metadata.title of the draft')
    .option('--via-server', 'have the Trellis server read the database (needs a token with connectors:write)')
    .addHelpText('after', '\nThe YAML goes to standard output with a comment above each tagged field saying why; --output json prints {manifest, evidence, resources, warnings}.\nExamples:\n  trellis connectors draft --name hr --database-url "$HR_DB_URL" --schema hr --sample 200 > hr.yaml\n  trellis connectors draft --name hr --table employees --table departments --owner group:hr-platform > hr.yaml')
    .action(async (opts: { name: string; databaseUrl?: string; schema: string; table?: string[]; sample: string; owner?: string; title?: string; viaServer?: boolean }) => {
      const url = opts.databaseUrl ?? process.env.DATABASE_URL;
      if (!url) throw new CliError('no database to read', exitCodes.usage, 'pass --database-url postgres://… or set DATABASE_URL');
      const output = ctx.globals().output;
      const { draftRequestSchema } = await import('./schema.ts');
      const parsed = draftRequestSchema.safeParse({
        name: opts.name,
        url,
        schema: opts.schema,
        sample: wholeNumber(opts.sample, '--sample', 0, 1000),
        ...(opts.table ? { tables: opts.table } : {}),
        ...(opts.owner ? { owner: opts.owner } : {}),
        ...(opts.title ? { title: opts.title } : {}),
      });
      if (!parsed.success) {
        // Messages name the option, never echo its value (the URL holds credentials).
        throw new CliError(parsed.error.issues.map((i) => `--${String(i.path[0] ?? '').replace('tables', 'table').replace('url', 'database-url')}: ${i.message}`).join('\n'), exitCodes.usage);
      }
      const request: DraftRequest = parsed.data;
      let result: Pick<DraftResult, 'yaml' | 'evidence' | 'resources' | 'warnings'> & { manifest: unknown };
      if (opts.viaServer) {
        result = await ctx.client().json<DraftResult>('POST', '/api/v1/connectors/draft', { body: request });
      } else {
        const { draftFromPostgres } = await import('./draft.ts');
        try {
          result = await draftFromPostgres(request);
        } catch (err) {
          if (err instanceof AppError) throw new CliError(err.message, exitCodes.failed);
          throw err;
        }
      }
      if (output === 'json') return print(output, result, () => '');
      process.stdout.write(result.yaml);
      process.stderr.write(`drafted ${result.resources.length} tables and views, ${result.evidence.length} proposed tags; review them, then: trellis connectors apply -f FILE\n`);
    });
}
