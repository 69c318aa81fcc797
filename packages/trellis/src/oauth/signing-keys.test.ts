/**
 * Access token signing keys on both databases: the first key made once even when replicas
 * start together, rotation (new tokens on the new kid, old tokens verifying until their key
 * expires, both in the JWKS), another replica learning a new key within a second, scheduled
 * rotation, and private keys never stored or published in clear.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader } from 'jose';
import { testDatabases } from '../../test/databases.ts';
import type { Database } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';
import { Revocations } from '../auth/revocations.ts';
import { systemActor } from '../auth/index.ts';
import { RETIRED_KEY_MARGIN_MS, SigningKeys, decryptPrivateKey, type SigningKeysOptions } from './signing-keys.ts';
import { AccessTokenVerifier, signAccessToken, type AccessTokenClaims } from './access-token.ts';

const ISS = 'https://trellis.test';
const admin = { type: 'user' as const, id: 'alice@example.com', name: 'Alice', role: 'admin' };

function claims(over: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISS, sub: 'cli_expenses', aud: ['trellis:gateway'], client_id: 'cli_expenses', app: 'expenses', scope: 'apps:read', jti: randomUUID(), iat: now, exp: now + 600, ...over };
}

for (const tdb of testDatabases) {
  describe(`signing keys (${tdb.name})`, () => {
    let database: Database;
    let services: Services;
    const started: { stop(): Promise<void> }[] = [];

    async function setup(): Promise<void> {
      database = await tdb.open();
      services = await createServices(database);
    }
    async function keysOn(opts: Partial<SigningKeysOptions> = {}, start = true): Promise<SigningKeys> {
      const k = new SigningKeys(database, services.keys, services.audit, { alg: 'EdDSA', rotateAfterMs: 30 * 24 * 3600_000, maxTokenLifetimeMs: 3600_000, pollIntervalMs: 100, ...opts });
      started.push(k);
      if (start) await k.start();
      return k;
    }
    async function verifierOn(keys: SigningKeys): Promise<AccessTokenVerifier> {
      const revocations = new Revocations(database, () => undefined, { pollIntervalMs: 100 });
      await revocations.start();
      started.push(revocations);
      return new AccessTokenVerifier(keys, revocations, { issuer: ISS });
    }

    afterEach(async () => {
      vi.useRealTimers();
      for (const s of started.splice(0).reverse()) await s.stop();
      await database?.close();
    });

    it('creates exactly one first key when two replicas start on an empty database at once', async () => {
      await setup();
      const a = await keysOn({}, false);
      const b = await keysOn({}, false);
      await Promise.all([a.start(), b.start()]);
      const rows = await database.db.selectFrom('oauth_signing_keys').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(a.current().kid).toBe(rows[0]!.kid);
      expect(b.current().kid).toBe(rows[0]!.kid);
      const events = await services.audit.list({ limit: 50 });
      expect(events.filter((e) => e.event.api.operation === 'oauth.signing_key.create')).toHaveLength(1);
    });

    it('kid is the RFC 7638 thumbprint; the JWKS holds public members only and the row holds the private key encrypted', async () => {
      await setup();
      const k = await keysOn({ alg: 'ES256' });
      const { keys: jwks } = k.jwks();
      expect(jwks).toHaveLength(1);
      const jwk = jwks[0]!;
      expect(jwk).toMatchObject({ kid: k.current().kid, alg: 'ES256', use: 'sig', kty: 'EC', crv: 'P-256' });
      expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(await calculateJwkThumbprint({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! })).toBe(jwk.kid);
      const row = await database.db.selectFrom('oauth_signing_keys').selectAll().executeTakeFirstOrThrow();
      expect(row.private_enc).toMatch(/^v1:/);
      expect(row.private_enc).not.toContain('PRIVATE KEY');
      expect(row.public_jwk).not.toContain('"d"');
      const pkcs8 = decryptPrivateKey(services.keys.derive('oauth.signing'), row.kid, row.private_enc);
      expect(pkcs8).toContain('BEGIN PRIVATE KEY');
      // Bound to its kid: the ciphertext does not decrypt as another key's.
      expect(() => decryptPrivateKey(services.keys.derive('oauth.signing'), 'other-kid', row.private_enc)).toThrow();
      const events = await services.audit.list({ limit: 50 });
      expect(JSON.stringify(events)).not.toContain(row.private_enc.slice(3, 40));
      expect(k.verificationKey(row.kid)?.alg).toBe('ES256');
    });

    it('rotation: new tokens carry the new kid, old tokens verify until their key expires, the JWKS lists both (current first)', async () => {
      await setup();
      const k = await keysOn({ maxTokenLifetimeMs: 600_000 });
      const verifier = await verifierOn(k);
      const oldKid = k.current().kid;
      const oldToken = await signAccessToken(k, claims());

      const r = await k.rotate(admin);
      expect(r.retiring).toBe(oldKid);
      expect(r.kid).not.toBe(oldKid);
      expect(k.current().kid).toBe(r.kid);
      const newToken = await signAccessToken(k, claims());
      expect(decodeProtectedHeader(newToken)).toMatchObject({ kid: r.kid, typ: 'at+jwt', alg: 'EdDSA' });
      expect(k.jwks().keys.map((j) => j.kid)).toEqual([r.kid, oldKid]);
      expect(await verifier.verify(oldToken)).toMatchObject({ kid: oldKid });
      expect(await verifier.verify(newToken)).toMatchObject({ kid: r.kid });

      const events = await services.audit.list({ limit: 50 });
      const rotated = events.find((e) => e.event.api.operation === 'oauth.signing_key.rotate');
      expect(rotated?.event.actor.user.uid).toBe('alice@example.com');
      expect(rotated?.event.unmapped).toMatchObject({ kid: r.kid, retiring: oldKid });

      // Past the longest token lifetime plus the margin, the retired key is gone; the current one stays.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 600_000 + RETIRED_KEY_MARGIN_MS + 1000);
      expect(k.verificationKey(oldKid)).toBeUndefined();
      expect(k.jwks().keys.map((j) => j.kid)).toEqual([r.kid]);
      expect(k.verificationKey(r.kid)).toBeDefined();
    });

    it('another replica learns a new key within a second, and verifies a token signed by the first at once', async () => {
      await setup();
      const a = await keysOn();
      const b = await keysOn();
      const c = await keysOn();
      expect(b.current().kid).toBe(a.current().kid);
      const verifierB = await verifierOn(b);
      const { kid } = await a.rotate(admin);
      const token = await signAccessToken(a, claims());
      // A kid b has not seen yet: its verifier reads the table once and finds it.
      expect(await verifierB.verify(token)).toMatchObject({ kid });
      expect(b.current().kid).toBe(kid);
      // c is not asked anything: its follower picks the key up by itself.
      await vi.waitFor(() => expect(c.current().kid).toBe(kid), { timeout: 1000, interval: 20 });
      expect(c.jwks().keys.map((j) => j.kid)).toEqual(a.jwks().keys.map((j) => j.kid));
    });

    it('two replicas rotating at once make two generations, never a lost key', async () => {
      await setup();
      const a = await keysOn();
      const b = await keysOn();
      const [ra, rb] = await Promise.all([a.rotate(admin), b.rotate(admin)]);
      expect(ra.kid).not.toBe(rb.kid);
      const rows = await database.db.selectFrom('oauth_signing_keys').select(['generation', 'kid']).orderBy('generation').execute();
      expect(rows.map((r) => Number(r.generation))).toEqual([1, 2, 3]);
      // Whichever wrote first may have read before the other's commit; both follow within a second.
      await vi.waitFor(
        () => {
          expect(a.current().kid).toBe(rows[2]!.kid);
          expect(b.current().kid).toBe(rows[2]!.kid);
        },
        { timeout: 1000, interval: 20 },
      );
    });

    it('replaces a key older than rotateAfterMs by itself (audited as the system)', async () => {
      await setup();
      const k = await keysOn({ rotateAfterMs: 200 });
      const first = k.current().kid;
      await vi.waitFor(() => expect(k.current().kid).not.toBe(first), { timeout: 3000, interval: 25 });
      expect(k.verificationKey(first)).toBeDefined();
      const events = await services.audit.list({ limit: 50 });
      const rotated = events.find((e) => e.event.api.operation === 'oauth.signing_key.rotate');
      expect(rotated?.event.actor.user.uid).toBe(systemActor.id);
      expect(rotated?.event.unmapped).toMatchObject({ reason: 'scheduled', retiring: first });
    });

    it('a replica configured for ES256 still verifies EdDSA tokens of the existing key, and its rotations make ES256 keys', async () => {
      await setup();
      const ed = await keysOn({ alg: 'EdDSA' });
      const es = await keysOn({ alg: 'ES256' });
      const verifier = await verifierOn(es);
      const token = await signAccessToken(ed, claims());
      expect(await verifier.verify(token)).toMatchObject({ kid: ed.current().kid });
      await es.rotate(admin);
      expect(es.current().alg).toBe('ES256');
      const t2 = await signAccessToken(es, claims());
      expect(decodeProtectedHeader(t2).alg).toBe('ES256');
      expect(await verifier.verify(t2)).toMatchObject({ kid: es.current().kid });
    });

    it('refuses to sign before start()', async () => {
      await setup();
      const k = await keysOn({}, false);
      expect(() => k.current()).toThrow(/not loaded/);
    });
  });
}
