/**
 * How talking to the IdP fails, apart from the client (idp.ts) so that the sso service can tell
 * the failures apart without loading openid-client until an IdP is configured and used.
 */

/** An error answer from the IdP's token endpoint (`authorization_pending`, `invalid_grant`, …). */
export class IdpErrorAnswer extends Error {
  constructor(
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(`the identity provider answered ${error}`);
  }
}

/** The IdP could not be reached or answered something unusable. */
export class IdpUnavailable extends Error {}
