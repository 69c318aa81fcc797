/** `trellis audit …`: verify (online or offline), tail, export. */
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { formatTable, print } from '../cli/output.ts';
import type { VerifyResult } from './chain.ts';
import type { RowProblem } from './integrity.ts';
import type { AuditRecord } from './service.ts';
import type { LedgerVerdict } from './ledger/verify.ts';
import { ledgerInputs, registerLedgerCommands } from './ledger/cli.ts';

type TrailResult = VerifyResult & { problems?: RowProblem[]; problemCount?: number; macChecked?: boolean; pending?: number; pruned?: number; ledger?: LedgerVerdict; ledgerSkipped?: string };

/** One line for people: intact, the chain's first break, or the first wrong row. */
export function verifySummary(r: TrailResult, source: string): string {
  const macNote = r.macChecked === false ? ' (row MACs not checked: no installation key at hand; set TRELLIS_MASTER_KEY)' : '';
  const l = r.ledger;
  const ledgerNote = l ? `; ${l.checkpoints} checkpoint(s), anchored to event ${l.anchoredSize}${l.unanchored > 0 ? ` (${l.unanchored} newer not yet anchored)` : ''}${l.signaturesChecked ? '' : ', signatures NOT checked: pass --key'}` : r.ledgerSkipped ? `; checkpoints not checked: ${r.ledgerSkipped}` : '';
  // Pruned events are linked by their stored hashes: their content is gone, by retention.
  const prunedNote = r.pruned ? `, ${r.pruned} of them pruned by retention` : '';
  if (r.ok) return `audit chain intact: ${r.count} events verified (${r.firstSeq ?? '-'}..${r.lastSeq ?? '-'})${prunedNote}, head ${r.head.slice(0, 16)}…${ledgerNote}${macNote} [${source}]`;
  if (l && !l.ok && !r.broken) return `audit trail NOT OK: ${l.problems[0]!.message} [${source}]`;
  if (r.broken) return `audit chain BROKEN at event ${r.broken.seq}: ${r.broken.message} (${r.count} events verified before it) [${source}]`;
  const first = r.problems?.[0];
  return `audit trail NOT OK: ${r.problemCount ?? r.problems?.length ?? 0} row problem(s)${first ? `, first: ${first.message}` : ''}${macNote} [${source}]`;
}

function reportVerify(output: 'table' | 'json', r: TrailResult, source: string): void {
  print(output, { source, ...r }, () => verifySummary(r, source));
  if (!r.ok) process.exitCode = exitCodes.failed;
}

/** What an event changed, where its details say: an app status change's `from → to`. */
function changeOf(record: AuditRecord): string {
  const { api, unmapped } = record.event;
  if (api.operation !== 'app.transition' || typeof unmapped?.from !== 'string' || typeof unmapped.to !== 'string') return '';
  return `${unmapped.from} → ${unmapped.to}`;
}

export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');

  audit
    .command('verify')
    .description('verify the trail (hash chain, every row, nothing left outside the chain); exits 0 when intact, 1 naming the first problem')
    .option('--file <jsonl>', 'verify an exported JSONL file offline (no server needed)')
    .option('--database-url <url>', 'verify a PostgreSQL database directly, offline')
    .option('--data-dir <dir>', 'verify the embedded SQLite database in DIR directly, offline')
    .option('--schema <name>', 'PostgreSQL schema holding the tables (with --database-url)')
    .option('--from <seq>', 'start at this sequence number (online only)')
    .option('--key <vkey|file>', "the log's verifier key (from `trellis audit key`): check checkpoint signatures and require one (offline)")
    .option('--witness <file>', 'checkpoints held elsewhere (a witness file, or saved notes): the trail must match them too (offline)')
    .addHelpText('after', '\nExamples:\n  trellis audit verify\n  trellis audit key --vkey > trellis.vkey\n  trellis audit export > trail.jsonl && trellis audit verify --file trail.jsonl --key trellis.vkey\n  trellis audit verify --file trail.jsonl --key trellis.vkey --witness witness.jsonl\n  trellis audit verify --data-dir .trellis')
    .action(async (opts: { file?: string; databaseUrl?: string; dataDir?: string; schema?: string; from?: string; key?: string; witness?: string }) => {
      const { output } = ctx.globals();
      if ((opts.key || opts.witness) && !opts.file && !opts.databaseUrl && !opts.dataDir) throw new CliError('--key and --witness check a trail offline: use them with --file, --data-dir or --database-url', exitCodes.usage);
      const inputs = await ledgerInputs(opts);
      if (opts.file) {
        const { verifyExportFile } = await import('./verify-offline.ts');
        return reportVerify(output, await verifyExportFile(opts.file, inputs), `file ${opts.file}`);
      }
      if (opts.databaseUrl || opts.dataDir) {
        const { verifyDatabase } = await import('./verify-offline.ts');
        const { join } = await import('node:path');
        const { existsSync } = await import('node:fs');
        if (opts.dataDir && !existsSync(join(opts.dataDir, 'trellis.db'))) throw new CliError(`no Trellis database in ${opts.dataDir}`, exitCodes.notFound);
        const r = await verifyDatabase({ ...(opts.databaseUrl ? { url: opts.databaseUrl, ...(opts.schema ? { schema: opts.schema } : {}) } : { sqliteFile: join(opts.dataDir!, 'trellis.db') }), ...inputs });
        return reportVerify(output, r, opts.databaseUrl ? 'database (PostgreSQL)' : `database ${opts.dataDir}`);
      }
      const from = opts.from === undefined ? undefined : Number(opts.from);
      if (from !== undefined && (!Number.isInteger(from) || from < 1)) throw new CliError('--from must be a positive integer', exitCodes.usage);
      const r = await ctx.client().json<TrailResult>('GET', '/api/v1/audit/verify', { query: { from_seq: from } });
      reportVerify(output, r, `server ${ctx.globals().server}`);
    });

  audit
    .command('tail')
    .description('show the newest audit events; --follow keeps printing new ones')
    .option('-n, --lines <n>', 'how many recent events to show', '20')
    .option('-f, --follow', 'keep polling for new events')
    .option('--action <action>', 'only this action, e.g. app.register')
    .option('--actor <id>', 'only this actor')
    .option('--class <uid>', 'only this OCSF class, e.g. 6003 (API Activity), 6005 (Datastore Activity)')
    .option('--app <name>', 'only events about this app, its gateway calls included')
    .option('--interval <ms>', 'poll interval with --follow', '1000')
    .addHelpText('after', '\nExamples:\n  trellis audit tail -n 50 --app leave-requests\n  trellis audit tail --class 6005 --follow')
    .action(async (opts: { lines: string; follow?: boolean; action?: string; actor?: string; class?: string; app?: string; interval: string }) => {
      const client = ctx.client();
      const { output } = ctx.globals();
      const n = Number(opts.lines);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError('--lines must be 1..1000', exitCodes.usage);
      const classUid = opts.class === undefined ? undefined : Number(opts.class);
      if (classUid !== undefined && (!/^\d+$/.test(opts.class!) || !Number.isSafeInteger(classUid))) throw new CliError('--class must be an OCSF class uid, e.g. 6003', exitCodes.usage);
      const filter = { action: opts.action, actor: opts.actor, class_uid: classUid, app: opts.app };
      const show = (items: AuditRecord[]) => {
        if (output === 'json') {
          for (const it of items) process.stdout.write(JSON.stringify(it) + '\n');
          return;
        }
        if (items.length === 0) return;
        process.stdout.write(
          formatTable(
            items.map((it) => ({ seq: it.seq, time: it.event.time_dt, action: it.event.api.operation, actor: it.event.actor.user.name ?? it.event.actor.user.uid, resource: it.event.resources.map((r) => `${r.type}/${r.name ?? r.uid}`).join(','), change: changeOf(it), status: it.event.status })),
            ['seq', 'time', 'action', 'actor', 'resource', 'change', 'status'],
          ) + '\n',
        );
      };
      const recent = await client.json<{ items: AuditRecord[] }>('GET', '/api/v1/audit/events', { query: { ...filter, order: 'desc', limit: n } });
      const items = recent.items.reverse();
      show(items);
      if (!opts.follow) return;
      let after = items.length ? items[items.length - 1]!.seq : (await client.json<{ seq: number }>('GET', '/api/v1/audit/head')).seq;
      for (;;) {
        await new Promise((r) => setTimeout(r, Number(opts.interval)));
        const page = await client.json<{ items: AuditRecord[] }>('GET', '/api/v1/audit/events', { query: { ...filter, after, limit: 500 } });
        show(page.items);
        if (page.items.length) after = page.items[page.items.length - 1]!.seq;
      }
    });

  audit
    .command('export')
    .description('export the chain as JSONL for offline verification and evidence')
    .option('--out <file>', 'write to FILE instead of standard output')
    .option('--from <seq>', 'start at this sequence number')
    .addHelpText('after', '\nExamples:\n  trellis audit export --out trail.jsonl\n  trellis audit export --from 1200 > recent.jsonl\n  trellis audit verify --file trail.jsonl   # check an export offline')
    .action(async (opts: { out?: string; from?: string }) => {
      const res = await ctx.client().request('GET', '/api/v1/audit/export', { query: { from_seq: opts.from } });
      const sink = opts.out ? createWriteStream(opts.out) : process.stdout;
      if (!res.body) return;
      await res.body.pipeTo(Writable.toWeb(sink) as WritableStream<Uint8Array>);
    });

  registerLedgerCommands(audit, ctx);
}
