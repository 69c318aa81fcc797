/** Row types of the oauth module's tables (merged into db/tables.ts `Tables`). */

export interface OAuthSigningKeyRow {
  /** 1, 2, 3 …; the highest is the current key. */
  generation: number;
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  /** EdDSA | ES256 */
  alg: string;
  /** Public JWK, JSON. */
  public_jwk: string;
  /** PKCS#8 private key, AES-256-GCM under 'oauth.signing' (signing-keys.ts); never logged or returned. */
  private_enc: string;
  created_at: string;
  created_by: string;
}

declare module '../db/tables.ts' {
  interface Tables {
    oauth_signing_keys: OAuthSigningKeyRow;
  }
}
