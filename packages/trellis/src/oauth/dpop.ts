/**
 * DPoP proofs (RFC 9449): a client proves, request by request, that it holds the private key
 * an access token is bound to. A proof is a JWT of type `dpop+jwt`, signed with an asymmetric
 * key whose public JWK rides in its header, naming the request's method (htm) and URL (htu,
 * compared without query and fragment), fresh (iat), used once (jti) and, when it accompanies
 * an access token, carrying the token's hash (ath). The key's RFC 7638 thumbprint (jkt) is what
 * a token's `cnf.jkt` binds to.
 *
 * Replay is checked in memory by each replica; a proof lives a minute at most, so a cache of
 * recent jti per key is enough.
 */
import { createHash } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, errors, jwtVerify, type JWK } from 'jose';
import { DEFAULT_CLOCK_TOLERANCE_SEC, dpopAlgs, dpopTyp } from './jwt-policy.ts';

export interface DpopVerifyOptions {
  method: string;
  url: string;
  /** The access token presented with the proof: its hash must be the proof's `ath`. */
  accessToken?: string;
  /** Oldest acceptable proof, seconds (default 60). */
  maxAgeSec?: number;
  replay: ReplayCache;
}

export type DpopResult = { jkt: string } | { error: 'invalid_dpop_proof'; reason: string };

/** JWK members that only a private (or symmetric) key has. */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const maxJtiLength = 256;

export async function verifyDpopProof(proof: string, opts: DpopVerifyOptions): Promise<DpopResult> {
  const fail = (reason: string): DpopResult => ({ error: 'invalid_dpop_proof', reason });
  const maxAge = opts.maxAgeSec ?? 60;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    return fail('malformed proof');
  }
  const jwk = header.jwk as Record<string, unknown> | undefined;
  if (!jwk || typeof jwk !== 'object') return fail('proof has no jwk header');
  if (privateMembers.some((m) => m in jwk)) return fail('proof jwk is not a public key');

  let payload: Record<string, unknown>;
  try {
    const r = await jwtVerify(proof, EmbeddedJWK, { typ: dpopTyp, algorithms: [...dpopAlgs] });
    payload = r.payload as Record<string, unknown>;
  } catch (e) {
    if (e instanceof errors.JOSEAlgNotAllowed) return fail('algorithm not allowed');
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'typ') return fail('wrong typ');
    if (e instanceof errors.JWSSignatureVerificationFailed) return fail('bad signature');
    return fail('malformed proof');
  }

  if (payload.htm !== opts.method) return fail('htm does not match the request method');
  if (typeof payload.htu !== 'string' || !sameTarget(payload.htu, opts.url)) return fail('htu does not match the request URL');
  const now = Date.now() / 1000;
  if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) return fail('proof has no iat');
  if (payload.iat < now - maxAge) return fail('proof is too old');
  if (payload.iat > now + DEFAULT_CLOCK_TOLERANCE_SEC) return fail('proof is issued in the future');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > maxJtiLength) return fail('proof has no usable jti');
  if (opts.accessToken !== undefined) {
    const ath = createHash('sha256').update(opts.accessToken).digest('base64url');
    if (payload.ath !== ath) return fail('ath does not match the access token');
  }

  const jkt = await calculateJwkThumbprint(jwk as JWK, 'sha256');
  // Last, so a proof refused for another reason does not use up its jti.
  if (opts.replay.seen(`${jkt}:${payload.jti}`, (payload.iat + maxAge + DEFAULT_CLOCK_TOLERANCE_SEC) * 1000)) return fail('proof jti was already used');
  return { jkt };
}

/** htu and the request URL name the same resource: scheme, host, port and path, ignoring query and fragment. */
function sameTarget(htu: string, url: string): boolean {
  try {
    const a = new URL(htu);
    const b = new URL(url);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/**
 * Keys seen recently, each until its expiry. Bounded: when full, expired entries go first,
 * then the oldest (a proof that old is near its own expiry anyway).
 */
export class ReplayCache {
  private readonly entries = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /** True when `key` was already seen and has not expired; otherwise records it until `expiresAtMs`. */
  seen(key: string, expiresAtMs: number): boolean {
    const now = Date.now();
    const until = this.entries.get(key);
    if (until !== undefined && until > now) return true;
    if (until !== undefined) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.evict(now);
    this.entries.set(key, expiresAtMs);
    return false;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [k, until] of this.entries) if (until <= now) this.entries.delete(k);
    // Insertion order is roughly age order: drop the oldest tenth when nothing had expired.
    if (this.entries.size >= this.maxEntries) {
      let drop = Math.max(1, Math.floor(this.maxEntries / 10));
      for (const k of this.entries.keys()) {
        if (drop-- <= 0) break;
        this.entries.delete(k);
      }
    }
  }
}
