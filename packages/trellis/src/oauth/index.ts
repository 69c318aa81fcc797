/**
 * The oauth module (C7): service identities for approved apps (OAuth 2.0 clients), the token
 * endpoint issuing short-lived JWT access tokens (client credentials and token exchange, DPoP
 * when asked), introspection, revocation, JWKS with signing-key rotation, and metadata
 * (docs/oauth.md). Other modules use the `oauth` service — the gateway calls `oauth.verify` —
 * and nothing else of this folder.
 */
import type { TrellisModule } from '../module.ts';
import type { OAuthService } from './service.ts';
import type { SigningKeys } from './signing-keys.ts';
import type { AccessTokenVerifier } from './access-token.ts';
import { oauthErrors } from './errors.ts';
import { registerOAuthCommands } from './cli.ts';

declare module '../module.ts' {
  interface Services {
    /** Service identities, their credentials and tokens; `oauth.verify` for resource servers. */
    oauth: OAuthService;
    /** The access-token signing keys (rotated, followed by every replica). */
    oauthSigningKeys: SigningKeys;
    oauthVerifier: AccessTokenVerifier;
  }
}

export const oauthModule: TrellisModule = {
  name: 'oauth',
  permissions: {
    'oauth:read': { description: "See an app's service identity and its credentials (metadata, never a secret)", roles: ['admin', 'reviewer', 'auditor', 'builder'] },
    'oauth:manage': { description: "Create, rotate and delete an app's client credentials (its owner, or an admin)", roles: ['admin', 'builder'] },
    'oauth:keys': { description: 'Rotate the access-token signing keys', roles: ['admin'] },
    'oauth:introspect': { description: 'Introspect any access token at /oauth/introspect with an API token', roles: ['admin', 'auditor'] },
  },
  errors: oauthErrors.table,
  migrations: async (dialect) => (await import('./migrations.ts')).oauthMigrations(dialect),
  services: async ({ database, keys, audit, catalog, tokens, revocations, policy, config }) => {
    const [{ SigningKeys }, { AccessTokenVerifier }, { OAuthService, MAX_LIFETIME_SEC }, { publicUrlOf }] = await Promise.all([import('./signing-keys.ts'), import('./access-token.ts'), import('./service.ts'), import('../config.ts')]);
    const oauthSigningKeys = new SigningKeys(database, keys, audit, { maxTokenLifetimeMs: MAX_LIFETIME_SEC * 1000 });
    const oauthVerifier = new AccessTokenVerifier(oauthSigningKeys, revocations, { issuer: () => publicUrlOf(config) });
    const oauth = new OAuthService({ database, audit, catalog, tokens, revocations, policy, signingKeys: oauthSigningKeys, verifier: oauthVerifier, config });
    return { oauth, oauthSigningKeys, oauthVerifier };
  },
  routes: async (app, services) => (await import('./routes.ts')).oauthRoutes(app, services),
  cli: registerOAuthCommands,
  start: async ({ oauth, oauthSigningKeys }) => {
    await oauthSigningKeys.start();
    oauth.start();
  },
  stop: async ({ oauth, oauthSigningKeys }) => {
    await oauth.stop();
    await oauthSigningKeys.stop();
  },
};
