/** Error codes of audit retention, legal holds and shredding. */
import { defineErrors } from '../../errors.ts';

export const retentionErrors = defineErrors({
  audit_hold_not_found: { status: 404, title: 'No such legal hold' },
  audit_hold_released: { status: 409, title: 'The legal hold was already released' },
  audit_subject_held: { status: 409, title: 'A legal hold covers this subject; it cannot be shredded' },
});
