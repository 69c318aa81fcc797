/**
 * `trellis exports …`: configure where each declared export destination delivers
 * (`destinations add|list|remove`), and review what the export gate held
 * (`quarantine list|show|release|discard`), through the REST API.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { formatTable, print } from '../cli/output.ts';
import type { Destination, Quarantined } from './schema.ts';

const destinations = '/api/v1/export-destinations';
const quarantine = '/api/v1/exports/quarantine';

function deliversTo(d: Destination): string {
  if (d.secret !== undefined) return `POST to the URL in secret ${d.secret}` + (d.allowHosts ? ` (hosts ${d.allowHosts.join(', ')})` : '');
  if (d.smtp !== undefined) return `SMTP ${d.smtp.host}:${d.smtp.port} (${d.smtp.tls}) from ${d.smtp.from}`;
  return `files under ${d.directory ?? '?'}`;
}

function quarantinedText(q: Quarantined): string {
  const lines: [string, unknown][] = [
    ['id', q.id],
    ['status', q.status],
    ['app', q.app],
    ['subject', q.subject],
    ['export', `${q.destination} ${q.target}`],
    ['detected', q.detected.join(', ') || 'none'],
    ['bytes', q.bytes],
    ['held', q.created_at],
    ['why', q.messages.join('\n             ')],
    ['decided', q.decided_at ? `${q.decided_at} by ${q.decided_by ?? '?'}: ${q.reason ?? ''}` : null],
    ['delivery', q.delivery_id],
    ['last error', q.last_error],
  ];
  return lines.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k.padEnd(12)} ${String(v)}`).join('\n');
}

const kinds = ['slack', 'teams', 'webhook', 'email', 'file'];

interface AddOptions {
  destination: string;
  target: string;
  secret?: string;
  allowHost?: string[];
  smtpHost?: string;
  smtpPort?: string;
  smtpTls?: string;
  from?: string;
  directory?: string;
  allowPrivateHost?: boolean;
  description?: string;
}

/** The API body for `destinations add`, or a usage error naming what is missing. */
export function destinationBody(o: AddOptions): Record<string, unknown> {
  if (!kinds.includes(o.destination)) throw new CliError(`--destination must be one of ${kinds.join(', ')}`, exitCodes.usage);
  const common = { destination: o.destination, target: o.target, ...(o.allowPrivateHost ? { allowPrivateHost: true } : {}), ...(o.description ? { description: o.description } : {}) };
  if (o.destination === 'email') {
    if (!o.smtpHost || !o.from) throw new CliError('an email destination needs --smtp-host and --from', exitCodes.usage);
    return { ...common, smtp: { host: o.smtpHost, from: o.from, ...(o.smtpPort ? { port: Number(o.smtpPort) } : {}), ...(o.smtpTls ? { tls: o.smtpTls } : {}) } };
  }
  if (o.destination === 'file') {
    if (!o.directory) throw new CliError('a file destination needs --directory', exitCodes.usage);
    return { ...common, directory: o.directory };
  }
  if (!o.secret) throw new CliError(`a ${o.destination} destination needs --secret (the secret store entry holding its URL)`, exitCodes.usage);
  return { ...common, secret: o.secret, ...(o.allowHost && o.allowHost.length > 0 ? { allowHosts: o.allowHost } : {}) };
}

export function registerExportCommands(program: Command, ctx: CliContext): void {
  const exports = program.command('exports').description('the export gate: where declared exports deliver, and exports held for review');
  const dest = exports.command('destinations').description('where each declared export destination and target delivers');

  dest
    .command('add')
    .description('configure the delivery of a declared export (destination + target as in app manifests)')
    .requiredOption('--destination <kind>', 'slack | teams | webhook | email | file')
    .requiredOption('--target <target>', 'the target as manifests declare it: #channel, an address, a label')
    .option('--secret <name>', 'slack/teams/webhook: the secret holding the receiver URL')
    .option('--allow-host <host>', 'slack/teams/webhook: a host the URL may point at (repeat or comma-separate); others are refused', (v: string, prev: string[]) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)], [] as string[])
    .option('--smtp-host <host>', 'email: the SMTP relay')
    .option('--smtp-port <port>', 'email: its port (default 587)')
    .option('--smtp-tls <mode>', 'email: none | starttls | tls (default starttls)')
    .option('--from <address>', 'email: the sender address')
    .option('--directory <dir>', 'file: the directory on the server that receives files')
    .option('--allow-private-host', 'the receiver may be on a loopback or private address')
    .option('--description <text>', 'what it is for')
    .addHelpText('after', '\nExamples:\n  trellis secrets put hr-slack-webhook --file hook-url.txt\n  trellis exports destinations add --destination slack --target "#hr-leave" --secret hr-slack-webhook --allow-host hooks.slack.com\n  trellis exports destinations add --destination email --target hr-leads@northwind-hr.com --smtp-host smtp.northwind-hr.com --from trellis@northwind-hr.com\n  trellis exports destinations add --destination file --target leave-balances --directory /var/lib/trellis/exports')
    .action(async (opts: AddOptions) => {
      const d = await ctx.client().json<Destination>('POST', destinations, { body: destinationBody(opts) });
      print(ctx.globals().output, d, () => `configured ${d.id}: ${d.destination} ${d.target} → ${deliversTo(d)}`);
    });

  dest
    .command('list')
    .description('list configured export destinations')
    .action(async () => {
      const { items } = await ctx.client().json<{ items: Destination[] }>('GET', destinations);
      print(ctx.globals().output, { items }, () => formatTable(items.map((d) => ({ id: d.id, destination: d.destination, target: d.target, delivers: deliversTo(d), private: d.allowPrivateHost ? 'yes' : 'no' })), ['id', 'destination', 'target', 'delivers', 'private']));
    });

  dest
    .command('remove')
    .description('remove an export destination (exports to it are refused until one is configured again)')
    .argument('<id>', 'the destination, exd_…')
    .action(async (id: string) => {
      await ctx.client().json<void>('DELETE', `${destinations}/${encodeURIComponent(id)}`);
      print(ctx.globals().output, { removed: id }, () => `removed ${id}`);
    });

  const q = exports.command('quarantine').description('exports held for review: list, show, release or discard');

  q.command('list')
    .description('list quarantined exports, newest first')
    .option('--status <status>', 'held | releasing | released | discarded')
    .option('--limit <n>', 'at most this many (1-500)', '100')
    .action(async (opts: { status?: string; limit: string }) => {
      const params = new URLSearchParams({ limit: opts.limit, ...(opts.status ? { status: opts.status } : {}) });
      const { items } = await ctx.client().json<{ items: Quarantined[] }>('GET', `${quarantine}?${params.toString()}`);
      print(ctx.globals().output, { items }, () => formatTable(items.map((x) => ({ id: x.id, status: x.status, app: x.app, export: `${x.destination} ${x.target}`, detected: x.detected.join(','), held: x.created_at })), ['id', 'status', 'app', 'export', 'detected', 'held']));
    });

  q.command('show')
    .description('show a quarantined export (why it is held; never its payload)')
    .argument('<id>', 'the quarantined export, exq_…')
    .action(async (id: string) => {
      const x = await ctx.client().json<Quarantined>('GET', `${quarantine}/${encodeURIComponent(id)}`);
      print(ctx.globals().output, x, () => quarantinedText(x));
    });

  for (const verb of ['release', 'discard'] as const) {
    q.command(verb)
      .description(verb === 'release' ? 'deliver a held export as it was sent' : 'discard a held export (its payload is deleted)')
      .argument('<id>', 'the quarantined export, exq_…')
      .requiredOption('--reason <text>', 'why (audited), e.g. a ticket reference')
      .action(async (id: string, opts: { reason: string }) => {
        const x = await ctx.client().json<Quarantined>('POST', `${quarantine}/${encodeURIComponent(id)}/${verb}`, { body: { reason: opts.reason } });
        print(ctx.globals().output, x, () => `${x.id} ${x.status}` + (x.delivery_id ? ` (delivery ${x.delivery_id})` : ''));
      });
  }
}
