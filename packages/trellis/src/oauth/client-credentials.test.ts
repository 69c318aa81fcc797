/** Client secrets (format, hash comparison) and registered JWKS: public asymmetric keys only. */
import { describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import { checkPublicJwks, clientSecretMatches, newClientSecret } from './client-credentials.ts';

describe('client secrets', () => {
  it('are trlcs_ + 256 random bits, matched against their SHA-256 only', () => {
    const a = newClientSecret();
    const b = newClientSecret();
    expect(a.secret).toMatch(/^trlcs_[A-Za-z0-9_-]{43}$/);
    expect(a.secret).not.toBe(b.secret);
    expect(a.hash).not.toContain(a.secret);
    expect(clientSecretMatches(a.secret, a.hash)).toBe(true);
    expect(clientSecretMatches(b.secret, a.hash)).toBe(false);
    expect(clientSecretMatches(a.secret + 'x', a.hash)).toBe(false);
    expect(clientSecretMatches('', a.hash)).toBe(false);
  });
});

describe('checkPublicJwks', () => {
  it('keeps public members, adds the thumbprint as kid and a default alg', async () => {
    const ec = await exportJWK((await generateKeyPair('ES256')).publicKey);
    const ed = await exportJWK((await generateKeyPair('EdDSA')).publicKey);
    const r = await checkPublicJwks({ keys: [ec, { ...ed, kid: 'mine' }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(r.keys[0]!.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.keys[1]).toMatchObject({ kty: 'OKP', alg: 'EdDSA', kid: 'mine' });
  });

  it('refuses private keys, symmetric keys, unsupported curves, broken keys and duplicate kids, naming each', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const priv = await exportJWK(pair.privateKey);
    const pub = await exportJWK(pair.publicKey);
    const r = await checkPublicJwks({
      keys: [priv, { kty: 'oct', k: 'c2VjcmV0' }, { kty: 'EC', crv: 'secp256k1', x: pub.x, y: pub.y }, { ...pub, x: 'AAAA' }, { ...pub, kid: 'k' }, { ...pub, kid: 'k' }, 'not a key'],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(['jwks.keys[0]', 'jwks.keys[1].kty', 'jwks.keys[2].alg', 'jwks.keys[3]', 'jwks.keys[5].kid', 'jwks.keys[6]']);
    expect(JSON.stringify(r.errors)).not.toContain(String(priv.d));
  });

  it('refuses an empty or missing key list', async () => {
    expect(await checkPublicJwks({ keys: [] })).toMatchObject({ ok: false });
    expect(await checkPublicJwks(null)).toMatchObject({ ok: false });
  });
});
