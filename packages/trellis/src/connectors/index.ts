/**
 * The connectors module (see docs/governance.md and docs/connectors.md): `kind: Connector`
 * definitions — a postgres database or an http API — with the field catalog of every resource
 * (data tags per field, the classification tiers that may bind it), versioned and audited like
 * apps, and drafted from a live PostgreSQL schema. Governance reads the catalogs through the
 * `connectors` service (ConnectorService.catalogs / allCatalogs); everything else in
 * connectors/ is internal, its tables included.
 */
import type { TrellisModule } from '../module.ts';
import type { ConnectorService } from './service.ts';
import { connectorErrors } from './errors.ts';
import { registerConnectorCommands } from './cli.ts';

export type { ConnectorService } from './service.ts';
export type { ConnectorCatalog, HttpConnection, PostgresConnection } from './model.ts';

declare module '../module.ts' {
  interface Services {
    connectors: ConnectorService;
  }
}

export const connectorsModule: TrellisModule = {
  name: 'connectors',
  permissions: {
    'connectors:read': { description: 'List and show connectors, their field catalogs and versions; validate connector manifests', roles: ['admin', 'reviewer', 'builder', 'auditor', 'viewer'] },
    'connectors:write': { description: 'Apply, retire and reactivate connectors; draft one from a live PostgreSQL database', roles: ['admin'] },
  },
  errors: connectorErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).connectorMigrations(dialect),
  services: async ({ database, audit, detectors }) => ({ connectors: new (await import('./service.ts')).ConnectorService(database, audit, detectors) }),
  routes: async (app, services) => (await import('./routes.ts')).connectorRoutes(app, services),
  cli: registerConnectorCommands,
};
