/**
 * The webhooks module (see docs/governance.md and docs/webhooks.md): signed outbound webhooks.
 * Other modules announce events with the `webhooks` service's `enqueue(tx, event)` inside the
 * transaction of the change; the module's worker delivers them with Standard Webhooks
 * signatures and retries. Receivers can check a delivery with `verifyWebhookSignature`.
 */
import type { TrellisModule } from '../module.ts';
import type { WebhookService } from './service.ts';
import { webhookErrors } from './errors.ts';
import { registerWebhookCommands } from './cli.ts';
import { allowPrivateFromEnv } from './settings.ts';

export { verifyWebhookSignature } from './signing.ts';
export type { WebhookService } from './service.ts';

declare module '../module.ts' {
  interface Services {
    webhooks: WebhookService;
  }
}

export const webhooksModule: TrellisModule = {
  name: 'webhooks',
  permissions: {
    'webhooks:read': { description: 'List webhook subscriptions and their deliveries (never the signing secrets)', roles: ['admin', 'auditor'] },
    'webhooks:manage': { description: 'Create, change, delete and test webhook subscriptions; rotate their secrets; redeliver', roles: ['admin'] },
  },
  errors: webhookErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).webhookMigrations(dialect),
  services: async ({ database, audit, keys }) => ({
    webhooks: new (await import('./service.ts')).WebhookService(database, audit, keys, { allowPrivate: allowPrivateFromEnv(process.env) }),
  }),
  routes: async (app, services) => (await import('./routes.ts')).webhookRoutes(app, services),
  cli: registerWebhookCommands,
  start: ({ webhooks }) => webhooks.start(),
  stop: ({ webhooks }) => webhooks.stop(),
};
