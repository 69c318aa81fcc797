/**
 * The revocation feed: one table every replica follows, so that a revoked credential, a
 * suspended app or a deprovisioned person stops working everywhere within a second while
 * checking a credential stays a lookup in memory (no database round trip per request).
 *
 * An entry says "credentials of this kind and reference issued at or before this instant are
 * void". That one rule covers a single credential (an API token id, a session id, an access
 * token's jti: issued before its own revocation by definition) and a whole family (every token
 * of a client, an app or a person issued before the moment it was cut off; what is issued after
 * a reinstatement works again).
 *
 * Writers add entries in the transaction of the change that causes them (`revoke`), so the
 * revocation commits or rolls back with it; PostgreSQL replicas hear of it through
 * LISTEN/NOTIFY (db/follow.ts), SQLite re-reads on a short timer. Entries older than the
 * horizon are not held: every credential checked against the feed alone lives shorter than it
 * (API tokens, which live longer, also carry their revocation in their own row).
 */
import type { Database, Queryable, Tx } from '../db/database.ts';
import { Follower, notifyFollowers, type FollowMode } from '../db/follow.ts';

export const revocationKinds = ['api_token', 'session', 'access_token', 'client', 'app', 'subject'] as const;
export type RevocationKind = (typeof revocationKinds)[number];

export const revocationChannel = 'trellis_revocations';

/** Longer than any credential checked against the feed alone (access tokens ≤ 1 h, sessions ≤ 24 h). */
export const REVOCATION_HORIZON_MS = 26 * 3600_000;
/** Catch-up reads also re-read this much of the recent past: a transaction that took a sequence number early may commit late. */
const REREAD_WINDOW_MS = 120_000;

export type RevocationListener = (kind: RevocationKind, ref: string, at: number) => void;

export class Revocations {
  private readonly latest = new Map<string, number>();
  private lastSeq = 0;
  private readonly listeners: RevocationListener[] = [];
  private readonly follower: Follower;

  constructor(
    private readonly database: Database,
    warn: (message: string) => void,
    opts: { pollIntervalMs?: number } = {},
  ) {
    this.follower = new Follower(database, { channel: revocationChannel, catchUp: () => this.catchUp(), pollIntervalMs: opts.pollIntervalMs ?? 250, warn, label: 'revocations' });
  }

  /**
   * Void credentials of `kind`/`ref` issued up to now, in the caller's transaction. Call
   * `refresh()` after the commit for this replica to refuse them at once; the others follow.
   * Returns the instant recorded (ms since the epoch).
   */
  async revoke(tx: Tx, kind: RevocationKind, ref: string, reason: string): Promise<number> {
    const at = Date.now();
    await tx.insertInto('revocations').values({ kind, ref, revoked_at: at, reason }).execute();
    await notifyFollowers(tx, this.database, revocationChannel);
    return at;
  }

  /**
   * Whether a credential of `kind`/`ref` issued at `issuedAtMs` is void. Single credentials
   * (api_token, session, access_token) pass nothing: any entry voids them.
   */
  isRevoked(kind: RevocationKind, ref: string, issuedAtMs = 0): boolean {
    const at = this.latest.get(key(kind, ref));
    return at !== undefined && at >= issuedAtMs;
  }

  /** Called for every entry this replica learns of (including its own, after refresh()). */
  onRevoke(listener: RevocationListener): void {
    this.listeners.push(listener);
  }

  /** Read what is new now (after a revoking transaction commits, for this replica). */
  refresh(): Promise<void> {
    return this.follower.run();
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  following(): FollowMode | null {
    return this.follower.mode();
  }

  private async catchUp(): Promise<void> {
    const now = Date.now();
    const since = this.lastSeq === 0 ? now - REVOCATION_HORIZON_MS : now - REREAD_WINDOW_MS;
    const rows = await readSince(this.database.db, this.lastSeq, since);
    for (const r of rows) {
      const seq = Number(r.seq);
      const at = Number(r.revoked_at);
      if (seq > this.lastSeq) this.lastSeq = seq;
      if (!(revocationKinds as readonly string[]).includes(r.kind)) continue;
      const k = key(r.kind as RevocationKind, r.ref);
      const known = this.latest.get(k);
      if (known !== undefined && known >= at) continue;
      this.latest.set(k, at);
      for (const l of this.listeners) l(r.kind as RevocationKind, r.ref, at);
    }
    this.forgetOld(now);
  }

  private forgetOld(now: number): void {
    // Bounded by the number of revocations in the horizon; swept when it grows, not per read.
    if (this.latest.size < 50_000) return;
    for (const [k, at] of this.latest) if (at < now - REVOCATION_HORIZON_MS) this.latest.delete(k);
  }
}

function key(kind: RevocationKind, ref: string): string {
  return `${kind}\u0000${ref}`;
}

function readSince(q: Queryable, afterSeq: number, sinceMs: number): Promise<{ seq: number | string; kind: string; ref: string; revoked_at: number | string }[]> {
  return q
    .selectFrom('revocations')
    .select(['seq', 'kind', 'ref', 'revoked_at'])
    .where((eb) => eb.or([eb('seq', '>', afterSeq), eb('revoked_at', '>', sinceMs)]))
    .orderBy('seq')
    .execute();
}

/** Entries past twice the horizon are of no use to anyone; the sweeper removes them. */
export async function pruneRevocations(q: Queryable, now = Date.now()): Promise<void> {
  await q.deleteFrom('revocations').where('revoked_at', '<', now - 2 * REVOCATION_HORIZON_MS).execute();
}
