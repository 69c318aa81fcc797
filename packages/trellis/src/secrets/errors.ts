/** The secrets module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const secretErrors = defineErrors({
  secret_not_found: { status: 404, title: 'No such secret' },
  secret_version_not_found: { status: 404, title: 'No such version of the secret' },
  secret_version_current: { status: 409, title: 'The current version of a secret cannot be destroyed' },
  secret_value_refused: { status: 400, title: 'The secret value is not acceptable' },
  manifest_has_credential: { status: 422, title: 'The manifest carries a credential' },
});
