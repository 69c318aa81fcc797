/**
 * The sso module (C6, sign-in): OIDC single sign-on for the console (authorization code with
 * PKCE) and the CLI (device authorization grant), and the server-side sessions they create.
 * Sessions reach the route guard through auth's hooks: a cookie authenticator (with the CSRF
 * check) and the `trls_` bearer prefix; they end on every replica through the revocation feed
 * (a session id at logout, or the person's subject when the directory deprovisions them).
 * See docs/sso.md.
 */
import type { TrellisModule } from '../module.ts';
import type { SsoService } from './service.ts';
import { ssoErrors } from './errors.ts';
import { registerSsoCommands } from './cli.ts';

declare module '../module.ts' {
  interface Services {
    sso: SsoService;
  }
}

export const ssoModule: TrellisModule = {
  name: 'sso',
  permissions: {
    'sessions:read': { description: 'List live sign-in sessions (who, which kind, when; never a secret)', roles: ['admin', 'auditor'] },
    'sessions:manage': { description: "End someone's sign-in session on every replica", roles: ['admin'] },
  },
  errors: ssoErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).ssoMigrations(dialect),
  services: async ({ database, audit, keys, tokens, revocations, config }) => ({
    sso: new (await import('./service.ts')).SsoService({ database, audit, keys, tokens, revocations, config }),
  }),
  routes: async (app, services) => (await import('./routes.ts')).ssoRoutes(app, services),
  cli: registerSsoCommands,
  start: ({ sso }) => sso.start(),
  stop: ({ sso }) => sso.stop(),
};
