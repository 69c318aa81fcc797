/**
 * The keys that sign access tokens, shared by every replica and rotated without a gap.
 *
 * Keys live in one insert-only table of generations: the highest generation is the current
 * key, and a key retires the moment the next generation is written. A retired key keeps
 * verifying (and stays in the JWKS) until every token it can have signed has expired, plus a
 * margin for clocks. Two replicas creating the first key, or rotating, at once both try to
 * write the same generation; the primary key lets exactly one win and the other adopts it.
 *
 * Signing and looking a key up are in memory. Replicas learn of a new key through the
 * follower (LISTEN/NOTIFY on PostgreSQL, a short poll on SQLite); a token carrying a kid this
 * replica has not seen yet triggers a rate-limited catch-up read (`catchUpOnMiss`).
 *
 * Private keys are stored as PKCS#8 under AES-256-GCM with the installation's 'oauth.signing'
 * key and the kid as additional data; they never leave this file in clear.
 */
import { seal, unseal } from '../keys/index.ts';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import type { Database, Tx } from '../db/database.ts';
import { Follower, notifyFollowers } from '../db/follow.ts';
import type { KeyRing } from '../module.ts';
import type { Actor, AuditLog } from '../audit/index.ts';
import type { OAuthSigningKeyRow } from './rows.ts';
import { signingAlgs, type SigningAlg } from './jwt-policy.ts';

export type { SigningAlg } from './jwt-policy.ts';

export interface SigningKeysOptions {
  /** Algorithm of new keys; verification accepts both. */
  alg: SigningAlg;
  /** A current key older than this is replaced on the next check. */
  rotateAfterMs: number;
  /** The longest an access token lives: a retired key verifies this long (+ 5 min) after it retired. */
  maxTokenLifetimeMs: number;
  /** SQLite follow interval. */
  pollIntervalMs?: number;
}

export const defaultSigningKeysOptions: SigningKeysOptions = { alg: 'EdDSA', rotateAfterMs: 30 * 24 * 3600_000, maxTokenLifetimeMs: 3600_000 };

/** Clock margin a retired key keeps verifying beyond the longest token lifetime. */
export const RETIRED_KEY_MARGIN_MS = 5 * 60_000;
export const signingKeysChannel = 'trellis_oauth_signing_keys';
/** A kid miss reads the table at most this often. */
const MISS_READ_INTERVAL_MS = 1000;
const systemActor: Actor = { type: 'system', id: 'system', name: 'trellis' };

interface KnownKey {
  generation: number;
  kid: string;
  alg: SigningAlg;
  publicKey: CryptoKey;
  jwk: JWK;
  createdMs: number;
  /** When the next generation was written; null for the current key. */
  retiredMs: number | null;
}

export class SigningKeys {
  private readonly opts: SigningKeysOptions;
  private readonly known = new Map<string, KnownKey>();
  private lastGeneration = 0;
  private currentKey: { kid: string; alg: SigningAlg; key: CryptoKey; generation: number; createdMs: number } | undefined;
  private readonly follower: Follower;
  private rotationTimer: NodeJS.Timeout | undefined;
  private lastMissRead = 0;
  private missRead: Promise<void> | undefined;

  constructor(
    private readonly database: Database,
    private readonly keys: KeyRing,
    private readonly audit: AuditLog,
    opts: Partial<SigningKeysOptions> = {},
  ) {
    this.opts = { ...defaultSigningKeysOptions, ...opts };
    if (!signingAlgs.includes(this.opts.alg)) throw new Error(`oauth: signing algorithm ${String(this.opts.alg)} is not one of ${signingAlgs.join(', ')}`);
    this.follower = new Follower(database, {
      channel: signingKeysChannel,
      catchUp: () => this.catchUp(),
      pollIntervalMs: this.opts.pollIntervalMs ?? 250,
      warn: (m) => process.stderr.write(`trellis: warning: ${m}\n`),
      label: 'oauth signing keys',
    });
  }

  /** Loads the keys, creates the first one when there is none, and follows changes. */
  async start(): Promise<void> {
    // Every read goes through the follower, which runs one catch-up at a time.
    await this.follower.run();
    if (!this.currentKey) {
      await this.insertNext(systemActor, 0, 'first');
      await this.follower.run();
    }
    await this.rotateIfDue();
    await this.follower.start();
    // Rotation is checked on a timer of its own: on PostgreSQL the follower reads only when told.
    const every = Math.min(60_000, Math.max(50, Math.floor(this.opts.rotateAfterMs / 4)));
    this.rotationTimer = setInterval(() => void this.rotateIfDue().catch((e: unknown) => process.stderr.write(`trellis: warning: oauth signing keys: rotation failed: ${(e as Error).message}\n`)), every);
    this.rotationTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.rotationTimer) clearInterval(this.rotationTimer);
    this.rotationTimer = undefined;
    await this.follower.stop();
    await this.missRead?.catch(() => {});
  }

  /** The key new tokens are signed with. */
  current(): { kid: string; alg: SigningAlg; key: CryptoKey } {
    const c = this.currentKey;
    if (!c) throw new Error('oauth signing keys are not loaded (start() was not called)');
    return { kid: c.kid, alg: c.alg, key: c.key };
  }

  /** The public key of `kid`, while it still verifies (current, or retired less than a token lifetime + 5 min ago). */
  verificationKey(kid: string): { alg: SigningAlg; key: CryptoKey } | undefined {
    const k = this.known.get(kid);
    if (!k || !this.stillValid(k, Date.now())) return undefined;
    return { alg: k.alg, key: k.publicKey };
  }

  /** Public JWKs of the keys that still verify, current first. */
  jwks(): { keys: JWK[] } {
    const now = Date.now();
    const live = [...this.known.values()].filter((k) => this.stillValid(k, now)).sort((a, b) => b.generation - a.generation);
    return { keys: live.map((k) => ({ ...k.jwk })) };
  }

  /** Makes a new current key (audited); the previous one retires and keeps verifying. Other replicas follow. */
  async rotate(actor: Actor): Promise<{ kid: string; retiring: string | null }> {
    // A rotation racing another replica's loses the generation; it takes the next one.
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.follower.run();
      const made = await this.insertNext(actor, this.lastGeneration, 'manual');
      await this.follower.run();
      if (made) return made;
    }
    throw new Error('oauth signing keys: could not rotate (other rotations kept winning)');
  }

  /**
   * A token named a kid this replica does not know: it may be a key another replica has just
   * made. Reads the table at most once a second; resolves when the read (if any) is done.
   */
  catchUpOnMiss(): Promise<void> {
    if (this.missRead) return this.missRead;
    const now = Date.now();
    if (now - this.lastMissRead < MISS_READ_INTERVAL_MS) return Promise.resolve();
    this.lastMissRead = now;
    this.missRead = this.follower.run().finally(() => {
      this.missRead = undefined;
    });
    return this.missRead;
  }

  private stillValid(k: KnownKey, now: number): boolean {
    return k.retiredMs === null || now < k.retiredMs + this.opts.maxTokenLifetimeMs + RETIRED_KEY_MARGIN_MS;
  }

  private async rotateIfDue(): Promise<void> {
    const c = this.currentKey;
    if (!c || Date.now() - c.createdMs < this.opts.rotateAfterMs) return;
    // Every replica may find it due at once; only one writes the generation, the rest adopt it.
    await this.insertNext(systemActor, c.generation, 'scheduled');
    await this.follower.run();
  }

  /** Writes generation `after + 1` unless someone already has; returns the new kid when this call wrote it. */
  private async insertNext(actor: Actor, after: number, why: 'first' | 'manual' | 'scheduled'): Promise<{ kid: string; retiring: string | null } | undefined> {
    const alg = this.opts.alg;
    const pair = await generateKeyPair(alg === 'EdDSA' ? 'Ed25519' : 'ES256', { extractable: true });
    const jwk = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(jwk as JWK, 'sha256');
    const pkcs8 = await exportPKCS8(pair.privateKey);
    const now = new Date();
    const row: OAuthSigningKeyRow = {
      generation: after + 1,
      kid,
      alg,
      public_jwk: JSON.stringify(publicJwk(jwk, kid, alg)),
      private_enc: encryptPrivateKey(this.keys.derive('oauth.signing'), kid, pkcs8),
      created_at: now.toISOString(),
      created_by: actor.id,
    };
    return this.database.db.transaction().execute(async (tx: Tx) => {
      const inserted = await tx
        .insertInto('oauth_signing_keys')
        .values(row)
        .onConflict((oc) => oc.column('generation').doNothing())
        .returning('kid')
        .executeTakeFirst();
      if (!inserted) return undefined;
      const previous = after > 0 ? await tx.selectFrom('oauth_signing_keys').select('kid').where('generation', '=', after).executeTakeFirst() : undefined;
      const retiring = previous?.kid ?? null;
      await this.audit.append(tx, {
        class: 'api_activity',
        activity: why === 'first' ? 'create' : 'update',
        action: why === 'first' ? 'oauth.signing_key.create' : 'oauth.signing_key.rotate',
        actor,
        resources: [{ type: 'oauth_signing_key', id: kid }, ...(retiring ? [{ type: 'oauth_signing_key', id: retiring }] : [])],
        outcome: 'success',
        message: why === 'first' ? `first access token signing key ${kid} (${alg})` : `access token signing key rotated to ${kid} (${alg})${why === 'scheduled' ? ' on schedule' : ''}`,
        details: { kid, alg, generation: after + 1, retiring, reason: why },
      });
      await notifyFollowers(tx, this.database, signingKeysChannel);
      return { kid, retiring };
    });
  }

  /** Reads generations this replica has not seen; idempotent. */
  private async catchUp(): Promise<void> {
    const rows = await this.database.db.selectFrom('oauth_signing_keys').selectAll().where('generation', '>', this.lastGeneration).orderBy('generation').execute();
    if (rows.length === 0) return;
    for (const r of rows) {
      const generation = Number(r.generation);
      if (this.known.has(r.kid)) continue;
      const alg = r.alg as SigningAlg;
      if (!signingAlgs.includes(alg)) throw new Error(`oauth signing key ${r.kid} has unknown algorithm ${r.alg}`);
      const jwk = JSON.parse(r.public_jwk) as JWK;
      const publicKey = (await importJWK(jwk as JWK, alg)) as CryptoKey;
      this.known.set(r.kid, { generation, kid: r.kid, alg, publicKey, jwk, createdMs: Date.parse(r.created_at), retiredMs: null });
    }
    // Each key retires when the next generation was created.
    const ordered = [...this.known.values()].sort((a, b) => a.generation - b.generation);
    for (let i = 0; i < ordered.length - 1; i++) ordered[i]!.retiredMs = ordered[i + 1]!.createdMs;
    const newest = ordered[ordered.length - 1]!;
    if (!this.currentKey || this.currentKey.generation < newest.generation) {
      const row = rows.find((r) => r.kid === newest.kid) ?? (await this.database.db.selectFrom('oauth_signing_keys').selectAll().where('kid', '=', newest.kid).executeTakeFirstOrThrow());
      const pkcs8 = decryptPrivateKey(this.keys.derive('oauth.signing'), row.kid, row.private_enc);
      const key = await importPKCS8(pkcs8, newest.alg);
      this.currentKey = { kid: newest.kid, alg: newest.alg, key, generation: newest.generation, createdMs: newest.createdMs };
    }
    this.lastGeneration = Math.max(this.lastGeneration, newest.generation);
  }
}

function publicJwk(jwk: JWK, kid: string, alg: SigningAlg): JWK & { kid: string } {
  // Only public members, in a fixed shape: what the JWKS publishes.
  return { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, ...(jwk.y ? { y: jwk.y } : {}), kid, alg, use: 'sig' };
}

function encryptPrivateKey(key: Buffer, kid: string, pkcs8: string): string {
  return seal(key, `oauth.signing/${kid}`, pkcs8);
}

/** Throws when the value was not encrypted for this kid under this key. */
export function decryptPrivateKey(key: Buffer, kid: string, stored: string): string {
  return unseal(key, `oauth.signing/${kid}`, stored, `oauth signing key ${kid}`);
}
