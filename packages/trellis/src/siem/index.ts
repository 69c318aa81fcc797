/**
 * The siem module (capability C13, docs/siem.md): audit events leave Trellis for SIEMs through
 * sinks — OCSF JSON over HTTPS, JSONL files, syslog with CEF, Splunk HEC, OTLP logs — each
 * following the audit trail with a durable cursor, at least once, with retries, dead letters and
 * a lag figure (`services.siem.status()`).
 */
import type { TrellisModule } from '../module.ts';
import type { SiemService } from './service.ts';
import { siemErrors } from './errors.ts';
import { registerSiemCommands } from './cli.ts';

declare module '../module.ts' {
  interface Services {
    siem: SiemService;
  }
}

export const siemModule: TrellisModule = {
  name: 'siem',
  permissions: {
    'siem:read': { description: 'List SIEM sinks, their lag and dead letters', roles: ['admin', 'auditor', 'reviewer'] },
    'siem:manage': { description: 'Add, change, test and delete SIEM sinks; replay dead letters', roles: ['admin'] },
  },
  errors: siemErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).siemMigrations(dialect),
  services: async ({ database, audit, secrets }) => ({ siem: new (await import('./service.ts')).SiemService(database, audit, secrets) }),
  routes: async (app, services) => (await import('./routes.ts')).siemRoutes(app, services),
  cli: registerSiemCommands,
  start: ({ siem }) => siem.start(),
  stop: ({ siem }) => siem.stop(),
};
