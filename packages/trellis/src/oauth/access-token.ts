/**
 * JWT access tokens (RFC 9068): signing with the current key, and verification that needs no
 * database round trip — the key comes from memory (SigningKeys), the revocation feed is in
 * memory, and DPoP replay is checked against an in-process cache.
 *
 * Verification refuses anything but EdDSA and ES256 (so neither `alg: none` nor an HMAC token
 * keyed with a published public key gets near a key), a `typ` other than `at+jwt`, an unknown
 * kid, another issuer, a missing audience, times outside the tolerance (including an `iat` in
 * the future), and any credential the feed has voided: the token itself (jti), or its client,
 * app or person revoked at or after it was issued. A token bound to a key (`cnf.jkt`) needs a
 * DPoP proof by that key; a proof presented with an unbound token is refused too, since the
 * caller believes it is sending a bound token and something is wrong.
 */
import { SignJWT, errors, jwtVerify, type CryptoKey, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { Revocations } from '../auth/index.ts';
import type { SigningKeys, SigningAlg } from './signing-keys.ts';
import { ReplayCache, verifyDpopProof } from './dpop.ts';
import { DEFAULT_CLOCK_TOLERANCE_SEC, accessTokenTyp, signingAlgs } from './jwt-policy.ts';

export interface AccessTokenClaims {
  iss: string;
  /** The app's client_id, or the person (`user:<email>`) under token exchange. */
  sub: string;
  /** Audiences the app was approved for (e.g. `trellis:connector:hr-db`, `trellis:gateway`). */
  aud: string[];
  client_id: string;
  app: string;
  /** Space-separated. */
  scope: string;
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  /** RFC 8693 actor: the app acting for the person. */
  act?: { sub: string };
  /** The person reference under token exchange. */
  subject?: string;
  /** DPoP binding (RFC 9449): thumbprint of the client's proof key. */
  cnf?: { jkt: string };
  auth_time?: number;
  acr?: string;
}

export async function signAccessToken(keys: SigningKeys, claims: AccessTokenClaims): Promise<string> {
  const { kid, alg, key } = keys.current();
  return new SignJWT({ ...claims }).setProtectedHeader({ alg, kid, typ: accessTokenTyp }).sign(key);
}

export interface VerifiedAccessToken {
  claims: AccessTokenClaims;
  kid: string;
}

/** `reason` is short and holds no secret (never the token). */
export type VerifyFailure = { error: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce'; reason: string };

export interface AccessTokenVerifierOptions {
  /** A function when the issuer is known only once the server listens (an empty publicUrl, port 0). */
  issuer: string | (() => string);
  clockToleranceSec?: number;
  /** DPoP proof jti seen by this verifier (one per replica; proofs are short-lived). */
  replay?: ReplayCache;
}

export interface VerifyOptions {
  /** Refuse the token unless its `aud` contains this. */
  audience?: string;
  /** The request's DPoP header (undefined when absent), method and URL. */
  dpop?: { proof: string | undefined; method: string; url: string };
  /**
   * Introspection and revocation: the caller is not the token's sender, so a bound token
   * passes without a proof (its `cnf` is in the claims for the caller to report). Every other
   * check still applies.
   */
  withoutProof?: boolean;
}

class UnknownKid extends Error {}

export class AccessTokenVerifier {
  private readonly tolerance: number;
  private readonly replay: ReplayCache;
  private readonly algorithms: string[] = [...signingAlgs];
  private readonly resolveKey = (header: JWTHeaderParameters): CryptoKey => {
    const found = typeof header.kid === 'string' ? this.keys.verificationKey(header.kid) : undefined;
    // A key of the other supported algorithm under this kid is still the wrong key.
    if (!found || found.alg !== (header.alg as SigningAlg)) throw new UnknownKid();
    return found.key;
  };

  constructor(
    private readonly keys: SigningKeys,
    private readonly revocations: Revocations,
    private readonly opts: AccessTokenVerifierOptions,
  ) {
    this.tolerance = opts.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
    this.replay = opts.replay ?? new ReplayCache();
  }

  async verify(token: string, opts: VerifyOptions = {}): Promise<VerifiedAccessToken | VerifyFailure> {
    let payload: JWTPayload;
    let kid: string;
    try {
      const r = await this.check(token, opts.audience);
      payload = r.payload;
      kid = r.protectedHeader.kid!;
    } catch (e) {
      if (!(e instanceof UnknownKid)) return refusal(e);
      // Perhaps a key another replica has just made: one catch-up read (at most one a second), then once more.
      await this.keys.catchUpOnMiss();
      try {
        const r = await this.check(token, opts.audience);
        payload = r.payload;
        kid = r.protectedHeader.kid!;
      } catch (e2) {
        return refusal(e2);
      }
    }

    const claims = accessClaims(payload);
    if (!claims) return { error: 'invalid_token', reason: 'claims malformed' };
    const now = Math.floor(Date.now() / 1000);
    if (claims.iat > now + this.tolerance) return { error: 'invalid_token', reason: 'issued in the future' };

    const r = this.revocations;
    const issuedMs = claims.iat * 1000;
    if (r.isRevoked('access_token', claims.jti)) return { error: 'invalid_token', reason: 'token revoked' };
    if (r.isRevoked('client', claims.client_id, issuedMs)) return { error: 'invalid_token', reason: 'client revoked' };
    if (r.isRevoked('app', claims.app, issuedMs)) return { error: 'invalid_token', reason: 'app revoked' };
    if (claims.subject !== undefined && r.isRevoked('subject', claims.subject, issuedMs)) return { error: 'invalid_token', reason: 'subject revoked' };

    const proof = opts.dpop?.proof;
    if (opts.withoutProof) return { claims, kid };
    if (claims.cnf) {
      if (!opts.dpop || proof === undefined) return { error: 'invalid_token', reason: 'DPoP-bound token without a DPoP proof' };
      const checked = await verifyDpopProof(proof, { method: opts.dpop.method, url: opts.dpop.url, accessToken: token, replay: this.replay });
      if ('error' in checked) return checked;
      if (checked.jkt !== claims.cnf.jkt) return { error: 'invalid_dpop_proof', reason: 'proof key is not the key the token is bound to' };
    } else if (proof !== undefined) {
      return { error: 'invalid_token', reason: 'DPoP proof with a token that is not DPoP-bound' };
    }
    return { claims, kid };
  }

  private check(token: string, audience: string | undefined) {
    return jwtVerify(token, this.resolveKey, {
      algorithms: this.algorithms,
      typ: accessTokenTyp,
      issuer: typeof this.opts.issuer === 'function' ? this.opts.issuer() : this.opts.issuer,
      ...(audience !== undefined ? { audience } : {}),
      clockTolerance: this.tolerance,
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'aud'],
    });
  }
}

function refusal(e: unknown): VerifyFailure {
  if (e instanceof UnknownKid) return { error: 'invalid_token', reason: 'unknown signing key' };
  if (e instanceof errors.JWTExpired) return { error: 'invalid_token', reason: 'expired' };
  if (e instanceof errors.JWTClaimValidationFailed) {
    const what: Record<string, string> = { iss: 'wrong issuer', aud: 'wrong audience', nbf: 'not yet valid', typ: 'wrong typ', iat: 'bad iat' };
    return { error: 'invalid_token', reason: what[e.claim] ?? (e.reason === 'missing' ? `missing ${e.claim}` : `bad ${e.claim}`) };
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return { error: 'invalid_token', reason: 'algorithm not allowed' };
  if (e instanceof errors.JWSSignatureVerificationFailed) return { error: 'invalid_token', reason: 'bad signature' };
  if (e instanceof errors.JOSEError) return { error: 'invalid_token', reason: 'malformed token' };
  // A TypeError from jose: the token is not a JWS at all.
  return { error: 'invalid_token', reason: 'malformed token' };
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The payload as AccessTokenClaims, or undefined when a member is missing or of the wrong type. */
function accessClaims(p: JWTPayload): AccessTokenClaims | undefined {
  const x = p as Record<string, unknown>;
  if (!isStr(x.iss) || !isStr(x.sub) || !isStr(x.client_id) || !isStr(x.app) || !isStr(x.scope) || !isStr(x.jti) || !isNum(x.iat) || !isNum(x.exp)) return undefined;
  const aud = isStr(x.aud) ? [x.aud] : x.aud;
  if (!Array.isArray(aud) || !aud.every(isStr)) return undefined;
  if (x.subject !== undefined && !isStr(x.subject)) return undefined;
  if (x.cnf !== undefined && (typeof x.cnf !== 'object' || x.cnf === null || !isStr((x.cnf as { jkt?: unknown }).jkt))) return undefined;
  if (x.act !== undefined && (typeof x.act !== 'object' || x.act === null || !isStr((x.act as { sub?: unknown }).sub))) return undefined;
  return { ...(p as unknown as AccessTokenClaims), aud: aud as string[] };
}
