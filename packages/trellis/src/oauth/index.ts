/**
 * The oauth module (C7): service identities for approved apps (OAuth 2.0 clients), the token endpoint issuing short-lived JWT access tokens, introspection, revocation, JWKS and metadata.
 */
import type { TrellisModule } from '../module.ts';

export const oauthModule: TrellisModule = {
  name: 'oauth',
};
