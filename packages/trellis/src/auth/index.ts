/**
 * The auth module (part of C6): API tokens and who may do what. Its plugin guards every route
 * of every module (plugin.ts); other modules ask `requirePrincipal` who is calling and
 * `hasPermission` for checks finer than a route's own permission.
 */
import type { TrellisModule } from '../module.ts';
import type { TokenService } from './service.ts';
import type { Revocations } from './revocations.ts';
import { authPermissions } from './permissions.ts';
import { registerTokenCommands } from './cli.ts';

export { installAuth, requirePrincipal } from './plugin.ts';
export { actorOf, hasPermission, systemActor } from './service.ts';
export { mergePermissions, permissionMatrixMarkdown } from './permissions.ts';
export { canonicalPersonRef } from './person-ref.ts';
export type { Principal, TokenService } from './service.ts';
export type { Revocations } from './revocations.ts';
export { hashSecret, secretMatches } from './token-format.ts';
export { AggregatedAudit } from './aggregated-audit.ts';
export { FailureLimiter } from './failure-limiter.ts';

declare module '../module.ts' {
  interface Services {
    tokens: TokenService;
    /** The revocation feed every replica follows (revocations.ts). */
    revocations: Revocations;
  }
}

export const authModule: TrellisModule = {
  name: 'auth',
  permissions: authPermissions,
  migrations: async (dialect) => (await import('./migrations.ts')).authMigrations(dialect),
  services: async ({ database, audit, permissions }) => {
    const { Revocations } = await import('./revocations.ts');
    const revocations = new Revocations(database, (message) => process.stderr.write(`trellis: warning: ${message}\n`));
    return { revocations, tokens: new (await import('./service.ts')).TokenService(database, audit, permissions, revocations) };
  },
  routes: async (app, services) => (await import('./routes.ts')).authRoutes(app, services),
  cli: registerTokenCommands,
  start: async ({ database, revocations }) => {
    await (await import('./revocations.ts')).pruneRevocations(database.db);
    await revocations.start();
  },
  stop: ({ revocations }) => revocations.stop(),
};
