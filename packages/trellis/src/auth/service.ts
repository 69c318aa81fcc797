/**
 * API tokens for people and automation: create (shown once), list (never the secret),
 * revoke, and authenticate a bearer token into a Principal. Every change is audited in the
 * same transaction.
 *
 * Authentication runs on every request, so token rows are cached in memory for a few seconds
 * instead of read each time. A revocation on this server takes effect at once; on another
 * server sharing the database, within the cache's lifetime (`TOKEN_CACHE_MS`).
 */
import type { Database } from '../db/database.ts';
import type { AuditLog, Actor } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { isRole, permissionsOf } from './permissions.ts';
import { canonicalPersonRef } from './person-ref.ts';
import type { PermissionTable, Role } from '../module.ts';
import { generateToken, parseToken, secretMatches } from './token-format.ts';
import * as store from './store.ts';
import type { ApiTokenRow } from './rows.ts';

export interface Principal {
  kind: 'token';
  tokenId: string;
  name: string;
  role: Role;
  /** The person behind the token (`user:<email>`), or null for automation. */
  subject: string | null;
  /** What the role may do under the installation's permission matrix. */
  permissions: ReadonlySet<string>;
}

/** Whether a caller holds a permission (for checks finer than a route's own permission). */
export function hasPermission(p: Principal, permission: string): boolean {
  return p.permissions.has(permission);
}

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  subject: string | null;
}

export function actorOf(p: Principal): Actor {
  return { type: 'token', id: p.tokenId, name: p.name, role: p.role, ...(p.subject ? { subject: p.subject } : {}) };
}

export const systemActor: Actor = { type: 'system', id: 'system', name: 'trellis' };

function info(r: ApiTokenRow): TokenInfo {
  return { id: r.id, name: r.name, role: r.role as Role, created_by: r.created_by, created_at: r.created_at, expires_at: r.expires_at, revoked_at: r.revoked_at, last_used_at: r.last_used_at, subject: r.subject ?? null };
}

/** How long a token row read from the database is trusted. */
export const TOKEN_CACHE_MS = 5000;
/** Live tokens are few; the bound only stops a flood of distinct valid ids growing memory. */
const TOKEN_CACHE_MAX = 10_000;

export class TokenService {
  // last_used_at is written at most once a minute per token, so reads stay reads.
  private readonly lastTouched = new Map<string, number>();
  private readonly cache = new Map<string, { row: ApiTokenRow; at: number }>();
  /** Tokens revoked through this server: refused at once whatever the cache holds. */
  private readonly revokedHere = new Set<string>();

  private readonly grants = new Map<Role, ReadonlySet<string>>();

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly matrix: PermissionTable,
    private readonly cacheMs = TOKEN_CACHE_MS,
  ) {}

  private permissionsOf(role: Role): ReadonlySet<string> {
    let set = this.grants.get(role);
    if (!set) this.grants.set(role, (set = permissionsOf(this.matrix, role)));
    return set;
  }

  async create(actor: Actor, input: { name: string; role: string; expiresInDays?: number; subject?: string }): Promise<TokenInfo & { token: string }> {
    if (!isRole(input.role)) throw new AppError('validation_failed', `unknown role ${input.role}`, { errors: [{ path: 'role', message: 'must be one of admin, reviewer, builder, auditor, viewer' }] });
    const t = generateToken();
    const now = new Date();
    const row: ApiTokenRow = {
      id: t.id,
      name: input.name,
      role: input.role,
      token_hash: t.hash,
      created_by: actor.id,
      created_at: now.toISOString(),
      expires_at: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString() : null,
      revoked_at: null,
      last_used_at: null,
      subject: input.subject ? canonicalPersonRef(input.subject) : null,
    };
    await this.database.db.transaction().execute(async (tx) => {
      await store.insertToken(tx, row);
      await this.audit.append(tx, {
        class: 'user_management',
        activity: 'create',
        action: 'token.create',
        actor,
        resources: [{ type: 'api_token', id: t.id, name: input.name }],
        outcome: 'success',
        details: { role: input.role, expires_at: row.expires_at, ...(row.subject ? { subject: row.subject } : {}) },
      });
    });
    return { ...info(row), token: t.token };
  }

  async list(): Promise<TokenInfo[]> {
    return (await store.listTokens(this.database.db)).map(info);
  }

  async revoke(actor: Actor, id: string): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      const row = await store.findToken(tx, id);
      if (!row) throw new AppError('not_found', `token ${id} not found`);
      if (!(await store.revokeToken(tx, id, new Date().toISOString()))) throw new AppError('conflict', `token ${id} is already revoked`);
      await this.audit.append(tx, {
        class: 'user_management',
        activity: 'delete',
        action: 'token.revoke',
        actor,
        resources: [{ type: 'api_token', id, name: row.name }],
        outcome: 'success',
      });
    });
    // A request that read the row before this commit may still cache it; the set outvotes it.
    this.revokedHere.add(id);
    this.cache.delete(id);
  }

  /** Resolve a bearer token; undefined for anything that is not a live token. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    if (this.revokedHere.has(parsed.id)) return undefined;
    const now = Date.now();
    const row = await this.tokenRow(parsed.id, now);
    if (!row || !secretMatches(parsed.secret, row.token_hash)) return undefined;
    if (row.revoked_at) return undefined;
    if (row.expires_at && Date.parse(row.expires_at) <= now) return undefined;
    if (!isRole(row.role)) return undefined;
    if ((this.lastTouched.get(row.id) ?? 0) < now - 60_000) {
      this.lastTouched.set(row.id, now);
      await store.touchToken(this.database.db, row.id, new Date(now).toISOString());
    }
    return { kind: 'token', tokenId: row.id, name: row.name, role: row.role, subject: row.subject ?? null, permissions: this.permissionsOf(row.role) };
  }

  private async tokenRow(id: string, now: number): Promise<ApiTokenRow | undefined> {
    const hit = this.cache.get(id);
    if (hit && now - hit.at < this.cacheMs) return hit.row;
    const row = await store.findToken(this.database.db, id);
    // Unknown ids are not cached: a guesser would only fill memory (and is throttled anyway).
    if (!row) {
      this.cache.delete(id);
      return undefined;
    }
    if (this.cache.size >= TOKEN_CACHE_MAX) this.cache.clear();
    this.cache.set(id, { row, at: now });
    return row;
  }

  /**
   * Development mode's first start: when no token exists yet, create an admin token so the
   * person who just started Trellis can use it. Returns the token once, or undefined.
   */
  async ensureBootstrapToken(): Promise<string | undefined> {
    if ((await store.countTokens(this.database.db)) > 0) return undefined;
    const created = await this.create(systemActor, { name: 'bootstrap-admin', role: 'admin' });
    return created.token;
  }
}
