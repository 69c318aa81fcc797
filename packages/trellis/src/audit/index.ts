/**
 * The audit module (capability C12): the hash-chained OCSF trail every state change is written
 * to in its own transaction; search, verification (online and offline) and export; signed
 * checkpoints, proofs and witnesses (ledger/service.ts); retention, legal holds and shredding.
 */
import type { TrellisModule } from '../module.ts';
import type { AuditLog } from './service.ts';
import { registerAuditCommands } from './cli.ts';
import type { AuditRetention } from './retention/service.ts';
import type { AuditLedger } from './ledger/service.ts';
import { registerRetentionCommands } from './retention/cli.ts';
import { retentionErrors } from './retention/errors.ts';

export type { AuditLog } from './service.ts';
export type { Activity, Actor, AuditInput, OcsfEvent } from './ocsf.ts';
// Events queued for a later batch keep the trace of the call that made them.
export { stampTrace } from './ocsf.ts';

declare module '../module.ts' {
  interface Services {
    audit: AuditLog;
    /** Retention per class, legal holds, shredding a person's keys (retention/service.ts). */
    auditRetention: AuditRetention;
    /** Signed checkpoints, proofs and witnesses (ledger/service.ts). */
    auditLedger: AuditLedger;
  }
}

export const auditModule: TrellisModule = {
  name: 'audit',
  permissions: {
    'audit:read': { description: 'Search, tail and export the audit trail', roles: ['admin', 'reviewer', 'auditor'] },
    'audit:verify': { description: 'Verify the audit chain', roles: ['admin', 'reviewer', 'auditor'] },
    'audit:manage': { description: "Set audit retention, place and release legal holds, shred a person's audit data keys", roles: ['admin'] },
  },
  errors: retentionErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).auditMigrations(dialect),
  services: async ({ database, keys, config }) => {
    const audit = new (await import('./service.ts')).AuditLog(database, keys);
    const { loadCheckpointSigner } = await import('./ledger/signing-key.ts');
    const { signer } = loadCheckpointSigner({ key: config.auditSigningKey, keyFile: config.auditSigningKeyFile, origin: config.auditLogOrigin, dev: config.dev, sqliteFile: database.sqliteFile, keys, warn: (line) => process.stderr.write(line + '\n') });
    const auditLedger = new (await import('./ledger/service.ts')).AuditLedger(database, audit, signer, { everyEvents: config.auditCheckpointEvents, everySeconds: config.auditCheckpointSeconds, witnesses: config.auditWitnesses });
    return { audit, auditLedger, auditRetention: new (await import('./retention/service.ts')).AuditRetention(database, keys, audit, audit.personal) };
  },
  routes: async (app, services) => {
    (await import('./routes.ts')).auditRoutes(app, services);
    (await import('./retention/routes.ts')).retentionRoutes(app, services);
    (await import('./ledger/routes.ts')).ledgerRoutes(app, services);
  },
  cli: (program, ctx) => {
    registerAuditCommands(program, ctx);
    registerRetentionCommands(program.commands.find((c) => c.name() === 'audit')!, ctx);
  },
  start: ({ audit, auditRetention, auditLedger }) => {
    audit.startSweeper();
    auditLedger.start();
    auditRetention.start();
  },
  stop: async ({ audit, auditRetention, auditLedger }) => {
    await auditLedger.stop();
    await auditRetention.stop();
    await audit.stop();
  },
};
