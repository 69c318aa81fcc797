/** `trellis gateway quotas show|set`: an app's gateway quotas and usage, through the REST API. */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { print } from '../cli/output.ts';
import type { Services } from '../module.ts';

interface QuotaView {
  app: string;
  limits: { requestsPerMinute: number; recordsPerDay: number; bytesPerDay: number };
  overrides: { requestsPerMinute: number | null; recordsPerDay: number | null; bytesPerDay: number | null } | null;
  usage: { minute: { requests: number }; day: { requests: number; records: number; bytes: number } };
}

function quotaText(q: QuotaView): string {
  const own = (k: keyof QuotaView['limits']) => (q.overrides?.[k] !== null && q.overrides?.[k] !== undefined ? '' : ' (default)');
  return [
    `${q.app}`,
    `requests per minute  ${q.limits.requestsPerMinute}${own('requestsPerMinute')}  used ${q.usage.minute.requests}`,
    `records per day      ${q.limits.recordsPerDay}${own('recordsPerDay')}  used ${q.usage.day.records}`,
    `bytes per day        ${q.limits.bytesPerDay}${own('bytesPerDay')}  used ${q.usage.day.bytes}`,
  ].join('\n');
}

/** A limit option: a non-negative integer, or `default` to go back to the configured default. */
function limitOf(v: string | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  if (v === 'default') return null;
  if (!/^\d+$/.test(v)) throw new Error(`"${v}" is not a whole number (or "default")`);
  return Number(v);
}

export function registerGatewayCommands(program: Command, ctx: CliContext<Services>): void {
  const gateway = program.command('gateway').description('the data gateway apps call (/gw/v1)');
  const quotas = gateway.command('quotas').description("an app's gateway quotas: requests per minute, records and bytes per day");
  quotas
    .command('show <app>')
    .description('the quotas in force for an app and what it used this minute and today')
    .addHelpText('after', '\nExamples:\n  trellis gateway quotas show leave-requests')
    .action(async (app: string) => {
      const q = await ctx.client().json<QuotaView>('GET', `/api/v1/gateway/quotas/${encodeURIComponent(app)}`);
      print(ctx.globals().output, q, () => quotaText(q));
    });
  quotas
    .command('set <app>')
    .description("set an app's quotas (audited); options left out keep their value, `default` restores the default")
    .option('--requests-per-minute <n>', 'requests per minute')
    .option('--records-per-day <n>', 'records returned or written per UTC day')
    .option('--bytes-per-day <n>', 'bytes returned per UTC day')
    .addHelpText('after', '\nExamples:\n  trellis gateway quotas set leave-requests --requests-per-minute 120\n  trellis gateway quotas set leave-requests --records-per-day default')
    .action(async (app: string, opts: { requestsPerMinute?: string; recordsPerDay?: string; bytesPerDay?: string }) => {
      const path = `/api/v1/gateway/quotas/${encodeURIComponent(app)}`;
      const now = await ctx.client().json<QuotaView>('GET', path);
      const pick = (opt: string | undefined, k: keyof QuotaView['limits']) => {
        const v = limitOf(opt);
        return v === undefined ? (now.overrides?.[k] ?? null) : v;
      };
      const body = { requests_per_minute: pick(opts.requestsPerMinute, 'requestsPerMinute'), records_per_day: pick(opts.recordsPerDay, 'recordsPerDay'), bytes_per_day: pick(opts.bytesPerDay, 'bytesPerDay') };
      const q = await ctx.client().json<QuotaView>('PUT', path, { body });
      print(ctx.globals().output, q, () => quotaText(q));
    });
}
