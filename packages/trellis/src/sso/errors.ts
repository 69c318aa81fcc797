/** The sso module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const ssoErrors = defineErrors({
  sso_not_configured: { status: 404, title: 'Single sign-on is not configured' },
  sign_in_failed: { status: 400, title: 'Sign-in failed' },
  sign_in_refused: { status: 403, title: 'Sign-in refused' },
  idp_unavailable: { status: 502, title: 'The identity provider is unavailable' },
});
