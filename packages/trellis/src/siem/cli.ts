/**
 * `trellis audit sinks …`: SIEM sinks through the REST API, under the audit command (which the
 * audit module, listed first, registers). A sink is named by its id or its name.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { readTextInput } from '../cli/input.ts';
import { formatTable, print } from '../cli/output.ts';
import type { DeadLetterList, ReplayResult, Sink, TestResult } from './schema.ts';

const base = '/api/v1/audit/sinks';
const configHint = 'give the config as JSON, e.g. --config \'{"url":"https://siem.example.com/ingest","authSecret":"siem-token"}\', or @FILE';

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function classUids(v: string): number[] {
  return list(v).map((s) => {
    if (!/^\d{1,6}$/.test(s)) throw new CliError(`--class takes OCSF class uids like 3002,6003; ${s} is not one`, exitCodes.usage);
    return Number(s);
  });
}

function severity(v: string): number {
  if (!/^[0-6]$/.test(v)) throw new CliError('--min-severity is an OCSF severity_id from 0 to 6', exitCodes.usage);
  return Number(v);
}

function start(v: string): 'beginning' | 'now' | number {
  if (v === 'beginning' || v === 'now') return v;
  if (/^[1-9]\d{0,14}$/.test(v)) return Number(v);
  throw new CliError('--start is beginning, now or a seq', exitCodes.usage);
}

async function configOf(raw: string): Promise<Record<string, unknown>> {
  const text = raw.startsWith('@') ? await readTextInput(raw.slice(1), configHint) : raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError('--config is not valid JSON', exitCodes.usage, configHint);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError('--config must be a JSON object', exitCodes.usage, configHint);
  return parsed as Record<string, unknown>;
}

function sinkText(s: Sink): string {
  const lines: [string, unknown][] = [
    ['id', s.id],
    ['name', s.name],
    ['type', s.type],
    ['enabled', s.enabled ? 'yes' : 'no (paused)'],
    ['config', JSON.stringify(s.config)],
    ['filter', Object.keys(s.filter).length ? JSON.stringify(s.filter) : 'every event'],
    ['cursor', `${s.cursor} of ${s.head} (lag ${s.lag}${s.oldest_age_ms !== null ? `, oldest ${Math.round(s.oldest_age_ms / 1000)} s` : ''})`],
    ['delivered', s.delivered],
    ['dead letters', s.dead_letters],
    ['last error', s.last_error],
    ['next attempt', s.next_attempt_at],
  ];
  return lines.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k.padEnd(13)} ${String(v)}`).join('\n');
}

export function registerSiemCommands(program: Command, ctx: CliContext): void {
  const audit = program.commands.find((c) => c.name() === 'audit') ?? program.command('audit').description('the tamper-evident audit trail');
  const sinks = audit.command('sinks').description('SIEM sinks: where audit events are delivered (docs/siem.md)');

  /** A sink's id from its id or name. */
  const idOf = async (sink: string): Promise<string> => {
    if (/^snk_[0-9a-f]{20}$/.test(sink)) return sink;
    const { items } = await ctx.client().json<{ items: Sink[] }>('GET', base);
    const found = items.find((s) => s.name === sink);
    if (!found) throw new CliError(`no SIEM sink named ${sink}`, exitCodes.notFound, 'trellis audit sinks list shows them');
    return found.id;
  };

  sinks
    .command('list')
    .description('list sinks with their cursor, lag and dead letters')
    .action(async () => {
      const { items } = await ctx.client().json<{ items: Sink[] }>('GET', base);
      print(ctx.globals().output, { items }, () =>
        formatTable(
          items.map((s) => ({ name: s.name, type: s.type, enabled: s.enabled ? 'yes' : 'no', cursor: s.cursor, lag: s.lag, delivered: s.delivered, dead: s.dead_letters, error: s.last_error ?? '' })),
          ['name', 'type', 'enabled', 'cursor', 'lag', 'delivered', 'dead', 'error'],
        ),
      );
    });

  sinks
    .command('add')
    .description('add a sink; delivery starts with the next event sealed unless --start says otherwise')
    .argument('<name>', 'lower-case letters, digits and hyphens')
    .requiredOption('--type <type>', 'ocsf-http, jsonl-file, syslog, splunk-hec or otlp-logs')
    .requiredOption('--config <json>', 'the transport configuration as JSON, or @FILE (secrets by name only)')
    .option('--class <uids>', 'only these OCSF class uids, comma-separated', classUids)
    .option('--min-severity <id>', 'only events of at least this OCSF severity_id', severity)
    .option('--app <ids>', 'only events about these apps, comma-separated', list)
    .option('--action <actions>', 'only these actions (token.revoke, token.*), comma-separated', list)
    .option('--start <where>', 'beginning, now (default) or a seq', start)
    .option('--disabled', 'add it paused')
    .addHelpText(
      'after',
      '\nExamples:\n  trellis audit sinks add splunk-ocsf --type ocsf-http --config \'{"url":"https://siem.example.com/ocsf","authSecret":"siem-token"}\'\n  trellis audit sinks add local-file --type jsonl-file --config \'{"path":"/var/log/trellis/audit.jsonl","keep":14}\' --start beginning\n  trellis audit sinks add auth-only --type ocsf-http --config @sink.json --class 3002 --min-severity 2',
    )
    .action(async (name: string, opts: { type: string; config: string; class?: number[]; minSeverity?: number; app?: string[]; action?: string[]; start?: 'beginning' | 'now' | number; disabled?: boolean }) => {
      const filter = {
        ...(opts.class ? { class_uids: opts.class } : {}),
        ...(opts.minSeverity !== undefined ? { min_severity_id: opts.minSeverity } : {}),
        ...(opts.app ? { apps: opts.app } : {}),
        ...(opts.action ? { actions: opts.action } : {}),
      };
      const body = { name, type: opts.type, config: await configOf(opts.config), filter, ...(opts.start !== undefined ? { start: opts.start } : {}), ...(opts.disabled ? { enabled: false } : {}) };
      const s = await ctx.client().json<Sink>('POST', base, { body });
      print(ctx.globals().output, s, () => `added SIEM sink ${s.name} (${s.id}), delivering after seq ${s.cursor}`);
    });

  sinks
    .command('show')
    .description("a sink's configuration and delivery state")
    .argument('<sink>', 'id or name')
    .action(async (sink: string) => {
      const s = await ctx.client().json<Sink>('GET', `${base}/${await idOf(sink)}`);
      print(ctx.globals().output, s, () => sinkText(s));
    });

  for (const [verb, enabled] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    sinks
      .command(verb)
      .description(enabled ? 'resume delivery from where the sink stopped (retries start again at once)' : 'stop delivering; the cursor stays, so resume continues from it')
      .argument('<sink>', 'id or name')
      .action(async (sink: string) => {
        const s = await ctx.client().json<Sink>('PATCH', `${base}/${await idOf(sink)}`, { body: { enabled } });
        print(ctx.globals().output, s, () => `${enabled ? 'resumed' : 'paused'} SIEM sink ${s.name} at seq ${s.cursor} (lag ${s.lag})`);
      });
  }

  sinks
    .command('test')
    .description('send one synthetic test event (not from the trail) and show how the receiver took it; exits 1 when it failed')
    .argument('<sink>', 'id or name')
    .action(async (sink: string) => {
      const r = await ctx.client().json<TestResult>('POST', `${base}/${await idOf(sink)}/test`);
      print(ctx.globals().output, r, () => (r.ok ? `the receiver acknowledged test event ${r.uid} in ${r.duration_ms} ms` : `test event ${r.uid} failed${r.permanent ? ' (refused for good)' : ''}: ${r.error ?? ''}`));
      if (!r.ok) process.exitCode = exitCodes.failed;
    });

  sinks
    .command('remove')
    .description('delete a sink and its dead letters')
    .argument('<sink>', 'id or name')
    .action(async (sink: string) => {
      const id = await idOf(sink);
      await ctx.client().json<void>('DELETE', `${base}/${id}`);
      print(ctx.globals().output, { deleted: id }, () => `deleted SIEM sink ${sink}`);
    });

  sinks
    .command('dead-letters')
    .description('events the receiver refused for good; --replay sends them again')
    .argument('<sink>', 'id or name')
    .option('--replay', 'send them again (up to 500); those acknowledged are removed')
    .action(async (sink: string, opts: { replay?: boolean }) => {
      const id = await idOf(sink);
      if (opts.replay) {
        const r = await ctx.client().json<ReplayResult>('POST', `${base}/${id}/dead-letters/replay`);
        print(ctx.globals().output, r, () => `replayed ${r.replayed}: ${r.delivered} delivered, ${r.failed} still failing`);
        if (r.failed > 0) process.exitCode = exitCodes.failed;
        return;
      }
      const page = await ctx.client().json<DeadLetterList>('GET', `${base}/${id}/dead-letters`, { query: { limit: 500 } });
      print(ctx.globals().output, page, () => formatTable(page.items.map((d) => ({ seq: d.seq, uid: d.uid, attempts: d.attempts, dead_at: d.dead_at, error: d.error })), ['seq', 'uid', 'attempts', 'dead_at', 'error']));
    });
}
