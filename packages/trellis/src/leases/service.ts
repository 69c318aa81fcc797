/**
 * Dynamic PostgreSQL credentials (docs/dynamic-credentials.md): for each app and `postgres`
 * connector, a role on the connector's database that can log in until its lease ends and read
 * (or write) only the approved columns. `poolFor` is the gateway's door: from memory while the
 * lease has more than five minutes left, otherwise renewed, or replaced when its approval
 * changed or its maximum lifetime is near. Leases end by expiry (the sweeper), by the app's
 * suspension or retirement (a catalog status listener, in that change's transaction), by the
 * connector's retirement (a connectors listener, after that commit) and by an admin; the role is
 * dropped after the end is committed, and the sweeper retries a drop that failed. The password
 * is sealed in the row so every replica can log in as the same role.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Database, Tx } from '../db/database.ts';
import { Follower, notifyFollowers } from '../db/follow.ts';
import type { AuditLog, Actor } from '../audit/index.ts';
import type { AppStatusChange, CatalogService } from '../catalog/index.ts';
import { loadManifestMachinery } from '../catalog/index.ts';
import type { KeyRing } from '../module.ts';
import { seal, unseal } from '../keys/index.ts';
import { AppError } from '../errors.ts';
import { leaseErrors } from './errors.ts';
import * as store from './store.ts';
import type { StoredLease } from './store.ts';
import type { LeaseRow } from './rows.ts';
import { quoteTable } from '../db/pg-sql.ts';
import { createRoleStatements, dropRoleStatements, grantsDigest, heldSchemasQuery, heldTablesQuery, newPassword, newRoleName, normaliseGrants, ownedSequencesQuery, privileges, rolePrefix, validUntilStatement, type SequenceName, type TableGrant } from './sql.ts';
import { connectAdmin, rolePool, storedTarget, targetIdentity, type PgTarget, type StoredTarget, type TargetAccess } from './target.ts';

export type LeaseState = 'active' | 'revoked' | 'expired';

/** A lease as the API shows it (never its password): the row's times and names, its grants and where the role lives. */
export type LeaseInfo = Pick<LeaseRow, 'id' | 'app' | 'connector' | 'created_at' | 'expires_at' | 'max_expires_at' | 'renewed_at' | 'revoked_at' | 'revoked_reason' | 'dropped_at' | 'drop_error'> & {
  role: string;
  state: LeaseState;
  grants: TableGrant[];
  database: { host: string; port: number; database: string };
};

export interface LeaseList {
  items: LeaseInfo[];
  next_cursor: string | null;
}

export interface LeaseListQuery {
  app?: string;
  connector?: string;
  state?: LeaseState;
  limit?: number;
  cursor?: string;
}

export interface LeaseOptions {
  /** A lease with less than this left is renewed before use (default 5 minutes). */
  renewWithinMs?: number;
  /** How often the sweeper ends overdue leases and retries drops (default 30 s). */
  sweepIntervalMs?: number;
  /** How often orphaned roles (a crash between CREATE ROLE and the row) are looked for (default 10 min). */
  orphanSweepIntervalMs?: number;
  /** SQLite: how often other replicas' revocations are picked up (default 1 s). */
  pollIntervalMs?: number;
  now?: () => number;
}

/** Where connectors' retirements come from (ConnectorService: its listeners run after the change commits). */
export interface ConnectorRetirements {
  onStatusChange(listener: (change: { name: string; to: string; actor: Actor; reason: string | null }) => Promise<void>): void;
  /** A connector's status; `not_found` for a name it does not hold. */
  get(name: string): Promise<{ status: string }>;
}

export interface LeaseDeps extends TargetAccess {
  database: Database;
  audit: AuditLog;
  keys: KeyRing;
  catalog: CatalogService;
  /** Absent where no connector can retire (a replica made for a test). */
  connectors?: ConnectorRetirements;
}

/** What this replica holds for one app, connector and approval. */
interface Held {
  lease: StoredLease;
  /** lease.expires_at in ms, for the steady path. */
  expiresMs: number;
  pool: pg.Pool;
}

function setLease(h: Held, lease: StoredLease): void {
  h.lease = lease;
  h.expiresMs = Date.parse(lease.expires_at);
}

const channel = 'trellis_leases';

function leaseId(): string {
  return 'lse_' + randomBytes(10).toString('hex');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function appActor(app: string): Actor {
  return { type: 'service', id: app, name: app };
}

const sweeper: Actor = { type: 'system', id: 'system', name: 'trellis' };

function targetOf(row: StoredLease): StoredTarget {
  return JSON.parse(row.target) as StoredTarget;
}

/** Built once per row object: the gateway's steady path parses no JSON. */
const infos = new WeakMap<StoredLease, LeaseInfo>();

function infoOf(row: StoredLease): LeaseInfo {
  let info = infos.get(row);
  if (!info) infos.set(row, (info = toInfo(row)));
  return info;
}

export function toInfo(row: StoredLease): LeaseInfo {
  const t = targetOf(row);
  return {
    id: row.id,
    app: row.app,
    connector: row.connector,
    role: row.role_name,
    state: row.state as LeaseState,
    grants: JSON.parse(row.grants) as TableGrant[],
    database: { host: t.host, port: t.port, database: t.database },
    created_at: row.created_at,
    expires_at: row.expires_at,
    max_expires_at: row.max_expires_at,
    renewed_at: row.renewed_at,
    revoked_at: row.revoked_at,
    revoked_reason: row.revoked_reason,
    dropped_at: row.dropped_at,
    drop_error: row.drop_error,
  };
}

/** The target database's own words for a failure (PostgreSQL never echoes a statement's text, so no password). */
function targetFailed(what: string, t: StoredTarget, err: unknown): AppError {
  return leaseErrors.error('lease_target_failed', `${what} on connector ${t.connector}'s database failed: ${(err as Error).message}`, { cause: err });
}

function badGrants(message: string, path = 'grants'): AppError {
  return new AppError('validation_failed', `the grants of a lease are not valid: ${message}`, { errors: [{ path, message }] });
}

function checkGrants(grants: readonly TableGrant[]): void {
  if (grants.length === 0) throw badGrants('a lease needs at least one table');
  grants.forEach((g, i) => {
    if (g.privileges.length === 0) throw badGrants('grants no privilege', `grants[${i}].privileges`);
    for (const p of g.privileges) if (!privileges.includes(p)) throw badGrants(`${String(p)} is not SELECT, INSERT, UPDATE or DELETE`, `grants[${i}].privileges`);
    if (g.columns.length === 0 && g.privileges.some((p) => p !== 'DELETE')) throw badGrants('names no column', `grants[${i}].columns`);
  });
}

/** The sequences owned by the tables the grants let the role INSERT into, read in the creating transaction. */
async function insertSequences(c: pg.Client, grants: readonly TableGrant[], defaultSchema: string): Promise<SequenceName[]> {
  const found = new Map<string, SequenceName>();
  for (const table of new Set(grants.filter((g) => g.privileges.includes('INSERT')).map((g) => g.table))) {
    for (const s of (await c.query<SequenceName>(ownedSequencesQuery, [quoteTable(table, defaultSchema)])).rows) found.set(JSON.stringify([s.schema, s.name]), s);
  }
  return [...found.values()];
}

async function statusOf(get: () => Promise<{ status: string }>): Promise<string | undefined> {
  try {
    return (await get()).status;
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') return undefined;
    throw err;
  }
}

export class LeaseService {
  private readonly held = new Map<string, Held>();
  private readonly inflight = new Map<string, Promise<Held>>();
  /** Role drops under way on this replica, by lease id (the revoking call and the follower meet here). */
  private readonly drops = new Map<string, Promise<void>>();
  /** The grants digest per grants array and target, so a steady caller hashes nothing. */
  private readonly prepared = new WeakMap<readonly TableGrant[], WeakMap<PgTarget, { digest: string; grants: TableGrant[] }>>();
  private readonly follower: Follower;
  private readonly renewWithinMs: number;
  private readonly now: () => number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private lastOrphanSweep = 0;

  constructor(
    private readonly deps: LeaseDeps,
    private readonly opts: LeaseOptions = {},
  ) {
    this.renewWithinMs = opts.renewWithinMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.follower = new Follower(deps.database, { channel, catchUp: () => this.refresh(), pollIntervalMs: opts.pollIntervalMs ?? 1000, warn: (m) => this.warn(m), label: 'leases' });
    deps.catalog.onStatusChange((tx, change) => this.statusChanged(tx, change));
    deps.connectors?.onStatusChange(async (change) => {
      if (change.to === 'retired') await this.revokeConnector(change.name, `connector ${change.name} retired${change.reason ? `: ${change.reason}` : ''}`, change.actor);
    });
  }

  private warn(message: string): void {
    process.stderr.write(`trellis: warning: ${message}\n`);
  }

  private key(): Buffer {
    return this.deps.keys.derive('leases.password');
  }

  // ---- the gateway's door ---------------------------------------------------------------

  /** A pool logged in as the app's leased role on the target, granted exactly `grants`. */
  async poolFor(app: string, target: PgTarget, grants: readonly TableGrant[]): Promise<{ pool: pg.Pool; lease: LeaseInfo }> {
    const p = this.prepare(target, grants);
    const cacheKey = JSON.stringify([app, target.connector, p.digest]);
    const h = this.held.get(cacheKey);
    if (h && !h.pool.ended && h.expiresMs - this.now() > this.renewWithinMs) return { pool: h.pool, lease: infoOf(h.lease) };
    let pending = this.inflight.get(cacheKey);
    if (!pending) {
      pending = this.acquire(app, target, p.grants, p.digest, cacheKey).finally(() => this.inflight.delete(cacheKey));
      this.inflight.set(cacheKey, pending);
    }
    const got = await pending;
    return { pool: got.pool, lease: infoOf(got.lease) };
  }

  private prepare(target: PgTarget, grants: readonly TableGrant[]): { digest: string; grants: TableGrant[] } {
    let byTarget = this.prepared.get(grants);
    const known = byTarget?.get(target);
    if (known) return known;
    checkGrants(grants);
    const normalised = normaliseGrants(grants, target.schema ?? 'public');
    const p = { digest: grantsDigest(targetIdentity(target), normalised), grants: normalised };
    if (!byTarget) this.prepared.set(grants, (byTarget = new WeakMap()));
    byTarget.set(target, p);
    return p;
  }

  private async acquire(app: string, target: PgTarget, grants: TableGrant[], digest: string, cacheKey: string): Promise<Held> {
    const { db } = this.deps.database;
    for (let attempt = 0; ; attempt++) {
      let row = await store.findActive(db, app, target.connector);
      const now = this.now();
      if (row && row.grants_digest === digest && Date.parse(row.max_expires_at) - now > this.renewWithinMs) {
        if (Date.parse(row.expires_at) - now <= this.renewWithinMs) row = await this.extend(row, target.ttlSeconds, appActor(app));
        return this.hold(cacheKey, row);
      }
      if (row) await this.endAndDrop(row, 'revoked', row.grants_digest !== digest ? 'the approved grants changed; replaced by a new lease' : 'near its maximum lifetime; replaced by a new lease', appActor(app));
      await this.refuseEnded(app, target.connector);
      const created = await this.create(app, target, grants, digest);
      if (created) {
        // A suspension or retirement committing while we created saw no lease to end: look again, and end ours.
        const ended = await this.endedBy(app, target.connector);
        if (ended) {
          await this.endAndDrop(created, 'revoked', ended, appActor(app));
          await this.refuseEnded(app, target.connector);
        }
        return this.hold(cacheKey, created);
      }
      // Another replica created the lease between our read and our insert: use theirs.
      if (attempt >= 2) throw new AppError('conflict', `the lease of app ${app} on connector ${target.connector} keeps changing; try again`);
    }
  }

  /**
   * Why the app may hold no lease on the connector: `app <name> is suspended|retired` or
   * `connector <name> is retired`; undefined otherwise, and for a name its module does not hold.
   */
  private async endedBy(app: string, connector: string): Promise<string | undefined> {
    const appStatus = await statusOf(() => this.deps.catalog.get(app));
    if (appStatus === 'suspended' || appStatus === 'retired') return `app ${app} is ${appStatus}`;
    const connectors = this.deps.connectors;
    if (connectors && (await statusOf(() => connectors.get(connector))) === 'retired') return `connector ${connector} is retired`;
    return undefined;
  }

  private async refuseEnded(app: string, connector: string): Promise<void> {
    const ended = await this.endedBy(app, connector);
    if (ended) throw new AppError('forbidden', `${ended}: it gets no database credentials`);
  }

  /** This replica's pool for a lease row, opened once. */
  private async hold(cacheKey: string, lease: StoredLease): Promise<Held> {
    const h = this.held.get(cacheKey);
    if (h && h.lease.id === lease.id && !h.pool.ended) {
      setLease(h, lease);
      return h;
    }
    if (h) this.release(cacheKey, h);
    const password = unseal(this.key(), `lease/${lease.id}`, lease.password_enc, `the password of lease ${lease.id}`);
    const pool = await rolePool(targetOf(lease), this.deps, lease.role_name, password);
    const fresh = { lease, pool, expiresMs: Date.parse(lease.expires_at) };
    this.held.set(cacheKey, fresh);
    return fresh;
  }

  private release(cacheKey: string, h: Held): Promise<void> {
    if (this.held.get(cacheKey) === h) this.held.delete(cacheKey);
    return h.pool.ended ? Promise.resolve() : h.pool.end().catch(() => {});
  }

  /** Close this replica's pools of a lease. */
  private async releaseLease(id: string): Promise<void> {
    await Promise.all([...this.held.entries()].filter(([, h]) => h.lease.id === id).map(([k, h]) => this.release(k, h)));
  }

  /** The role on the target, then its row; null when another replica's row won the race. */
  private async create(app: string, target: PgTarget, grants: TableGrant[], digest: string): Promise<StoredLease | null> {
    const t = storedTarget(target);
    const now = this.now();
    const ttl = Math.min(target.ttlSeconds, target.maxTtlSeconds);
    const row: store.NewLeaseRow = {
      id: leaseId(),
      app,
      connector: target.connector,
      role_name: newRoleName(app),
      password_enc: '',
      grants_digest: digest,
      grants: JSON.stringify(grants),
      target: JSON.stringify(t),
      active_key: store.activeKey(app, target.connector),
      state: 'active',
      created_at: iso(now),
      expires_at: iso(now + ttl * 1000),
      max_expires_at: iso(now + target.maxTtlSeconds * 1000),
      renewed_at: null,
      revoked_at: null,
      revoked_reason: null,
      dropped_at: null,
      drop_error: null,
    };
    const password = newPassword();
    row.password_enc = seal(this.key(), `lease/${row.id}`, password);
    await this.onTarget(t, 'creating a leased role', async (c) => {
      await c.query('BEGIN');
      try {
        const sequences = await insertSequences(c, grants, t.schema);
        for (const s of createRoleStatements(row.role_name, password, row.expires_at, grants, t.schema, sequences)) await c.query(s);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
    try {
      await this.deps.database.db.transaction().execute(async (tx) => {
        await store.insertLease(tx, row);
        await this.deps.audit.append(tx, this.event(row, 'create', 'lease.create', appActor(app), `lease ${row.id}: role ${row.role_name} for app ${app} on connector ${row.connector} until ${row.expires_at}`, { expires_at: row.expires_at, max_expires_at: row.max_expires_at, grants }));
      });
    } catch (err) {
      await this.dropOnTarget(t, row.role_name).catch(() => {});
      const { isUniqueViolation } = await loadManifestMachinery();
      if (isUniqueViolation(err)) return null;
      throw err;
    }
    return { ...row, seq: 0 };
  }

  // ---- renew, revoke ----------------------------------------------------------------------

  /** Move a lease's end to now + ttl, capped at its maximum; the role's VALID UNTIL with it. */
  private async extend(row: StoredLease, ttlSeconds: number, actor: Actor): Promise<StoredLease> {
    const now = this.now();
    const expiresAt = iso(Math.min(now + ttlSeconds * 1000, Date.parse(row.max_expires_at)));
    const t = targetOf(row);
    await this.onTarget(t, 'renewing a leased role', (c) => c.query(validUntilStatement(row.role_name, expiresAt)));
    const ok = await this.deps.database.db.transaction().execute(async (tx) => {
      if (!(await store.setExpiry(tx, row.id, expiresAt, iso(now)))) return false;
      await this.deps.audit.append(tx, this.event(row, 'update', 'lease.renew', actor, `lease ${row.id} of app ${row.app} renewed until ${expiresAt}`, { expires_at: expiresAt, previous_expires_at: row.expires_at, max_expires_at: row.max_expires_at }));
      await notifyFollowers(tx, this.deps.database, channel);
      return true;
    });
    if (!ok) throw leaseErrors.error('lease_not_active', `lease ${row.id} ended while being renewed`);
    return { ...row, expires_at: expiresAt, renewed_at: iso(now) };
  }

  async renew(id: string, ttlSeconds: number | undefined, actor: Actor): Promise<LeaseInfo> {
    const row = await this.mustFind(id);
    if (row.state !== 'active') throw leaseErrors.error('lease_not_active', `lease ${id} is ${row.state}; an ended lease cannot be renewed`);
    const max = targetOf(row).maxTtlSeconds;
    const ttl = ttlSeconds ?? max;
    if (ttl > max) throw new AppError('validation_failed', `ttl_seconds may be at most ${max}, the connector's maximum lease`, { errors: [{ path: 'ttl_seconds', message: `must be at most ${max}` }] });
    const renewed = await this.extend(row, ttl, actor);
    for (const h of this.held.values()) if (h.lease.id === id) setLease(h, renewed);
    return toInfo(renewed);
  }

  async revoke(id: string, reason: string, actor: Actor): Promise<LeaseInfo> {
    const row = await this.mustFind(id);
    if (row.state !== 'active') throw leaseErrors.error('lease_not_active', `lease ${id} is already ${row.state}`);
    await this.endAndDrop(row, 'revoked', reason, actor);
    return toInfo((await store.findLease(this.deps.database.db, id))!);
  }

  /** End every active lease of an app (or connector), then drop their roles. */
  async revokeApp(app: string, reason: string, actor: Actor): Promise<LeaseInfo[]> {
    return this.revokeAll({ app }, reason, actor);
  }

  async revokeConnector(connector: string, reason: string, actor: Actor): Promise<LeaseInfo[]> {
    return this.revokeAll({ connector }, reason, actor);
  }

  private async revokeAll(by: { app: string } | { connector: string }, reason: string, actor: Actor): Promise<LeaseInfo[]> {
    const ended = await this.deps.database.db.transaction().execute((tx) => this.endAllInTx(tx, by, reason, actor));
    for (const row of ended) await this.dropRole(row);
    return Promise.all(ended.map(async (r) => toInfo((await store.findLease(this.deps.database.db, r.id))!)));
  }

  private async endAllInTx(tx: Tx, by: { app: string } | { connector: string }, reason: string, actor: Actor): Promise<StoredLease[]> {
    const ended: StoredLease[] = [];
    for (const row of await store.activeLeasesOf(tx, by)) if (await this.endInTx(tx, row, 'revoked', reason, actor)) ended.push(row);
    if (ended.length > 0) await notifyFollowers(tx, this.deps.database, channel);
    return ended;
  }

  /** Suspension or retirement: the leases end with the status change; the roles go after its commit (refresh). */
  private async statusChanged(tx: Tx, change: AppStatusChange): Promise<void> {
    if (change.to !== 'suspended' && change.to !== 'retired') return;
    await this.endAllInTx(tx, { app: change.name }, `app ${change.name} ${change.to}`, change.actor);
  }

  private async endInTx(tx: Tx, row: StoredLease, state: 'revoked' | 'expired', reason: string, actor: Actor): Promise<boolean> {
    const now = iso(this.now());
    if (!(await store.endLease(tx, row.id, state, reason, now))) return false;
    await this.deps.audit.append(tx, this.event(row, 'delete', state === 'expired' ? 'lease.expire' : 'lease.revoke', actor, `lease ${row.id} of app ${row.app} on connector ${row.connector} ${state}: ${reason}`, { reason, role: row.role_name }));
    return true;
  }

  private async endAndDrop(row: StoredLease, state: 'revoked' | 'expired', reason: string, actor: Actor): Promise<void> {
    const ended = await this.deps.database.db.transaction().execute(async (tx) => {
      const ok = await this.endInTx(tx, row, state, reason, actor);
      if (ok) await notifyFollowers(tx, this.deps.database, channel);
      return ok;
    });
    if (ended) await this.dropRole(row);
  }

  /** Close our pools of an ended lease and drop its role; a failure is kept on the row for the sweeper. */
  private dropRole(row: StoredLease): Promise<void> {
    let pending = this.drops.get(row.id);
    if (!pending) {
      pending = this.dropRoleOnce(row).finally(() => this.drops.delete(row.id));
      this.drops.set(row.id, pending);
    }
    return pending;
  }

  private async dropRoleOnce(row: StoredLease): Promise<void> {
    await this.releaseLease(row.id);
    const { db } = this.deps.database;
    try {
      await this.dropOnTarget(targetOf(row), row.role_name);
      await store.markDropped(db, row.id, iso(this.now()));
    } catch (err) {
      const message = (err as Error).message;
      await store.markDropFailed(db, row.id, message);
      void this.deps.audit.record(this.event(row, 'delete', 'lease.drop', sweeper, `role ${row.role_name} of lease ${row.id} could not be dropped yet: ${message}`, { role: row.role_name }, 'failure')).catch(() => {});
    }
  }

  /**
   * In one transaction holding an advisory lock on the role's name, so replicas told of the same
   * end at once take turns: the second finds the role gone.
   */
  private async dropOnTarget(t: StoredTarget, role: string): Promise<void> {
    await this.onTarget(t, 'dropping a leased role', async (c) => {
      await c.query('BEGIN');
      try {
        await c.query('select pg_advisory_xact_lock(hashtext($1))', [role]);
        if ((await c.query('select 1 from pg_roles where rolname = $1', [role])).rowCount !== 0) {
          const tables = (await c.query<{ schema: string; name: string; sequence: boolean }>(heldTablesQuery, [role])).rows;
          const schemas = (await c.query<{ schema: string }>(heldSchemasQuery, [role])).rows.map((r) => r.schema);
          for (const s of dropRoleStatements(role, tables, schemas)) await c.query(s);
        }
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  private async onTarget<T>(t: StoredTarget, what: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    let client: pg.Client | undefined;
    try {
      client = await connectAdmin(t, this.deps);
      return await fn(client);
    } catch (err) {
      // Our own refusals (the egress check, a missing secret) keep their codes.
      throw err instanceof AppError ? err : targetFailed(what, t, err);
    } finally {
      await client?.end().catch(() => {});
    }
  }

  // ---- reading ----------------------------------------------------------------------------

  private async mustFind(id: string): Promise<StoredLease> {
    const row = await store.findLease(this.deps.database.db, id);
    if (!row) throw new AppError('not_found', `lease ${id} not found`);
    return row;
  }

  async get(id: string): Promise<LeaseInfo> {
    return toInfo(await this.mustFind(id));
  }

  async list(q: LeaseListQuery = {}): Promise<LeaseList> {
    const limit = q.limit ?? 50;
    const beforeSeq = q.cursor === undefined ? undefined : Number(q.cursor);
    const rows = await store.listLeases(this.deps.database.db, { ...(q.app ? { app: q.app } : {}), ...(q.connector ? { connector: q.connector } : {}), ...(q.state ? { state: q.state } : {}), ...(beforeSeq !== undefined ? { beforeSeq } : {}), limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { items: page.map(toInfo), next_cursor: rows.length > limit ? String(page.at(-1)!.seq) : null };
  }

  // ---- background ---------------------------------------------------------------------------

  /**
   * After any replica's change: close pools of leases that ended, drop the roles still standing
   * (each replica may try; dropping is idempotent).
   */
  async refresh(): Promise<void> {
    const { db } = this.deps.database;
    const states = await store.statesOf(db, [...new Set([...this.held.values()].map((h) => h.lease.id))]);
    for (const [k, h] of [...this.held.entries()]) {
      const s = states.get(h.lease.id);
      if (!s || s.state !== 'active') await this.release(k, h);
      else if (s.expires_at !== h.lease.expires_at) setLease(h, { ...h.lease, expires_at: s.expires_at });
    }
    for (const row of await store.undropped(db)) await this.dropRole(row);
  }

  /** Overdue leases expire, ended roles are dropped, and now and then orphaned roles are removed. */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        const now = this.now();
        for (const row of await store.overdue(this.deps.database.db, iso(now))) await this.endAndDrop(row, 'expired', `its lease ended at ${row.expires_at}`, sweeper);
        await this.refresh();
        if (now - this.lastOrphanSweep >= (this.opts.orphanSweepIntervalMs ?? 10 * 60_000)) {
          this.lastOrphanSweep = now;
          await this.sweepOrphans();
        }
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }

  /**
   * Roles a crash left behind (created on the target, never recorded): named with our prefix,
   * past their VALID UNTIL, and not the role of any lease we consider active.
   */
  async sweepOrphans(): Promise<string[]> {
    const { db } = this.deps.database;
    const dropped: string[] = [];
    const targets = await store.recentTargets(db, iso(this.now() - 7 * 24 * 3600_000));
    const active = await store.activeRoleNames(db);
    for (const json of targets) {
      const t = JSON.parse(json) as StoredTarget;
      let roles: string[];
      try {
        roles = await this.onTarget(t, 'listing leased roles', async (c) => (await c.query<{ rolname: string }>(`select rolname from pg_roles where starts_with(rolname, $1) and rolvaliduntil < now()`, [rolePrefix])).rows.map((r) => r.rolname));
      } catch (err) {
        this.warn(`leases: cannot look for orphaned roles on connector ${t.connector}: ${(err as Error).message}`);
        continue;
      }
      // One role we cannot drop (another installation's, say) does not stop the rest.
      for (const role of roles.filter((r) => !active.has(r))) {
        try {
          await this.dropOnTarget(t, role);
          dropped.push(role);
        } catch (err) {
          this.warn(`leases: orphaned role ${role} on connector ${t.connector} stays: ${(err as Error).message}`);
        }
      }
    }
    return dropped;
  }

  async start(): Promise<void> {
    await this.follower.start();
    const every = this.opts.sweepIntervalMs ?? 30_000;
    this.sweepTimer = setInterval(() => void this.sweep().catch((e: unknown) => this.warn(`leases: sweeping failed: ${(e as Error).message}`)), every);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.follower.stop();
    await this.sweeping?.catch(() => {});
    await Promise.all([...this.held.entries()].map(([k, h]) => this.release(k, h)));
  }

  private event(row: Pick<StoredLease, 'id' | 'role_name' | 'app' | 'connector'>, activity: 'create' | 'update' | 'delete', action: string, actor: Actor, message: string, details: Record<string, unknown>, outcome: 'success' | 'failure' = 'success') {
    return {
      class: 'account_change' as const,
      activity,
      action,
      actor,
      resources: [
        { type: 'lease', id: row.id, name: row.role_name },
        { type: 'app', id: row.app, name: row.app },
        { type: 'connector', id: row.connector, name: row.connector },
      ],
      outcome,
      message,
      details: { lease: row.id, app: row.app, connector: row.connector, role: row.role_name, ...details },
    };
  }
}
