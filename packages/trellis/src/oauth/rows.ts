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

export interface OAuthClientRow {
  client_id: string;
  app_name: string;
  /** confidential | public */
  type: string;
  /** active | disabled */
  status: string;
  created_at: string;
  updated_at: string;
}

export interface OAuthClientCredentialRow {
  id: string;
  client_id: string;
  /** client_secret | private_key_jwt */
  type: string;
  /** SHA-256 hex of the secret; never the secret. */
  secret_hash: string | null;
  /** Public JWKS JSON. */
  jwks: string | null;
  expires_at: string | null;
  created_at: string;
  created_by: string;
}

export interface OAuthAssertionJtiRow {
  client_id: string;
  jti: string;
  /** ms since the epoch (PostgreSQL returns bigint as text). */
  expires_at: number | string;
}

declare module '../db/tables.ts' {
  interface Tables {
    oauth_signing_keys: OAuthSigningKeyRow;
    oauth_clients: OAuthClientRow;
    oauth_client_credentials: OAuthClientCredentialRow;
    oauth_assertion_jtis: OAuthAssertionJtiRow;
  }
}
