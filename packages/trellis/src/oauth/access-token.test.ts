/**
 * Access token verification, every refusal on its own, on both databases (the keys live in the
 * database; verification itself reads nothing): good tokens pass with their claims; expired,
 * not yet valid, issued in the future, wrong issuer, wrong audience, unknown kid, alg none,
 * HS256 keyed with the published public key, wrong typ, tampered, malformed claims; revoked
 * token, client, app and person (issued before the revocation refused, after it accepted);
 * DPoP-bound tokens with good and bad proofs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, exportSPKI, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';
import { Revocations, type RevocationKind } from '../auth/revocations.ts';
import { SigningKeys } from './signing-keys.ts';
import { AccessTokenVerifier, signAccessToken, type AccessTokenClaims, type VerifyFailure } from './access-token.ts';

const ISS = 'https://trellis.test';
const URL_ = 'https://trellis.test/api/v1/apps';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);

function claims(over: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const now = nowSec();
  return {
    iss: ISS,
    sub: 'cli_expenses',
    aud: ['trellis:gateway', 'trellis:connector:hr-db'],
    client_id: 'cli_expenses',
    app: 'expenses',
    scope: 'apps:read connector:hr-db:read',
    jti: randomUUID(),
    iat: now,
    exp: now + 600,
    ...over,
  };
}

const refused = (reason: string, error: VerifyFailure['error'] = 'invalid_token') => ({ error, reason });

for (const tdb of testDatabases) {
  describe(`access token verification (${tdb.name})`, () => {
    let database: Database;
    let services: Services;
    let keys: SigningKeys;
    let revocations: Revocations;
    let verifier: AccessTokenVerifier;

    beforeEach(async () => {
      database = await tdb.open();
      services = await createServices(database);
      keys = new SigningKeys(database, services.keys, services.audit, { alg: 'EdDSA', rotateAfterMs: 30 * 24 * 3600_000, maxTokenLifetimeMs: 3600_000, pollIntervalMs: 100 });
      await keys.start();
      revocations = new Revocations(database, () => undefined, { pollIntervalMs: 100 });
      await revocations.start();
      verifier = new AccessTokenVerifier(keys, revocations, { issuer: ISS });
    });
    afterEach(async () => {
      await revocations.stop();
      await keys.stop();
      await database.close();
    });

    /** Signs with the current key under any header and payload the test wants. */
    function signRaw(payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
      const { kid, alg, key } = keys.current();
      return new SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'at+jwt', ...header } as { alg: string }).sign(key);
    }

    async function revoke(kind: RevocationKind, ref: string): Promise<number> {
      const at = await database.db.transaction().execute((tx) => revocations.revoke(tx, kind, ref, 'test'));
      await revocations.refresh();
      return at;
    }

    it('accepts a good token and returns its claims and kid', async () => {
      const c = claims({ sub: 'user:ann@example.com', subject: 'user:ann@example.com', act: { sub: 'cli_expenses' }, auth_time: nowSec() - 60, acr: 'mfa' });
      const token = await signAccessToken(keys, c);
      const r = await verifier.verify(token, { audience: 'trellis:connector:hr-db' });
      expect(r).toEqual({ claims: c, kid: keys.current().kid });
      expect(await verifier.verify(token)).toHaveProperty('claims');
    });

    it('accepts ES256 tokens too', async () => {
      const es = new SigningKeys(database, services.keys, services.audit, { alg: 'ES256', rotateAfterMs: 30 * 24 * 3600_000, maxTokenLifetimeMs: 3600_000 });
      await es.start();
      try {
        await es.rotate({ type: 'system', id: 'system' });
        await keys.catchUpOnMiss();
        const token = await signAccessToken(es, claims());
        expect(await verifier.verify(token)).toMatchObject({ kid: es.current().kid });
      } finally {
        await es.stop();
      }
    });

    it('refuses an expired token', async () => {
      expect(await verifier.verify(await signAccessToken(keys, claims({ iat: nowSec() - 700, exp: nowSec() - 100 })))).toEqual(refused('expired'));
    });

    it('refuses a token not yet valid (nbf beyond the tolerance)', async () => {
      expect(await verifier.verify(await signRaw({ ...claims(), nbf: nowSec() + 120 }))).toEqual(refused('not yet valid'));
      expect(await verifier.verify(await signRaw({ ...claims(), nbf: nowSec() + 10 }))).toHaveProperty('claims');
    });

    it('allows clock skew within the tolerance and refuses it beyond', async () => {
      // Expired 10 s ago, issued 10 s ahead: within 30 s.
      expect(await verifier.verify(await signAccessToken(keys, claims({ exp: nowSec() - 10 })))).toHaveProperty('claims');
      expect(await verifier.verify(await signAccessToken(keys, claims({ iat: nowSec() + 10 })))).toHaveProperty('claims');
      expect(await verifier.verify(await signAccessToken(keys, claims({ exp: nowSec() - 40 })))).toEqual(refused('expired'));
      expect(await verifier.verify(await signAccessToken(keys, claims({ iat: nowSec() + 40 })))).toEqual(refused('issued in the future'));
      const strict = new AccessTokenVerifier(keys, revocations, { issuer: ISS, clockToleranceSec: 0 });
      expect(await strict.verify(await signAccessToken(keys, claims({ exp: nowSec() - 10 })))).toEqual(refused('expired'));
      expect(await strict.verify(await signAccessToken(keys, claims({ iat: nowSec() + 10 })))).toEqual(refused('issued in the future'));
    });

    it('refuses another issuer', async () => {
      expect(await verifier.verify(await signAccessToken(keys, claims({ iss: 'https://elsewhere.test' })))).toEqual(refused('wrong issuer'));
    });

    it('refuses a token whose aud does not hold the expected audience', async () => {
      const token = await signAccessToken(keys, claims({ aud: ['trellis:connector:crm'] }));
      expect(await verifier.verify(token, { audience: 'trellis:connector:hr-db' })).toEqual(refused('wrong audience'));
      expect(await verifier.verify(token, { audience: 'trellis:connector:crm' })).toHaveProperty('claims');
    });

    it('refuses a kid no replica knows (after one catch-up read)', async () => {
      const stranger = await generateKeyPair('Ed25519');
      const kid = await calculateJwkThumbprint(await exportJWK(stranger.publicKey));
      const token = await new SignJWT({ ...claims() }).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' }).sign(stranger.privateKey);
      expect(await verifier.verify(token)).toEqual(refused('unknown signing key'));
      // Asked again at once: no second read, the same answer.
      expect(await verifier.verify(token)).toEqual(refused('unknown signing key'));
      const noKid = await new SignJWT({ ...claims() }).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' }).sign(stranger.privateKey);
      expect(await verifier.verify(noKid)).toEqual(refused('unknown signing key'));
    });

    it('refuses a token signed by another key under a known kid', async () => {
      const stranger = await generateKeyPair('Ed25519');
      const token = await new SignJWT({ ...claims() }).setProtectedHeader({ alg: 'EdDSA', kid: keys.current().kid, typ: 'at+jwt' }).sign(stranger.privateKey);
      expect(await verifier.verify(token)).toEqual(refused('bad signature'));
    });

    it('refuses a tampered payload', async () => {
      const token = await signAccessToken(keys, claims({ scope: 'apps:read' }));
      const [h, , s] = token.split('.');
      const forged = `${h}.${b64(claims({ scope: 'apps:read apps:write' }))}.${s}`;
      expect(await verifier.verify(forged)).toEqual(refused('bad signature'));
    });

    it('refuses alg none', async () => {
      const token = `${b64({ alg: 'none', kid: keys.current().kid, typ: 'at+jwt' })}.${b64(claims())}.`;
      expect(await verifier.verify(token)).toEqual(refused('algorithm not allowed'));
    });

    it('refuses HS256 signed with the published public key as the HMAC secret', async () => {
      const kid = keys.current().kid;
      const jwk = keys.jwks().keys.find((k) => k.kid === kid)!;
      const publicKey = (await importJWK(jwk as JWK, 'EdDSA', { extractable: true })) as CryptoKey;
      const secrets = [await exportSPKI(publicKey), JSON.stringify(jwk), Buffer.from(jwk.x!, 'base64url')];
      for (const secret of secrets) {
        const signingInput = `${b64({ alg: 'HS256', kid, typ: 'at+jwt' })}.${b64(claims())}`;
        const token = `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
        expect(await verifier.verify(token)).toEqual(refused('algorithm not allowed'));
      }
    });

    it('refuses RS256 and other algorithms outside EdDSA and ES256', async () => {
      const rsa = await generateKeyPair('RS256');
      const token = await new SignJWT({ ...claims() }).setProtectedHeader({ alg: 'RS256', kid: keys.current().kid, typ: 'at+jwt' }).sign(rsa.privateKey);
      expect(await verifier.verify(token)).toEqual(refused('algorithm not allowed'));
    });

    it('refuses a token whose header alg does not match its key', async () => {
      const es = await generateKeyPair('ES256');
      const token = await new SignJWT({ ...claims() }).setProtectedHeader({ alg: 'ES256', kid: keys.current().kid, typ: 'at+jwt' }).sign(es.privateKey);
      expect(await verifier.verify(token)).toEqual(refused('unknown signing key'));
    });

    it('refuses the wrong typ (JWT, none, an ID token type)', async () => {
      expect(await verifier.verify(await signRaw(claims() as unknown as Record<string, unknown>, { typ: 'JWT' }))).toEqual(refused('wrong typ'));
      expect(await verifier.verify(await signRaw(claims() as unknown as Record<string, unknown>, { typ: undefined }))).toEqual(refused('wrong typ'));
      expect(await verifier.verify(await signRaw(claims() as unknown as Record<string, unknown>, { typ: 'dpop+jwt' }))).toEqual(refused('wrong typ'));
      // The media type form is the same type (RFC 9068 §2.1).
      expect(await verifier.verify(await signRaw(claims() as unknown as Record<string, unknown>, { typ: 'application/at+jwt' }))).toHaveProperty('claims');
    });

    it('refuses missing or ill-typed claims', async () => {
      const { client_id: _c, ...noClient } = claims();
      expect(await verifier.verify(await signRaw(noClient))).toEqual(refused('claims malformed'));
      const { jti: _j, ...noJti } = claims();
      expect(await verifier.verify(await signRaw(noJti))).toEqual(refused('missing jti'));
      expect(await verifier.verify(await signRaw({ ...claims(), cnf: 'x' }))).toEqual(refused('claims malformed'));
      expect(await verifier.verify('garbage')).toEqual(refused('malformed token'));
    });

    it('refuses a revoked token (jti)', async () => {
      const c = claims();
      const token = await signAccessToken(keys, c);
      expect(await verifier.verify(token)).toHaveProperty('claims');
      await revoke('access_token', c.jti);
      expect(await verifier.verify(token)).toEqual(refused('token revoked'));
      expect(await verifier.verify(await signAccessToken(keys, claims()))).toHaveProperty('claims');
    });

    for (const [kind, reason, over] of [
      ['client', 'client revoked', { client_id: 'cli_expenses' }],
      ['app', 'app revoked', { app: 'expenses' }],
      ['subject', 'subject revoked', { subject: 'user:ann@example.com', sub: 'user:ann@example.com', act: { sub: 'cli_expenses' } }],
    ] as const) {
      it(`refuses tokens issued before their ${kind} was revoked, and accepts those issued after`, async () => {
        const before = await signAccessToken(keys, claims({ ...over, iat: nowSec() - 5 }));
        const ref = kind === 'client' ? 'cli_expenses' : kind === 'app' ? 'expenses' : 'user:ann@example.com';
        const at = await revoke(kind, ref);
        expect(await verifier.verify(before)).toEqual(refused(reason));
        const after = await signAccessToken(keys, claims({ ...over, iat: Math.floor(at / 1000) + 1 }));
        expect(await verifier.verify(after)).toHaveProperty('claims');
        // Another client, app or person is untouched.
        const other = kind === 'client' ? { client_id: 'cli_other' } : kind === 'app' ? { app: 'other' } : { subject: 'user:bob@example.com' };
        expect(await verifier.verify(await signAccessToken(keys, claims({ ...over, ...other, iat: nowSec() - 5 })))).toHaveProperty('claims');
      });
    }

    it('a subject revocation does not touch tokens without a subject', async () => {
      await revoke('subject', 'cli_expenses');
      expect(await verifier.verify(await signAccessToken(keys, claims({ iat: nowSec() - 5 })))).toHaveProperty('claims');
    });

    describe('DPoP-bound tokens', () => {
      let client: { privateKey: CryptoKey; jwk: JWK; jkt: string };
      beforeEach(async () => {
        const pair = await generateKeyPair('ES256', { extractable: true });
        const jwk = await exportJWK(pair.publicKey);
        client = { privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
      });

      function proof(token: string, over: { htm?: string; htu?: string; iat?: number; jti?: string; ath?: string; key?: { privateKey: CryptoKey; jwk: JWK } } = {}): Promise<string> {
        const k = over.key ?? client;
        return new SignJWT({ htm: over.htm ?? 'GET', htu: over.htu ?? URL_, iat: over.iat ?? nowSec(), jti: over.jti ?? randomUUID(), ath: over.ath ?? createHash('sha256').update(token).digest('base64url') })
          .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: k.jwk })
          .sign(k.privateKey);
      }
      const bound = () => signAccessToken(keys, claims({ cnf: { jkt: client.jkt } }));

      it('accepts a bound token with a good proof by its key', async () => {
        const token = await bound();
        expect(await verifier.verify(token, { dpop: { proof: await proof(token), method: 'GET', url: `${URL_}?limit=5` } })).toHaveProperty('claims.cnf.jkt', client.jkt);
      });

      it('refuses a bound token without a proof', async () => {
        const token = await bound();
        expect(await verifier.verify(token)).toEqual(refused('DPoP-bound token without a DPoP proof'));
        expect(await verifier.verify(token, { dpop: { proof: undefined, method: 'GET', url: URL_ } })).toEqual(refused('DPoP-bound token without a DPoP proof'));
      });

      it('refuses a proof with the wrong htm', async () => {
        const token = await bound();
        expect(await verifier.verify(token, { dpop: { proof: await proof(token, { htm: 'POST' }), method: 'GET', url: URL_ } })).toEqual(refused('htm does not match the request method', 'invalid_dpop_proof'));
      });

      it('refuses a proof with the wrong htu', async () => {
        const token = await bound();
        expect(await verifier.verify(token, { dpop: { proof: await proof(token, { htu: 'https://trellis.test/api/v1/audit' }), method: 'GET', url: URL_ } })).toEqual(refused('htu does not match the request URL', 'invalid_dpop_proof'));
      });

      it('refuses a stale proof', async () => {
        const token = await bound();
        expect(await verifier.verify(token, { dpop: { proof: await proof(token, { iat: nowSec() - 120 }), method: 'GET', url: URL_ } })).toEqual(refused('proof is too old', 'invalid_dpop_proof'));
      });

      it('refuses a replayed proof', async () => {
        const token = await bound();
        const p = await proof(token);
        expect(await verifier.verify(token, { dpop: { proof: p, method: 'GET', url: URL_ } })).toHaveProperty('claims');
        expect(await verifier.verify(token, { dpop: { proof: p, method: 'GET', url: URL_ } })).toEqual(refused('proof jti was already used', 'invalid_dpop_proof'));
      });

      it('refuses a proof whose ath is another token’s', async () => {
        const token = await bound();
        const other = await bound();
        expect(await verifier.verify(token, { dpop: { proof: await proof(other), method: 'GET', url: URL_ } })).toEqual(refused('ath does not match the access token', 'invalid_dpop_proof'));
      });

      it('refuses a good proof by a key other than the one the token is bound to', async () => {
        const token = await bound();
        const pair = await generateKeyPair('ES256', { extractable: true });
        const thief = { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
        expect(await verifier.verify(token, { dpop: { proof: await proof(token, { key: thief }), method: 'GET', url: URL_ } })).toEqual(refused('proof key is not the key the token is bound to', 'invalid_dpop_proof'));
      });

      it('passes a bound token without a proof for introspection (withoutProof), with every other check still made', async () => {
        const token = await bound();
        expect(await verifier.verify(token, { withoutProof: true })).toHaveProperty('claims.cnf.jkt', client.jkt);
        const expired = await signAccessToken(keys, claims({ cnf: { jkt: client.jkt }, iat: nowSec() - 700, exp: nowSec() - 100 }));
        expect(await verifier.verify(expired, { withoutProof: true })).toEqual(refused('expired'));
        const c = claims({ cnf: { jkt: client.jkt } });
        const revoked = await signAccessToken(keys, c);
        await revoke('access_token', c.jti);
        expect(await verifier.verify(revoked, { withoutProof: true })).toEqual(refused('token revoked'));
      });

      it('refuses a proof presented with a token that is not bound', async () => {
        const token = await signAccessToken(keys, claims());
        expect(await verifier.verify(token, { dpop: { proof: await proof(token), method: 'GET', url: URL_ } })).toEqual(refused('DPoP proof with a token that is not DPoP-bound'));
        // Without a proof the same token is fine.
        expect(await verifier.verify(token, { dpop: { proof: undefined, method: 'GET', url: URL_ } })).toHaveProperty('claims');
      });
    });
  });
}
