/**
 * `trellis webhooks …`: create, list, show, delete, rotate, deliveries, redeliver and test
 * webhook subscriptions through the REST API. A signing secret is printed only by `create` and
 * `rotate`, the two answers that carry it, with a reminder that it is not shown again.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.ts';
import { CliError, exitCodes } from '../cli/errors.ts';
import { formatTable, print } from '../cli/output.ts';
import type { Delivery, DeliveryList, Subscription, SubscriptionWithSecret } from './schema.ts';

const base = '/api/v1/webhooks';

function path(id: string, rest = ''): string {
  return `${base}/${encodeURIComponent(id)}${rest}`;
}

function subscriptionText(s: Subscription): string {
  const lines: [string, unknown][] = [
    ['id', s.id],
    ['url', s.url],
    ['events', s.events.join(', ')],
    ['description', s.description],
    ['enabled', s.enabled ? 'yes' : `no (${s.disabled_reason ?? 'manual'})`],
    ['failures', s.consecutive_failures > 0 ? `${s.consecutive_failures} since ${s.failing_since ?? '?'}` : null],
    ['old secret', s.previous_secret_expires_at ? `still signing until ${s.previous_secret_expires_at}` : null],
    ['created', `${s.created_at} by ${s.created_by}`],
    ['updated', `${s.updated_at} by ${s.updated_by}`],
  ];
  return lines.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k.padEnd(12)} ${String(v)}`).join('\n');
}

function secretText(s: SubscriptionWithSecret, verb: string): string {
  return `${verb} ${s.id}\n\nsigning secret (shown only now; store it where your receiver reads it):\n  ${s.secret}` + (s.previous_secret_expires_at ? `\n\nthe previous secret keeps signing until ${s.previous_secret_expires_at}` : '');
}

function deliveryRow(d: Delivery) {
  return { id: d.id, event: d.event_type, status: d.status, attempts: d.attempts, code: d.last_status_code, next: d.next_attempt_at, error: d.last_error, created: d.created_at };
}

function deliveryText(d: Delivery): string {
  const head = `${d.id} ${d.event_type} (${d.event_id}): ${d.status} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}` + (d.next_attempt_at ? `, next attempt ${d.next_attempt_at}` : '');
  const attempts = d.attempt_log.map((a) => `  #${a.attempt} ${a.attempted_at} ${a.status_code ?? '-'} ${a.duration_ms} ms${a.error ? ` ${a.error}` : ''}`);
  return [head, ...attempts].join('\n');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

export function registerWebhookCommands(program: Command, ctx: CliContext): void {
  const webhooks = program.command('webhooks').description('signed outbound webhooks: subscriptions, deliveries, tests');

  webhooks
    .command('create')
    .description('subscribe a URL to events (prints the signing secret once)')
    .requiredOption('--url <url>', 'the receiver, https://…')
    .requiredOption('--event <type>', 'an event type, review.* or * (repeat or comma-separate)', collect, [])
    .option('--description <text>', 'what it is for')
    .addHelpText('after', '\nExamples:\n  trellis webhooks create --url https://hooks.example.com/trellis --event "review.*"\n  trellis webhooks create --url https://ci.example.com/hook --event review.opened --event review.decided')
    .action(async (opts: { url: string; event: string[]; description?: string }) => {
      if (opts.event.length === 0) throw new CliError('give at least one --event', exitCodes.usage);
      const s = await ctx.client().json<SubscriptionWithSecret>('POST', base, { body: { url: opts.url, events: opts.event, ...(opts.description ? { description: opts.description } : {}) } });
      print(ctx.globals().output, s, () => secretText(s, 'created webhook subscription'));
    });

  webhooks
    .command('list')
    .description('list webhook subscriptions')
    .addHelpText('after', '\nExample:\n  trellis webhooks list --output json')
    .action(async () => {
      const { items } = await ctx.client().json<{ items: Subscription[] }>('GET', base);
      print(ctx.globals().output, { items }, () =>
        formatTable(
          items.map((s) => ({ id: s.id, enabled: s.enabled ? 'yes' : `no (${s.disabled_reason ?? 'manual'})`, events: s.events.join(','), failures: s.consecutive_failures, url: s.url })),
          ['id', 'enabled', 'events', 'failures', 'url'],
        ),
      );
    });

  webhooks
    .command('show')
    .description('show a webhook subscription')
    .argument('<id>', 'the subscription, wh_…')
    .action(async (id: string) => {
      const s = await ctx.client().json<Subscription>('GET', path(id));
      print(ctx.globals().output, s, () => subscriptionText(s));
    });

  webhooks
    .command('delete')
    .description('delete a webhook subscription and its deliveries')
    .argument('<id>', 'the subscription, wh_…')
    .action(async (id: string) => {
      await ctx.client().json<void>('DELETE', path(id));
      print(ctx.globals().output, { deleted: id }, () => `deleted ${id}`);
    });

  webhooks
    .command('rotate')
    .description('rotate the signing secret (prints the new one once; the old one keeps signing for an overlap)')
    .argument('<id>', 'the subscription, wh_…')
    .action(async (id: string) => {
      const s = await ctx.client().json<SubscriptionWithSecret>('POST', path(id, '/rotate-secret'));
      print(ctx.globals().output, s, () => secretText(s, 'rotated the signing secret of'));
    });

  webhooks
    .command('deliveries')
    .description('deliveries of a subscription, newest first, with their attempts')
    .argument('<id>', 'the subscription, wh_…')
    .option('--status <status>', 'pending | delivered | failed')
    .option('--limit <n>', 'deliveries per page (1-200)', '50')
    .option('--cursor <cursor>', 'continue after a previous page')
    .addHelpText('after', '\nExamples:\n  trellis webhooks deliveries wh_3f9a0c1d2e4b5a6f7081 --status failed')
    .action(async (id: string, opts: { status?: string; limit: string; cursor?: string }) => {
      if (opts.status !== undefined && !['pending', 'delivered', 'failed'].includes(opts.status)) throw new CliError('--status must be pending, delivered or failed', exitCodes.usage);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new CliError('--limit must be a whole number from 1 to 200', exitCodes.usage);
      const page = await ctx.client().json<DeliveryList>('GET', path(id, '/deliveries'), { query: { status: opts.status, limit, cursor: opts.cursor } });
      print(ctx.globals().output, page, () => formatTable(page.items.map(deliveryRow), ['id', 'event', 'status', 'attempts', 'code', 'next', 'error', 'created']) + (page.next_cursor ? `\n(more: --cursor ${page.next_cursor})` : ''));
    });

  webhooks
    .command('redeliver')
    .description('send a delivered or failed delivery again')
    .argument('<id>', 'the subscription, wh_…')
    .argument('<delivery>', 'the delivery, dlv_…')
    .action(async (id: string, delivery: string) => {
      const d = await ctx.client().json<Delivery>('POST', path(id, `/deliveries/${encodeURIComponent(delivery)}/redeliver`));
      print(ctx.globals().output, d, () => `scheduled ${d.id}, a redelivery of ${delivery}`);
    });

  webhooks
    .command('test')
    .description('send a webhook.test event now and show how the receiver answered')
    .argument('<id>', 'the subscription, wh_…')
    .action(async (id: string) => {
      const d = await ctx.client().json<Delivery>('POST', path(id, '/test'));
      print(ctx.globals().output, d, () => deliveryText(d));
      if (d.status !== 'delivered') throw new CliError(`the receiver did not accept the test event (${d.last_error ?? 'no answer'}); it will be retried`, exitCodes.failed);
    });
}
