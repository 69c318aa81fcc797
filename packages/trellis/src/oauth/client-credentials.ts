/**
 * An app's client credentials, as values: client secrets and registered public keys.
 *
 * A client secret is `trlcs_` + 256 random bits (base64url); only its SHA-256 is stored, as
 * API tokens are (auth's hashSecret): a secret that strong needs no slow password hash, and the
 * prefix lets secret scanners recognise a leaked one. Registered keys (`private_key_jwt`,
 * RFC 7523) must be public asymmetric keys: a private member or a symmetric key is refused,
 * since Trellis must never hold the app's signing secret.
 */
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { hashSecret, secretMatches } from '../auth/index.ts';

export const secretPrefix = 'trlcs_';
const SECRET_RE = /^trlcs_[A-Za-z0-9_-]{43}$/;

export function newClientSecret(): { secret: string; hash: string } {
  const secret = secretPrefix + randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

/** Constant-time comparison with a stored hash; anything not shaped like a secret never matches. */
export function clientSecretMatches(presented: string, storedHash: string): boolean {
  return SECRET_RE.test(presented) && secretMatches(presented, storedHash);
}

/** Signature algorithms an app's key may use for client assertions (asymmetric only). */
export const assertionAlgs = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256'] as const;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const MAX_KEYS = 10;

function defaultAlg(jwk: JWK): string | undefined {
  if (jwk.kty === 'OKP') return jwk.crv === 'Ed25519' ? 'EdDSA' : undefined;
  if (jwk.kty === 'EC') return jwk.crv === 'P-256' ? 'ES256' : jwk.crv === 'P-384' ? 'ES384' : undefined;
  if (jwk.kty === 'RSA') return 'RS256';
  return undefined;
}

export type JwksCheck = { ok: true; keys: JWK[] } | { ok: false; errors: { path: string; message: string }[] };

/**
 * A registered JWKS, checked and reduced to its public members with a `kid` (the RFC 7638
 * thumbprint when the app gave none) and an `alg`.
 */
export async function checkPublicJwks(jwks: unknown): Promise<JwksCheck> {
  const errors: { path: string; message: string }[] = [];
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return { ok: false, errors: [{ path: 'jwks.keys', message: 'must be a non-empty array of public JWKs' }] };
  if (keys.length > MAX_KEYS) return { ok: false, errors: [{ path: 'jwks.keys', message: `at most ${MAX_KEYS} keys` }] };
  const out: JWK[] = [];
  const kids = new Set<string>();
  for (const [i, raw] of keys.entries()) {
    const path = `jwks.keys[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ path, message: 'must be a JWK object' });
      continue;
    }
    const jwk = raw as JWK;
    if (jwk.kty === 'oct') {
      errors.push({ path: `${path}.kty`, message: 'symmetric keys are refused: register a public key (EC, OKP or RSA)' });
      continue;
    }
    const priv = PRIVATE_MEMBERS.filter((m) => m in jwk);
    if (priv.length > 0) {
      // The member names only; their values are never repeated.
      errors.push({ path, message: `holds private key members (${priv.join(', ')}); register the public key only` });
      continue;
    }
    const alg = typeof jwk.alg === 'string' ? jwk.alg : defaultAlg(jwk);
    if (!alg || !(assertionAlgs as readonly string[]).includes(alg)) {
      errors.push({ path: `${path}.alg`, message: `unsupported key type or algorithm; use one of ${assertionAlgs.join(', ')}` });
      continue;
    }
    if (jwk.use !== undefined && jwk.use !== 'sig') {
      errors.push({ path: `${path}.use`, message: 'must be sig when given' });
      continue;
    }
    let pub: JWK;
    try {
      pub = publicMembers(jwk);
      await importJWK(pub, alg);
    } catch {
      errors.push({ path, message: `is not a valid ${alg} public key` });
      continue;
    }
    const kid = typeof jwk.kid === 'string' && jwk.kid.length > 0 && jwk.kid.length <= 128 ? jwk.kid : await calculateJwkThumbprint(pub);
    if (kids.has(kid)) {
      errors.push({ path: `${path}.kid`, message: `kid ${kid} is used twice` });
      continue;
    }
    kids.add(kid);
    out.push({ ...pub, kid, alg, use: 'sig' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, keys: out };
}

function publicMembers(jwk: JWK): JWK {
  if (jwk.kty === 'OKP') return { kty: 'OKP', crv: String(jwk.crv), x: String(jwk.x) };
  if (jwk.kty === 'EC') return { kty: 'EC', crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y) };
  if (jwk.kty === 'RSA') return { kty: 'RSA', n: String(jwk.n), e: String(jwk.e) };
  throw new Error('unsupported kty');
}
