/**
 * The sso module (C6, sign-in): OIDC single sign-on for the console (authorization code with PKCE) and the CLI (device authorization grant), and the server-side sessions they create.
 */
import type { TrellisModule } from '../module.ts';

export const ssoModule: TrellisModule = {
  name: 'sso',
};
