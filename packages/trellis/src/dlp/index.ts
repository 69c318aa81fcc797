/**
 * The DLP module (C10): the REST and CLI faces of the detection engine, the reveal of tokenized
 * values, and the registry of custom detectors that scans use. The engine itself is the
 * `@trellis/dlp` package; this module adds what needs the server.
 */
import type { TrellisModule } from '../module.ts';
import type { DetectorRegistry } from './detector-registry/service.ts';
import { registerDetectorCommands } from './detector-registry/cli.ts';
import { registerDlpCommands } from './cli.ts';
import { registerRevealCommand } from './reveal-cli.ts';
import { dlpErrors } from './errors.ts';

// The engine, loaded on first use: other modules scan through it (governance's secret scan, connectors' drafts).
export { dlpEngine } from './engine.ts';
// What a finding means in the catalog's tags: connector drafts, the export gate and the gateway's response DLP.
export { tagOfFinding } from './finding-tag.ts';

declare module '../module.ts' {
  interface Services {
    /** Custom DLP detectors; scans read its in-memory active set. */
    detectors: DetectorRegistry;
  }
}

export const dlpModule: TrellisModule = {
  name: 'dlp',
  permissions: {
    'dlp:scan': { description: 'Scan text and records for sensitive data, and read the active custom detectors\' definitions (which such scans run)', roles: ['admin', 'reviewer', 'builder', 'auditor'] },
    'dlp:transform': { description: 'Mask, redact, hash or tokenize sensitive data', roles: ['admin', 'reviewer', 'builder'] },
    'dlp:detokenize': { description: 'Reveal tokenized or encrypted values (privileged; audited with a reason)', roles: ['admin'] },
    'dlp:read': { description: 'List and show custom detectors and their sample tests', roles: ['admin', 'reviewer', 'auditor'] },
    'dlp:manage': { description: 'Add, test, edit, activate, deactivate and delete custom detectors', roles: ['admin'] },
  },
  errors: dlpErrors.table,
  migrations: async (dialect) => (await import('./detector-registry/migrations.ts')).detectorRegistryMigrations(dialect),
  services: async ({ database, audit }) => ({ detectors: new (await import('./detector-registry/service.ts')).DetectorRegistry(database, audit) }),
  routes: async (app, services) => {
    (await import('./routes.ts')).dlpRoutes(app, services);
    (await import('./detector-registry/routes.ts')).detectorRegistryRoutes(app, services);
  },
  cli: (program, ctx) => {
    const dlp = registerDlpCommands(program, ctx);
    registerDetectorCommands(dlp, ctx);
    registerRevealCommand(dlp, ctx);
  },
  start: async ({ detectors }) => {
    await detectors.refresh();
    detectors.startPolling();
  },
  stop: ({ detectors }) => detectors.stop(),
};
