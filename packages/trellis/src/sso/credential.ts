/**
 * Session credentials and the small secrets of sign-in. A session credential is
 * `trls_<id>_<secret>` — the same shape as API tokens with its own prefix, so secret scanners
 * and the route guard's prefix dispatch both recognise it; the cookie holds the same value.
 * Secrets kept for later (PKCE verifiers, device codes, ID tokens) are sealed with AES-256-GCM
 * under the installation's 'sso.state' key, bound to their row by additional data.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { seal, unseal } from '../keys/index.ts';

const SESSION_RE = /^trls_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function newSessionCredential(): { id: string; secret: string; token: string; hash: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `trls_${id}_${secret}`, hash: sha256(secret) };
}

export function parseSessionCredential(token: string): { id: string; secret: string } | undefined {
  const m = SESSION_RE.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export function sha256(v: string): string {
  return createHash('sha256').update(v, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings of any length. */
export function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

export function randomText(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The session's CSRF token: an HMAC of its id under the server's key, so nothing more is stored and every replica derives the same. */
export function csrfTokenOf(key: Buffer, sessionId: string): string {
  return createHmac('sha256', key).update(`trellis/sso/csrf/${sessionId}`).digest('base64url');
}

/** Sealed under the sso purpose key for one use (`context`), e.g. an ID token kept for logout. */
export function sealFor(key: Buffer, context: string, plain: string): string {
  return seal(key, `sso/${context}`, plain);
}

export function unsealFor(key: Buffer, context: string, sealed: string): string {
  return unseal(key, `sso/${context}`, sealed);
}
