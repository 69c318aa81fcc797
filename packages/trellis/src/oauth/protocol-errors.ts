/**
 * OAuth's own error format (RFC 6749 §5.2, RFC 8693, RFC 8707, RFC 9449): the protocol routes
 * answer `{"error": "...", "error_description": "..."}` rather than problem details, because
 * OAuth clients and libraries branch on `error`. These values never carry a secret.
 */

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_dpop_proof'
  | 'unsupported_token_type'
  | 'insufficient_scope'
  | 'server_error'
  | 'temporarily_unavailable';

const statusOf: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  invalid_dpop_proof: 400,
  unsupported_token_type: 400,
  insufficient_scope: 403,
  server_error: 500,
  temporarily_unavailable: 503,
};

export class OAuthError extends Error {
  readonly status: number;
  /** Seconds a throttled client should wait (sent as Retry-After). */
  readonly retryAfter: number | undefined;
  /**
   * Why, for the audit trail only, when the answer must say less (an unknown client and a wrong
   * secret get the same answer, so the endpoint tells nobody which client ids exist).
   */
  readonly reason: string;
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    opts: { status?: number; retryAfter?: number; reason?: string } = {},
  ) {
    super(description);
    this.name = 'OAuthError';
    this.status = opts.status ?? statusOf[error];
    this.retryAfter = opts.retryAfter;
    this.reason = opts.reason ?? description;
  }

  body(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}
