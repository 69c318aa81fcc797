/**
 * The leases module (docs/dynamic-credentials.md): dynamic PostgreSQL credentials, as Vault's
 * database secrets engine makes them. The gateway asks `leases.poolFor(app, target, grants)` for
 * a pool logged in as the app's own short-lived role, granted only the approved columns; admins
 * list, renew and revoke leases through the API and `trellis leases`.
 */
import type { TrellisModule } from '../module.ts';
import type { LeaseService } from './service.ts';
import { leaseErrors } from './errors.ts';
import { registerLeaseCommands } from './cli.ts';

export type { LeaseService } from './service.ts';
export type { PgTarget } from './target.ts';
export type { TableGrant } from './sql.ts';

declare module '../module.ts' {
  interface Services {
    leases: LeaseService;
  }
}

export const leasesModule: TrellisModule = {
  name: 'leases',
  permissions: {
    'leases:read': { description: 'List and show dynamic database credentials (leases): app, connector, role, grants and times, never a password', roles: ['admin', 'reviewer', 'auditor'] },
    'leases:manage': { description: 'Renew or revoke a lease (revoking drops its database role)', roles: ['admin'] },
  },
  errors: leaseErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).leaseMigrations(dialect),
  services: async ({ database, audit, keys, catalog, secrets, connectors }) => {
    const [{ LeaseService }, { resolveChecked }] = await Promise.all([import('./service.ts'), import('../egress/index.ts')]);
    const leases = new LeaseService({
      database,
      audit,
      keys,
      catalog,
      connectors,
      resolveChecked: (host, policy) => resolveChecked(host, policy),
      // The secret store audits the first read of each version; `lease` says why it was read.
      passwordOf: async (name, target) => (await secrets.resolve(name, { connector: target.connector, purpose: 'lease' })).value,
    });
    return { leases };
  },
  routes: async (app, services) => (await import('./routes.ts')).leaseRoutes(app, services),
  cli: registerLeaseCommands,
  start: ({ leases }) => leases.start(),
  stop: ({ leases }) => leases.stop(),
};
