/**
 * Server-side sessions of signed-in people: created at sign-in, resolved on every request
 * from memory (rows cached a few seconds, as auth caches API token rows), ended by logout,
 * by the idle or absolute timeout, or by the revocation feed (a session id, or the person's
 * subject when the directory deprovisions them) — on every replica within a second, with no
 * database read per request.
 *
 * last_seen_at is written at most once a minute, so idle expiry is exact to about a minute;
 * a replica that believes a session idle re-reads its row before ending it, since another
 * replica may have seen it in use.
 */
import type { Database, Tx } from '../db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import type { Principal, Revocations, TokenService } from '../auth/index.ts';
import type { OidcConfig } from '../config.ts';
import type { Role } from '../module.ts';
import type { SsoSessionRow } from './rows.ts';
import type { SignInIdentity } from './claims.ts';
import * as store from './store.ts';
import { newSessionCredential, parseSessionCredential, sameText, sealFor, sha256, unsealFor } from './credential.ts';

export type SessionKind = 'browser' | 'cli';

/** How long a session row read from the database is trusted. */
export const SESSION_CACHE_MS = 5000;
const CACHE_MAX = 10_000;
const TOUCH_EVERY_MS = 60_000;

interface Cached {
  row: SsoSessionRow;
  attributes: Record<string, unknown>;
  at: number;
}

/** What a session shows its holder (GET /api/v1/session). */
export interface SessionInfo {
  session_id: string;
  kind: string;
  subject: string;
  name: string;
  role: string;
  attributes: Record<string, unknown>;
  created_at: string;
  expires_at: string;
  idle_expires_at: string;
}

export class Sessions {
  /** The clock sessions are judged by; tests move it to cross a timeout without waiting. */
  clock: () => number = Date.now;
  private readonly cache = new Map<string, Cached>();
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly key: Buffer,
    private readonly tokens: TokenService,
    private readonly revocations: Revocations,
    private readonly settings: () => OidcConfig,
  ) {
    revocations.onRevoke((kind, ref) => {
      if (kind === 'session') this.cache.delete(ref);
      if (kind === 'subject') for (const [id, c] of this.cache) if (c.row.subject === ref) this.cache.delete(id);
    });
  }

  private idleMs(): number {
    return this.settings().sessionIdleMinutes * 60_000;
  }

  /** In the caller's transaction: a new session; its credential is returned this once. */
  async create(tx: Tx, identity: SignInIdentity, kind: SessionKind, rawIdToken: string | undefined): Promise<{ row: SsoSessionRow; token: string }> {
    const cred = newSessionCredential();
    const now = this.clock();
    const row: SsoSessionRow = {
      id: cred.id,
      secret_hash: cred.hash,
      kind,
      subject: identity.subject,
      name: identity.name,
      role: identity.role,
      attributes: JSON.stringify(identity.attributes),
      created_at: new Date(now).toISOString(),
      last_seen_at: new Date(now).toISOString(),
      idle_expires_at: new Date(now + this.idleMs()).toISOString(),
      expires_at: new Date(now + this.settings().sessionMaxHours * 3600_000).toISOString(),
      ended_at: null,
      end_reason: null,
      id_token_enc: rawIdToken ? sealFor(this.key, `id_token/${cred.id}`, rawIdToken) : null,
    };
    await store.insertSession(tx, row);
    return { row, token: cred.token };
  }

  /**
   * The principal a session credential stands for, or an AppError saying why not
   * (unauthenticated: unknown, ended, expired or revoked). Ending by timeout is recorded once.
   */
  async resolve(token: string, kind: SessionKind, srcIp: string | undefined): Promise<Principal | AppError> {
    const parsed = parseSessionCredential(token);
    const gone = new AppError('unauthenticated', 'the session is not valid, has ended or has expired; sign in again');
    if (!parsed) return gone;
    if (this.revocations.isRevoked('session', parsed.id)) return gone;
    const now = this.clock();
    let c = await this.cached(parsed.id, now);
    if (!c || !sameText(sha256(parsed.secret), c.row.secret_hash) || c.row.kind !== kind || c.row.ended_at) return gone;
    if (this.revocations.isRevoked('subject', c.row.subject, Date.parse(c.row.created_at))) return gone;
    if (now >= Date.parse(c.row.expires_at)) return this.expire(c.row, 'absolute_timeout', srcIp);
    const lastSeen = (r: SsoSessionRow) => Math.max(Date.parse(r.last_seen_at), this.seen.get(r.id) ?? 0);
    if (now >= lastSeen(c.row) + this.idleMs()) {
      // Another replica may have seen it in use since this one read the row.
      c = await this.cached(parsed.id, now, true);
      if (!c || c.row.ended_at) return gone;
      if (now >= lastSeen(c.row) + this.idleMs()) return this.expire(c.row, 'idle_timeout', srcIp);
    }
    this.seen.set(c.row.id, now);
    if (this.seen.size > CACHE_MAX) this.seen.clear();
    if (now - Date.parse(c.row.last_seen_at) >= TOUCH_EVERY_MS) {
      c.row.last_seen_at = new Date(now).toISOString();
      c.row.idle_expires_at = new Date(now + this.idleMs()).toISOString();
      await store.touchSession(this.database.db, c.row.id, c.row.last_seen_at, c.row.idle_expires_at);
    }
    const role = c.row.role as Role;
    return {
      kind: 'session',
      tokenId: c.row.id,
      name: c.row.name,
      role,
      subject: c.row.subject,
      permissions: this.tokens.grantsOf(role),
      // The directory (SCIM, kept current) over what the IdP said at sign-in.
      attributes: { ...c.attributes, ...this.tokens.attributesOf(c.row.subject) },
    };
  }

  /** A session's own view of itself. */
  async info(id: string): Promise<SessionInfo | undefined> {
    const c = await this.cached(id, this.clock());
    if (!c) return undefined;
    const r = c.row;
    const idle = new Date(Math.max(Date.parse(r.last_seen_at), this.seen.get(id) ?? 0) + this.idleMs());
    const end = new Date(Math.min(idle.getTime(), Date.parse(r.expires_at))).toISOString();
    return { session_id: r.id, kind: r.kind, subject: r.subject, name: r.name, role: r.role, attributes: c.attributes, created_at: r.created_at, expires_at: r.expires_at, idle_expires_at: end };
  }

  /**
   * In the caller's transaction: end a live session and put it on the revocation feed, so
   * every replica refuses it at once. Returns its row (for the ID token), or undefined when it
   * had already ended.
   */
  async end(tx: Tx, id: string, reason: string): Promise<SsoSessionRow | undefined> {
    const row = await store.findSession(tx, id);
    if (!row || !(await store.endSession(tx, id, new Date(this.clock()).toISOString(), reason))) return undefined;
    await this.revocations.revoke(tx, 'session', id, reason);
    this.cache.delete(id);
    return row;
  }

  /** The ID token stored with a session, for id_token_hint; undefined when none or unreadable. */
  idTokenOf(row: SsoSessionRow): string | undefined {
    if (!row.id_token_enc) return undefined;
    try {
      return unsealFor(this.key, `id_token/${row.id}`, row.id_token_enc);
    } catch {
      return undefined;
    }
  }

  private async expire(row: SsoSessionRow, reason: 'idle_timeout' | 'absolute_timeout', srcIp: string | undefined): Promise<AppError> {
    await this.database.db.transaction().execute(async (tx) => {
      if (!(await store.endSession(tx, row.id, new Date(this.clock()).toISOString(), reason))) return;
      await this.audit.append(tx, {
        class: 'authentication',
        activity: 'other',
        action: 'session.expire',
        actor: { type: 'user', id: row.id, name: row.name, role: row.role, subject: row.subject },
        resources: [{ type: 'session', id: row.id }],
        outcome: 'failure',
        message: `session of ${row.subject} refused: ${reason === 'idle_timeout' ? 'idle' : 'absolute'} timeout`,
        details: { reason, kind: row.kind },
        ...(srcIp ? { srcIp } : {}),
      });
    });
    this.cache.delete(row.id);
    return new AppError('unauthenticated', `the session expired (${reason === 'idle_timeout' ? 'unused too long' : 'maximum length reached'}); sign in again`);
  }

  private async cached(id: string, now: number, fresh = false): Promise<Cached | undefined> {
    const hit = this.cache.get(id);
    if (!fresh && hit && now - hit.at < SESSION_CACHE_MS && hit.at <= now) return hit;
    const row = await store.findSession(this.database.db, id);
    if (!row) {
      this.cache.delete(id);
      return undefined;
    }
    let attributes: Record<string, unknown> = {};
    try {
      attributes = JSON.parse(row.attributes) as Record<string, unknown>;
    } catch {
      // a damaged attribute column leaves the session without attributes, not without access
    }
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    const c = { row, attributes, at: now };
    this.cache.set(id, c);
    return c;
  }
}
