/** The identity module's own error codes for its REST routes (SCIM answers in its own format, scim-error.ts). */
import { defineErrors } from '../errors.ts';

export const identityErrors = defineErrors({
  offer_closed: { status: 409, title: 'The ownership offer is already accepted or declined' },
  not_offered_to_you: { status: 403, title: 'The ownership offer is for someone else' },
});
