/** Row types of the sso module's tables (only sso/store.ts queries them). */

/** A signed-in person: a console (browser) session or a `trellis login` (cli) session. */
export interface SsoSessionRow {
  /** Public id, 16 hex characters: the part of the credential before its secret. */
  id: string;
  /** SHA-256 (hex) of the secret; the secret itself is never stored. */
  secret_hash: string;
  /** browser | cli */
  kind: string;
  /** `user:<email>`, canonical (auth's canonicalPersonRef). */
  subject: string;
  name: string;
  role: string;
  /** JSON object of the attributes the IdP sent (department, location, employment_type, groups). */
  attributes: string;
  created_at: string;
  /** Written at most once a minute per session. */
  last_seen_at: string;
  /** last_seen_at + the idle timeout. */
  idle_expires_at: string;
  /** The absolute end: sign-in + the maximum session length. */
  expires_at: string;
  ended_at: string | null;
  /** logout | idle_timeout | absolute_timeout | revoked */
  end_reason: string | null;
  /** The IdP's ID token, sealed under the 'sso.state' key, for RP-initiated logout (id_token_hint). */
  id_token_enc: string | null;
}

/** A browser sign-in between /auth/login and /auth/callback (single use, minutes long). */
export interface SsoLoginRow {
  /** SHA-256 of the OAuth `state`, which travels in URLs. */
  state_hash: string;
  /** SHA-256 of the random value in the browser's pre-login cookie: the callback must come from the browser that started. */
  binding_hash: string;
  /** The PKCE code verifier, sealed under the 'sso.state' key. */
  code_verifier_enc: string;
  nonce: string;
  /** Where to send the browser after sign-in: a same-origin relative path. */
  return_to: string;
  created_at: string;
  expires_at: string;
}

/** A device authorization (`trellis login`) the CLI polls through Trellis by its handle. */
export interface SsoDeviceRow {
  /** SHA-256 of the handle given to the CLI (the handle is a bearer secret until it is used). */
  handle_hash: string;
  /** The IdP's device_code, sealed under the 'sso.state' key. */
  device_code_enc: string;
  /** Seconds between polls, as the IdP asked. */
  interval: number;
  created_at: string;
  expires_at: string;
  /** When a session was created from it; a handle is good for one session. */
  used_at: string | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    sso_sessions: SsoSessionRow;
    sso_logins: SsoLoginRow;
    sso_devices: SsoDeviceRow;
  }
}
