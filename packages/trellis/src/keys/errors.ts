/** The keys module's own error codes (core codes live in src/errors.ts). */
import { defineErrors } from '../errors.ts';

export const keyErrors = defineErrors({
  key_mismatch: { status: 500, title: 'The master key is not the one the database was first used with' },
  key_missing: { status: 500, title: 'A master key this data needs is not configured on this server' },
});
