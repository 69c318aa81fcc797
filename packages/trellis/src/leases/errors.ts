/** The leases module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const leaseErrors = defineErrors({
  lease_not_active: { status: 409, title: 'The lease has already ended' },
  lease_target_failed: { status: 502, title: 'The connector database refused the lease operation' },
});
