/**
 * API token format: `trl_<id>_<secret>` — a public id (16 hex characters) so the server can
 * find the row without scanning, and a 256-bit secret (base64url) of which only the SHA-256 is
 * stored. A high-entropy secret needs no slow password hash; comparison is constant-time.
 * The `trl_` prefix lets secret scanners (ours included) recognise a leaked token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_RE = /^trl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  id: string;
  token: string;
  hash: string;
}

export function generateToken(): NewToken {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `trl_${id}_${secret}`, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function parseToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN_RE.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
