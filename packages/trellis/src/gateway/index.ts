/**
 * The gateway module (docs/gateway.md): the only road from a micro-app to data. Apps call
 * `/gw/v1/…` with their OAuth access token; the gateway enforces the approved manifest and the
 * `data.trellis.gateway` policy, reaches postgres connectors on leased or static credentials and
 * http connectors through egress with the credential injected, applies DLP to what returns,
 * enforces per-app quotas and audits every call. Per-call state is in memory on each replica.
 */
import type { TrellisModule } from '../module.ts';
import type { GatewayService } from './service.ts';
import { gatewayErrors } from './errors.ts';
import { queryErrors } from './query/index.ts';
import { registerGatewayCommands } from './cli.ts';

declare module '../module.ts' {
  interface Services {
    gateway: GatewayService;
  }
}

export const gatewayModule: TrellisModule = {
  name: 'gateway',
  permissions: {
    'gateway:read': { description: "See an app's gateway quotas and usage", roles: ['admin', 'reviewer', 'auditor', 'builder'] },
    'gateway:manage': { description: "Set an app's gateway quotas", roles: ['admin'] },
  },
  errors: { ...gatewayErrors.table, ...queryErrors.table },
  migrations: async (dialect) => (await import('./migrations.ts')).gatewayMigrations(dialect),
  services: async (services) => {
    const { GatewayService } = await import('./service.ts');
    const c = services.config;
    const gateway = new GatewayService(services, {
      quotas: { requestsPerMinute: c.gatewayRequestsPerMinute, recordsPerDay: c.gatewayRecordsPerDay, bytesPerDay: c.gatewayBytesPerDay },
      statementTimeoutMs: c.gatewayStatementTimeoutMs,
      maxResponseBytes: 32 * 1024 * 1024,
      quotaFlushMs: 2000,
      // Short: each batch is written in one go on the event loop, and a long batch is a stall every call in flight waits for.
      auditFlushMs: 20,
      appPollMs: 1000,
      connectorPollMs: 2000,
    });
    return { gateway };
  },
  routes: async (app, services) => (await import('./routes.ts')).gatewayRoutes(app, services),
  cli: registerGatewayCommands,
  start: ({ gateway }) => gateway.start(),
  stop: ({ gateway }) => gateway.stop(),
};
