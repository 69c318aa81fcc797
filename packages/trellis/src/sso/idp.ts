/**
 * The relying-party side of OIDC, through openid-client: discovery (once, retried after a
 * failure, so a server starts while its IdP is down), the authorization URL, the code and
 * device_code grants, userinfo, and the end-session URL. ID token signatures are verified
 * against the IdP's JWKS. Plain http is allowed only for an issuer on loopback (config.ts
 * refuses it elsewhere).
 */
import * as oidc from 'openid-client';
import type { OidcConfig } from '../config.ts';
import type { Claims } from './claims.ts';
import { IdpErrorAnswer, IdpUnavailable } from './idp-errors.ts';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';


export interface SignedIn {
  /** The ID token's claims (acr and amr are read from here only). */
  idToken: Claims;
  /** The ID token merged with userinfo (userinfo fills claims the ID token leaves out). */
  claims: Claims;
  /** The raw ID token, kept sealed for id_token_hint at logout. */
  rawIdToken: string | undefined;
}

export class IdentityProvider {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(private readonly settings: OidcConfig) {}

  configuration(): Promise<oidc.Configuration> {
    if (!this.discovered) {
      const issuer = new URL(this.settings.issuer);
      const auth = this.settings.clientSecret ? oidc.ClientSecretBasic(this.settings.clientSecret) : oidc.None();
      const insecure = issuer.protocol === 'http:';
      // Non-repudiation: ID tokens' signatures are checked against the IdP's JWKS even though
      // they arrive over TLS from the token endpoint — the MFA decision rests on their acr/amr.
      const execute = [oidc.enableNonRepudiationChecks, ...(insecure ? [oidc.allowInsecureRequests] : [])];
      this.discovered = oidc.discovery(issuer, this.settings.clientId, undefined, auth, { execute, timeout: 10 }).catch((err: unknown) => {
        this.discovered = undefined;
        throw new IdpUnavailable(`discovery at ${this.settings.issuer} failed: ${describe(err)}`);
      });
    }
    return this.discovered;
  }

  async authorizationUrl(params: { redirectUri: string; state: string; nonce: string; codeVerifier: string }): Promise<URL> {
    const config = await this.configuration();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: params.redirectUri,
      scope: this.settings.scopes,
      state: params.state,
      nonce: params.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(params.codeVerifier),
      code_challenge_method: 'S256',
      ...(this.settings.acrValues.length > 0 ? { acr_values: this.settings.acrValues.join(' ') } : {}),
    });
  }

  /** Exchange the callback's code (state, nonce and PKCE checked by openid-client). */
  async codeGrant(currentUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<SignedIn> {
    const config = await this.configuration();
    const tokens = await oidc
      .authorizationCodeGrant(config, currentUrl, { expectedState: checks.state, expectedNonce: checks.nonce, pkceCodeVerifier: checks.codeVerifier, idTokenExpected: true })
      .catch(rethrow);
    return this.signedIn(config, tokens);
  }

  async startDevice(): Promise<oidc.DeviceAuthorizationResponse> {
    const config = await this.configuration();
    return oidc.initiateDeviceAuthorization(config, { scope: this.settings.scopes, ...(this.settings.acrValues.length > 0 ? { acr_values: this.settings.acrValues.join(' ') } : {}) }).catch(rethrow);
  }

  /**
   * One device_code grant request (RFC 8628 §3.4): exactly one call to the token endpoint, so
   * the CLI's poll paces the IdP, not a loop here. Pending, slow_down, expiry and denial come
   * back as IdpErrorAnswer.
   */
  async deviceGrantOnce(deviceCode: string): Promise<SignedIn> {
    const config = await this.configuration();
    const tokens = await oidc.genericGrantRequest(config, DEVICE_CODE_GRANT, { device_code: deviceCode }).catch(rethrow);
    return this.signedIn(config, tokens);
  }

  async endSessionUrl(params: { idTokenHint: string | undefined; postLogoutRedirectUri: string }): Promise<string | undefined> {
    let config: oidc.Configuration;
    try {
      config = await this.configuration();
    } catch {
      return undefined;
    }
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc
      .buildEndSessionUrl(config, {
        client_id: this.settings.clientId,
        post_logout_redirect_uri: params.postLogoutRedirectUri,
        ...(params.idTokenHint ? { id_token_hint: params.idTokenHint } : {}),
      })
      .toString();
  }

  private async signedIn(config: oidc.Configuration, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<SignedIn> {
    const idToken = tokens.claims();
    if (!idToken) throw new IdpUnavailable('the identity provider returned no ID token; is the openid scope allowed?');
    let claims: Claims = { ...idToken };
    // Many IdPs put profile claims (e-mail, groups) in userinfo rather than the ID token.
    if ((claims.email === undefined || claims[this.settings.groupsClaim] === undefined) && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub).catch(rethrow);
      claims = { ...info, ...claims };
    }
    return { idToken: { ...idToken }, claims, rawIdToken: tokens.id_token };
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message;
  return String(err);
}

/** openid-client's errors, turned into an answer from the IdP or an unavailable IdP. */
function rethrow(err: unknown): never {
  if (err instanceof oidc.ResponseBodyError) throw new IdpErrorAnswer(err.error, err.error_description);
  if (err instanceof oidc.AuthorizationResponseError) throw new IdpErrorAnswer(err.error, err.error_description);
  if (err instanceof oidc.ClientError) throw new IdpErrorAnswer('invalid_response', describe(err));
  throw new IdpUnavailable(describe(err));
}
