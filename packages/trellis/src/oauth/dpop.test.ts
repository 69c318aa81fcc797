/**
 * DPoP proofs (RFC 9449) on their own: a good proof gives the key's thumbprint; each rule a
 * proof can break is refused with its own reason; the replay cache forgets what expired and
 * stays bounded.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ReplayCache, verifyDpopProof } from './dpop.ts';

const URL_ = 'https://trellis.test/api/v1/apps';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

interface ClientKey {
  privateKey: CryptoKey;
  jwk: JWK;
  alg: string;
}

async function clientKey(alg: 'ES256' | 'EdDSA' | 'RS256' | 'PS256' = 'ES256'): Promise<ClientKey> {
  const pair = await generateKeyPair(alg === 'EdDSA' ? 'Ed25519' : alg, { extractable: true });
  return { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey), alg };
}

interface ProofOver {
  htm?: string;
  htu?: string;
  iat?: number;
  jti?: string | undefined;
  ath?: string;
  typ?: string;
  jwk?: JWK | undefined;
}

function proof(key: ClientKey, over: ProofOver = {}): Promise<string> {
  const payload: Record<string, unknown> = { htm: over.htm ?? 'GET', htu: over.htu ?? URL_, iat: over.iat ?? Math.floor(Date.now() / 1000), jti: 'jti' in over ? over.jti : randomUUID() };
  if (over.ath !== undefined) payload.ath = over.ath;
  const header: Record<string, unknown> = { typ: over.typ ?? 'dpop+jwt', alg: key.alg };
  if (!('jwk' in over)) header.jwk = key.jwk;
  else if (over.jwk) header.jwk = over.jwk;
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

describe('verifyDpopProof', () => {
  afterEach(() => vi.useRealTimers());

  it('accepts a good proof and returns the RFC 7638 thumbprint of its key', async () => {
    const k = await clientKey();
    const r = await verifyDpopProof(await proof(k), { method: 'GET', url: URL_, replay: new ReplayCache() });
    expect(r).toEqual({ jkt: await calculateJwkThumbprint(k.jwk) });
  });

  it('accepts EdDSA, RS256 and PS256 client keys', async () => {
    for (const alg of ['EdDSA', 'RS256', 'PS256'] as const) {
      const k = await clientKey(alg);
      expect(await verifyDpopProof(await proof(k), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ jkt: await calculateJwkThumbprint(k.jwk) });
    }
  });

  it('compares htu without query and fragment', async () => {
    const k = await clientKey();
    const r = await verifyDpopProof(await proof(k, { htu: `${URL_}?x=1#f` }), { method: 'GET', url: `${URL_}?limit=50`, replay: new ReplayCache() });
    expect(r).toHaveProperty('jkt');
  });

  it('refuses the wrong typ', async () => {
    const k = await clientKey();
    expect(await verifyDpopProof(await proof(k, { typ: 'JWT' }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'wrong typ' });
  });

  it('refuses a symmetric algorithm (HS256 keyed with the header jwk)', async () => {
    const k = await clientKey();
    const header = b64({ typ: 'dpop+jwt', alg: 'HS256', jwk: k.jwk });
    const body = b64({ htm: 'GET', htu: URL_, iat: Math.floor(Date.now() / 1000), jti: randomUUID() });
    const sig = createHmac('sha256', JSON.stringify(k.jwk)).update(`${header}.${body}`).digest('base64url');
    expect(await verifyDpopProof(`${header}.${body}.${sig}`, { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'algorithm not allowed' });
  });

  it('refuses alg none', async () => {
    const k = await clientKey();
    const token = `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: k.jwk })}.${b64({ htm: 'GET', htu: URL_, iat: Math.floor(Date.now() / 1000), jti: randomUUID() })}.`;
    expect(await verifyDpopProof(token, { method: 'GET', url: URL_, replay: new ReplayCache() })).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('refuses a proof without a jwk header', async () => {
    const k = await clientKey();
    expect(await verifyDpopProof(await proof(k, { jwk: undefined }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'proof has no jwk header' });
  });

  it('refuses a jwk header carrying private key members', async () => {
    const k = await clientKey();
    const withPrivate = await exportJWK(k.privateKey);
    expect(withPrivate.d).toBeDefined();
    expect(await verifyDpopProof(await proof(k, { jwk: withPrivate }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'proof jwk is not a public key' });
  });

  it('refuses a proof signed by a key other than its jwk', async () => {
    const k = await clientKey();
    const other = await clientKey();
    expect(await verifyDpopProof(await proof(k, { jwk: other.jwk }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'bad signature' });
  });

  it('refuses a malformed proof', async () => {
    expect(await verifyDpopProof('not.a.jwt', { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'malformed proof' });
  });

  it('refuses the wrong htm', async () => {
    const k = await clientKey();
    expect(await verifyDpopProof(await proof(k, { htm: 'POST' }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'htm does not match the request method' });
  });

  it('refuses the wrong htu (path, host, scheme)', async () => {
    const k = await clientKey();
    for (const htu of ['https://trellis.test/api/v1/other', 'https://evil.test/api/v1/apps', 'http://trellis.test/api/v1/apps', 'not a url']) {
      expect(await verifyDpopProof(await proof(k, { htu }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'htu does not match the request URL' });
    }
  });

  it('refuses a stale iat and an iat in the future', async () => {
    const k = await clientKey();
    const now = Math.floor(Date.now() / 1000);
    expect(await verifyDpopProof(await proof(k, { iat: now - 61 }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'proof is too old' });
    expect(await verifyDpopProof(await proof(k, { iat: now - 20 }), { method: 'GET', url: URL_, maxAgeSec: 10, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'proof is too old' });
    expect(await verifyDpopProof(await proof(k, { iat: now + 120 }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'proof is issued in the future' });
  });

  it('refuses a proof without a jti', async () => {
    const k = await clientKey();
    expect(await verifyDpopProof(await proof(k, { jti: undefined }), { method: 'GET', url: URL_, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'proof has no usable jti' });
  });

  it('refuses a replayed jti, and a proof refused for another reason does not use its jti up', async () => {
    const k = await clientKey();
    const replay = new ReplayCache();
    const p = await proof(k, { jti: 'once' });
    expect(await verifyDpopProof(await proof(k, { jti: 'once', htm: 'POST' }), { method: 'GET', url: URL_, replay })).toMatchObject({ error: 'invalid_dpop_proof' });
    expect(await verifyDpopProof(p, { method: 'GET', url: URL_, replay })).toHaveProperty('jkt');
    expect(await verifyDpopProof(p, { method: 'GET', url: URL_, replay })).toEqual({ error: 'invalid_dpop_proof', reason: 'proof jti was already used' });
    // The same jti under another key is another proof.
    const k2 = await clientKey();
    expect(await verifyDpopProof(await proof(k2, { jti: 'once' }), { method: 'GET', url: URL_, replay })).toHaveProperty('jkt');
  });

  it('checks ath against the access token it accompanies', async () => {
    const k = await clientKey();
    const token = 'eyJ.access.token';
    expect(await verifyDpopProof(await proof(k, { ath: ath(token) }), { method: 'GET', url: URL_, accessToken: token, replay: new ReplayCache() })).toHaveProperty('jkt');
    expect(await verifyDpopProof(await proof(k, { ath: ath('another') }), { method: 'GET', url: URL_, accessToken: token, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'ath does not match the access token' });
    expect(await verifyDpopProof(await proof(k), { method: 'GET', url: URL_, accessToken: token, replay: new ReplayCache() })).toEqual({ error: 'invalid_dpop_proof', reason: 'ath does not match the access token' });
  });
});

describe('ReplayCache', () => {
  afterEach(() => vi.useRealTimers());

  it('remembers a key until it expires', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const c = new ReplayCache();
    const t = Date.now();
    expect(c.seen('a', t + 1000)).toBe(false);
    expect(c.seen('a', t + 1000)).toBe(true);
    vi.setSystemTime(t + 1001);
    expect(c.seen('a', t + 5000)).toBe(false);
    expect(c.seen('a', t + 5000)).toBe(true);
  });

  it('stays within its size, dropping expired entries first, then the oldest', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const c = new ReplayCache(10);
    const t = Date.now();
    for (let i = 0; i < 5; i++) c.seen(`short${i}`, t + 10);
    for (let i = 0; i < 5; i++) c.seen(`long${i}`, t + 60_000);
    vi.setSystemTime(t + 20);
    c.seen('new', t + 60_000);
    expect(c.size).toBe(6);
    expect(c.seen('long0', t + 60_000)).toBe(true);
    for (let i = 0; i < 20; i++) c.seen(`more${i}`, t + 60_000);
    expect(c.size).toBeLessThanOrEqual(10);
    expect(c.seen('more19', t + 60_000)).toBe(true);
  });
});
