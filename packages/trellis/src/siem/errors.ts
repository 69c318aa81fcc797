/** The siem module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const siemErrors = defineErrors({
  siem_sink_name_taken: { status: 409, title: 'A sink with this name exists' },
  siem_sink_limit_reached: { status: 409, title: 'Too many SIEM sinks' },
});
