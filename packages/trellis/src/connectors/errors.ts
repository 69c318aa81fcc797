/** The connectors module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const connectorErrors = defineErrors({
  connector_invalid: { status: 422, title: 'The connector manifest is not valid' },
  draft_failed: { status: 422, title: 'The database could not be read for a draft' },
});
