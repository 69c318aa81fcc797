/**
 * Session credentials and the small secrets of sign-in. A session credential is
 * `trls_<id>_<secret>` — the same shape as API tokens with its own prefix, so secret scanners
 * and the route guard's prefix dispatch both recognise it; the cookie holds the same value.
 * Secrets kept for later (PKCE verifiers, device codes, ID tokens) are sealed with AES-256-GCM
 * under the installation's 'sso.state' key, bound to their row by additional data.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

const SEALED = 'v1:';

export function seal(key: Buffer, context: string, plain: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(`trellis/sso/${context}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return SEALED + Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64');
}

/** Throws when the value was not sealed for this context under this key. */
export function unseal(key: Buffer, context: string, sealed: string): string {
  if (!sealed.startsWith(SEALED)) throw new Error('sealed value in an unknown format');
  const raw = Buffer.from(sealed.slice(SEALED.length), 'base64');
  if (raw.length < 29) throw new Error('sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(`trellis/sso/${context}`, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}
