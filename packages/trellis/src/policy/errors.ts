/** The policy module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const policyErrors = defineErrors({
  bundle_invalid: { status: 422, title: 'The policy bundle is not valid' },
  bundle_tests_failed: { status: 422, title: "The policy bundle's tests did not pass" },
  no_active_bundle: { status: 409, title: 'No policy bundle is active' },
  nothing_to_roll_back: { status: 409, title: 'There is no earlier activation to roll back to' },
});
