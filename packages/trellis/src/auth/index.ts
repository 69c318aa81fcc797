/**
 * The auth module (part of C6): API tokens and who may do what. Its plugin guards every route
 * of every module (plugin.ts); other modules ask `requirePrincipal` who is calling and
 * `hasPermission` for checks finer than a route's own permission.
 */
import type { TrellisModule } from '../module.ts';
import type { TokenService } from './service.ts';
import { authPermissions } from './permissions.ts';
import { registerTokenCommands } from './cli.ts';

export { installAuth, requirePrincipal } from './plugin.ts';
export { actorOf, hasPermission, systemActor } from './service.ts';
export { mergePermissions, permissionMatrixMarkdown } from './permissions.ts';
export { canonicalPersonRef } from './person-ref.ts';
export type { Principal } from './service.ts';

declare module '../module.ts' {
  interface Services {
    tokens: TokenService;
  }
}

export const authModule: TrellisModule = {
  name: 'auth',
  permissions: authPermissions,
  migrations: async (dialect) => (await import('./migrations.ts')).authMigrations(dialect),
  services: async ({ database, audit, permissions }) => ({ tokens: new (await import('./service.ts')).TokenService(database, audit, permissions) }),
  routes: async (app, services) => (await import('./routes.ts')).authRoutes(app, services),
  cli: registerTokenCommands,
};
