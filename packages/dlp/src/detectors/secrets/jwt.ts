/**
 * JSON Web Tokens (RFC 7519): three base64url parts separated by dots, the first decoding to a
 * JOSE header — JSON with an `alg` (RFC 7515 §4.1.1). A JWT is a bearer credential until it
 * expires, so it is reported; the jwt.io sample and other documented examples are test values.
 * `jwt-base64` finds a JWT that was base64-encoded once more (it then starts `ZXlK`, the base64
 * of `eyJ`), as happens in Kubernetes secrets and config blobs.
 */
import type { PatternDetector } from '../../types.ts';
import { BLOCK_REACH, TAIL_WINDOW, isPlaceholder } from './util.ts';

const TAG = 'secret.jwt';

/** Decodes base64 or base64url to a latin1 string; '' when it is not base64 at all. */
export function decodeBase64(text: string): string {
  const clean = text.replace(/\\[nr]|\s/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return '';
  return Buffer.from(clean.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
}

/** Names of registered JOSE header parameters (RFC 7515 §4.1, RFC 7516 §4.1) and of the claims
 *  RFC 7519 §5.3 allows to be replicated into the header. */
const JOSE_HEADER_NAMES = /"(?:alg|typ|kid|enc|cty|jku|jwk|x5u|x5c|x5t|crit|zip|epk|apu|apv|iv|tag|p2s|p2c|b64|ppt|url|nonce|ver|version|use|kty|iss|sub|aud|key_ops|svt|x5t#S256)"\s*:/;

/** Confidence for a candidate JWT: 0.95 when the header is JSON with `alg`, 0.7 when it is
 *  JSON-like with registered header names (truncated or oddly encoded), else dropped. */
export function jwtHeaderConfidence(token: string): number | false {
  const header = decodeBase64(token.slice(0, token.indexOf('.')));
  if (!header.startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(header);
    if (parsed !== null && typeof parsed === 'object' && 'alg' in parsed) return 0.95;
  } catch {
    // fall through: a header with registered names is still a JWT, only damaged
  }
  return JOSE_HEADER_NAMES.test(header) ? 0.7 : false;
}

/** Documented examples: the jwt.io sample (subject `1234567890`, "John Doe"), claims that say
 *  they are samples, and placeholder signatures. */
export function isSampleJwt(token: string): boolean {
  const parts = token.split('.');
  const payload = decodeBase64(parts[1] ?? '').toLowerCase();
  if (payload.includes('"1234567890"') && payload.includes('john doe')) return true; // the jwt.io sample
  if (/"(?:sub|name|iss)"\s*:\s*"(?:test|dummy|sample|placeholder|example)"/.test(payload)) return true;
  const sig = parts[2] ?? '';
  return sig.length > 0 && isPlaceholder(sig);
}

export const jwtDetectors: PatternDetector[] = [
  {
    id: 'jwt', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['eyj'],
    // Starts after a non-base64url character (no look-behind in RE2): each run is tried once.
    pattern: /(?:^|[^A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_\\/-]*={0,2})/g,
    group: 1, baseConfidence: 0.9, minEntropy: 3,
    // the second dot ends a payload of any length
    window: { before: TAIL_WINDOW.before, after: BLOCK_REACH },
    validate: (v) => jwtHeaderConfidence(v),
    isTestValue: isSampleJwt,
    description: 'JSON Web Token',
  },
  {
    id: 'jwt-base64', entity: 'SECRET', kind: 'secret', tag: TAG, keywords: ['zxlk'],
    pattern: /(?:^|[^A-Za-z0-9+/_-])(ZXlK[A-Za-z0-9+/_-]{40,}={0,2})/g,
    group: 1, baseConfidence: 0.85, minEntropy: 2, window: TAIL_WINDOW,
    validate: (v) => {
      const inner = decodeBase64(v.length % 4 === 0 ? v : v.slice(0, v.length - (v.length % 4)));
      const head = inner.slice(0, inner.indexOf('.') > 0 ? inner.indexOf('.') : inner.length);
      // Unpadded base64url decodes as it is; cutting it to a multiple of 4 would lose the colon.
      const header = decodeBase64(head);
      return header.startsWith('{') && JOSE_HEADER_NAMES.test(header) ? 0.85 : false;
    },
    isTestValue: (v) => isSampleJwt(decodeBase64(v.slice(0, v.length - (v.length % 4)))),
    description: 'Base64-encoded JSON Web Token',
  },
];
