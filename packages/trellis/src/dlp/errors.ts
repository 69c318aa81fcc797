/** The DLP module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const dlpErrors = defineErrors({
  detector_test_failed: { status: 422, title: 'The detector does not pass its samples' },
  reveal_failed: { status: 422, title: 'The value cannot be revealed with this installation key' },
});
