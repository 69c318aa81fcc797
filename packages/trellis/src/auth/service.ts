/**
 * API tokens for people and automation: create (shown once), list (never the secret),
 * revoke, and authenticate a bearer token into a Principal. Every change is audited in the
 * same transaction.
 *
 * Authentication runs on every request, so token rows are cached in memory for a few seconds
 * instead of read each time. A revocation goes through the revocation feed (revocations.ts):
 * this server refuses the token at once, every other replica within a second.
 *
 * Other credentials plug in here rather than into the route guard: a module registers a
 * bearer authenticator for its token prefix (sessions for `trellis login`) or a cookie
 * authenticator (the console's session), and a source of a person's attributes (the
 * directory), which every principal with a subject carries for ABAC policies.
 */
import type { Database, Tx } from '../db/database.ts';
import type { AuditLog, Actor } from '../audit/index.ts';
import { AppError } from '../errors.ts';
import { isRole, permissionsOf } from './permissions.ts';
import { canonicalPersonRef } from './person-ref.ts';
import { roles, type PermissionTable, type Role } from '../module.ts';
import { generateToken, parseToken, secretMatches } from './token-format.ts';
import * as store from './store.ts';
import type { ApiTokenRow } from './rows.ts';
import type { Revocations } from './revocations.ts';
import type { FastifyRequest } from 'fastify';

export interface Principal {
  /** An API token, or a person's signed-in session (console cookie or `trellis login`). */
  kind: 'token' | 'session';
  /** The credential's public id: the API token id or the session id (never a secret). */
  tokenId: string;
  name: string;
  role: Role;
  /** The person behind the token (`user:<email>`), or null for automation. */
  subject: string | null;
  /** What the role may do under the installation's permission matrix. */
  permissions: ReadonlySet<string>;
  /** The person's attributes from the IdP and the directory (department, location, …), for ABAC; empty when unknown. */
  attributes: Readonly<Record<string, unknown>>;
}

/** Resolves a bearer credential of one prefix: a principal, or undefined when it is not a live one. */
export type BearerAuthenticator = (token: string) => Promise<Principal | undefined>;
/**
 * Resolves a request's cookie credential: undefined when the request carries none of this
 * kind, a principal, or an AppError that refuses the request (an expired session is
 * `unauthenticated`, a missing CSRF token `forbidden`).
 */
export type CookieAuthenticator = (request: FastifyRequest) => Promise<Principal | AppError | undefined>;
/** A person's attributes by reference (`user:<email>`), from memory. */
export type AttributeSource = (subject: string) => Readonly<Record<string, unknown>> | undefined;

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
  return { type: p.kind === 'session' ? 'user' : 'token', id: p.tokenId, name: p.name, role: p.role, ...(p.subject ? { subject: p.subject } : {}) };
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
  private readonly bearers = new Map<string, BearerAuthenticator>();
  private readonly cookies: CookieAuthenticator[] = [];
  private attributeSource: AttributeSource = () => undefined;

  private readonly grants = new Map<Role, ReadonlySet<string>>();

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly matrix: PermissionTable,
    readonly revocations: Revocations,
    private readonly cacheMs = TOKEN_CACHE_MS,
  ) {
    // A revoked token's cached row must not outlive the revocation, on this replica or another.
    revocations.onRevoke((kind, ref) => {
      if (kind === 'api_token') this.cache.delete(ref);
    });
  }

  /** Route bearer credentials that start with `prefix` (e.g. `trls_`) to `authenticate`. */
  addBearerAuthenticator(prefix: string, authenticate: BearerAuthenticator): void {
    if (prefix === 'trl_' || this.bearers.has(prefix)) throw new Error(`bearer prefix ${prefix} is taken`);
    this.bearers.set(prefix, authenticate);
  }

  addCookieAuthenticator(authenticate: CookieAuthenticator): void {
    this.cookies.push(authenticate);
  }

  /** Where principals' attributes come from (the directory); one source. */
  setAttributeSource(source: AttributeSource): void {
    this.attributeSource = source;
  }

  /** The attributes of a person, for principals and policy inputs. */
  attributesOf(subject: string | null): Readonly<Record<string, unknown>> {
    return (subject ? this.attributeSource(subject) : undefined) ?? {};
  }

  /** The principal a request's cookies carry, if any (the route guard calls this without a bearer token). */
  async authenticateCookies(request: FastifyRequest): Promise<Principal | AppError | undefined> {
    for (const a of this.cookies) {
      const r = await a(request);
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** The permissions a role holds under the installation's matrix (for other credential kinds). */
  grantsOf(role: Role): ReadonlySet<string> {
    return this.permissionsOf(role);
  }

  private permissionsOf(role: Role): ReadonlySet<string> {
    let set = this.grants.get(role);
    if (!set) this.grants.set(role, (set = permissionsOf(this.matrix, role)));
    return set;
  }

  async create(actor: Actor, input: { name: string; role: string; expiresInDays?: number; subject?: string }): Promise<TokenInfo & { token: string }> {
    if (!isRole(input.role)) throw new AppError('validation_failed', `unknown role ${input.role}`, { errors: [{ path: 'role', message: `must be one of ${roles.join(', ')}` }] });
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
      await this.revocations.revoke(tx, 'api_token', id, 'revoked');
      await this.audit.append(tx, {
        class: 'user_management',
        activity: 'delete',
        action: 'token.revoke',
        actor,
        resources: [{ type: 'api_token', id, name: row.name }],
        outcome: 'success',
      });
    });
    await this.revocations.refresh();
  }

  /**
   * In the caller's transaction: revoke every live API token that acts for `subject` (a person
   * who left). Returns the ids; the caller's revocation of the subject already voids them in
   * memory, these rows make it permanent.
   */
  async revokeBySubjectInTx(tx: Tx, actor: Actor, subject: string, reason: string): Promise<string[]> {
    const ref = canonicalPersonRef(subject);
    const ids = await store.revokeTokensOfSubject(tx, ref, new Date().toISOString());
    for (const id of ids) {
      await this.revocations.revoke(tx, 'api_token', id, reason);
      await this.audit.append(tx, {
        class: 'user_management',
        activity: 'delete',
        action: 'token.revoke',
        actor,
        resources: [{ type: 'api_token', id }],
        outcome: 'success',
        message: `API token ${id} of ${ref} revoked: ${reason}`,
        details: { subject: ref, reason },
      });
    }
    return ids;
  }

  /** Resolve a bearer token; undefined for anything that is not a live token. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const under = token.indexOf('_');
    const other = under > 0 ? this.bearers.get(token.slice(0, under + 1)) : undefined;
    if (other) return other(token);
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    if (this.revocations.isRevoked('api_token', parsed.id)) return undefined;
    const now = Date.now();
    const row = await this.tokenRow(parsed.id, now);
    if (!row || !secretMatches(parsed.secret, row.token_hash)) return undefined;
    if (row.revoked_at) return undefined;
    if (row.subject && this.revocations.isRevoked('subject', row.subject, Date.parse(row.created_at))) return undefined;
    if (row.expires_at && Date.parse(row.expires_at) <= now) return undefined;
    if (!isRole(row.role)) return undefined;
    if ((this.lastTouched.get(row.id) ?? 0) < now - 60_000) {
      this.lastTouched.set(row.id, now);
      await store.touchToken(this.database.db, row.id, new Date(now).toISOString());
    }
    const subject = row.subject ?? null;
    return { kind: 'token', tokenId: row.id, name: row.name, role: row.role, subject, permissions: this.permissionsOf(row.role), attributes: this.attributesOf(subject) };
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
