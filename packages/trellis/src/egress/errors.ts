/**
 * Egress error codes. Every refusal or failure of an outbound call is an EgressError with one of
 * these codes, so a caller branches on the code (a gateway answers 502/504, webhooks record the
 * attempt) and the message names the host, never a path, query or header that may hold a secret.
 * A module that surfaces them as problem documents lists `egressErrors.table` in its errors.
 */
import { AppError, defineErrors } from '../errors.ts';

export const egressErrors = defineErrors({
  egress_bad_url: { status: 502, title: 'The upstream URL is not allowed' },
  egress_host_not_allowed: { status: 502, title: 'The upstream host is not on the allowlist' },
  egress_address_refused: { status: 502, title: 'The upstream address is refused' },
  egress_dns_failed: { status: 502, title: 'The upstream host does not resolve' },
  egress_connect_failed: { status: 502, title: 'The upstream could not be reached' },
  egress_timeout: { status: 504, title: 'The upstream did not answer in time' },
  egress_too_large: { status: 502, title: 'The upstream exchange is too large' },
  egress_redirect_refused: { status: 502, title: 'The upstream redirect is refused' },
});

export type EgressErrorCode = keyof typeof egressErrors.table;

export class EgressError extends AppError {
  declare readonly code: EgressErrorCode;
  /** The upstream's HTTP status when one came (a refused redirect's 3xx). */
  readonly upstreamStatus: number | undefined;

  constructor(code: EgressErrorCode, message: string, opts: { upstreamStatus?: number; cause?: unknown } = {}) {
    super(code, message, { entry: egressErrors.table[code], ...(opts.cause === undefined ? {} : { cause: opts.cause }) });
    this.name = 'EgressError';
    this.upstreamStatus = opts.upstreamStatus;
  }
}
