/**
 * The oauth module's own error codes for its management API (problem details). The protocol
 * endpoints answer in OAuth's format instead (protocol-errors.ts).
 */
import { defineErrors } from '../errors.ts';

export const oauthErrors = defineErrors({
  no_service_identity: { status: 409, title: 'The app has no service identity yet' },
  credential_invalid: { status: 422, title: 'The credential is not acceptable' },
  not_app_owner: { status: 403, title: "Only the app's owner or an admin may manage its credentials" },
});
