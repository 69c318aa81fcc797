/** The catalog's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const catalogErrors = defineErrors({
  manifest_invalid: { status: 422, title: 'The manifest is not valid' },
  invalid_transition: { status: 409, title: 'Status change not allowed' },
});
