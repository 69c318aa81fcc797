/**
 * The audit module (capability C12): the hash-chained OCSF trail every state change is written
 * to in its own transaction; search, verification (online and offline) and export.
 */
import type { TrellisModule } from '../module.ts';
import type { AuditLog } from './service.ts';
import { registerAuditCommands } from './cli.ts';

export type { AuditLog } from './service.ts';
export type { Activity, Actor, AuditInput, OcsfEvent } from './ocsf.ts';

declare module '../module.ts' {
  interface Services {
    audit: AuditLog;
  }
}

export const auditModule: TrellisModule = {
  name: 'audit',
  permissions: {
    'audit:read': { description: 'Search, tail and export the audit trail', roles: ['admin', 'reviewer', 'auditor'] },
    'audit:verify': { description: 'Verify the audit chain', roles: ['admin', 'reviewer', 'auditor'] },
  },
  migrations: async (dialect) => (await import('./migrations.ts')).auditMigrations(dialect),
  services: async ({ database, keys }) => ({ audit: new (await import('./service.ts')).AuditLog(database, keys) }),
  routes: async (app, services) => (await import('./routes.ts')).auditRoutes(app, services),
  cli: registerAuditCommands,
  start: ({ audit }) => audit.startSweeper(),
  stop: ({ audit }) => audit.stop(),
};
