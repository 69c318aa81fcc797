/**
 * CLI failures and their exit codes. Commands throw CliError; only the entry file calls
 * process.exit. The codes are documented in the README and in `trellis --help` so scripts can trust them.
 */

export const exitCodes = {
  ok: 0,
  /** The command ran and the answer is "no": verification failed, validation found errors, findings present. */
  failed: 1,
  usage: 2,
  notFound: 3,
  /** No token, a bad token, or a role without the permission. */
  auth: 4,
  /** Server error, network failure or unexpected response. */
  server: 5,
  conflict: 6,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** One line on how to fix it. */
    readonly hint?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return exitCodes.auth;
  if (status === 404) return exitCodes.notFound;
  if (status === 409) return exitCodes.conflict;
  if (status === 400 || status === 413 || status === 415 || status === 422) return exitCodes.failed;
  return exitCodes.server;
}
