/**
 * Which JWS algorithms and `typ` values the oauth module accepts, in one place. Trellis signs
 * access tokens with EdDSA or ES256 only; nothing symmetric or unsigned is ever accepted, so a
 * token "signed" with HMAC using a published public key as the secret, or `alg: none`, fails
 * before any key is looked at.
 */

export const signingAlgs = ['EdDSA', 'ES256'] as const;
export type SigningAlg = (typeof signingAlgs)[number];

/** Access token header type (RFC 9068 §2.1). */
export const accessTokenTyp = 'at+jwt';

/** DPoP proof header type (RFC 9449 §4.2). */
export const dpopTyp = 'dpop+jwt';
/** Client keys may be RSA: DPoP proofs also accept RS256 and PS256; still only asymmetric algorithms. */
export const dpopAlgs = ['EdDSA', 'ES256', 'RS256', 'PS256'] as const;

/** Default leeway for exp/nbf/iat between replicas' and clients' clocks. */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 30;
