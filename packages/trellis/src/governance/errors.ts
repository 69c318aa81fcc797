/** The governance module's own error codes (docs/errors.md lists them with the others). */
import { defineErrors } from '../errors.ts';

export const governanceErrors = defineErrors({
  manifest_unbound_field: { status: 422, title: 'The manifest binds data its connectors do not list' },
  not_owner: { status: 403, title: 'Only the app\'s owners may change it' },
  separation_of_duties: { status: 403, title: 'Separation of duties' },
  review_closed: { status: 409, title: 'The review is already decided' },
  checklist_incomplete: { status: 422, title: 'The review checklist is not complete' },
});
