/**
 * The exports module (see docs/exports.md): the export gate. An app's data leaves through one of
 * its declared exports only via `services.exports.send` (the gateway's `POST
 * /gw/v1/exports/{destination}`): declared, configured by an admin, inspected by DLP, decided by
 * `data.trellis.export`, then blocked, quarantined for a reviewer or delivered. Admins configure
 * where each destination delivers; reviewers release or discard what is held.
 */
import type { TrellisModule } from '../module.ts';
import type { ExportService } from './service.ts';
import { exportErrors } from './errors.ts';
import { registerExportCommands } from './cli.ts';


declare module '../module.ts' {
  interface Services {
    exports: ExportService;
  }
}

export const exportsModule: TrellisModule = {
  name: 'exports',
  permissions: {
    'exports:read': { description: 'List export destinations and quarantined exports (never their payloads or secrets)', roles: ['admin', 'reviewer', 'auditor'] },
    'exports:manage': { description: 'Configure and remove export destinations (where each declared export delivers)', roles: ['admin'] },
    'exports:review': { description: 'Release (deliver) or discard exports held in quarantine', roles: ['admin', 'reviewer'] },
  },
  errors: exportErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).exportMigrations(dialect),
  services: async ({ database, audit, keys, policy, catalog, connectors, detectors, secrets }) => ({
    exports: new (await import('./service.ts')).ExportService({ database, audit, keys, policy, catalog, connectors, detectors, secrets }),
  }),
  routes: async (app, services) => (await import('./routes.ts')).exportRoutes(app, services),
  cli: registerExportCommands,
};
