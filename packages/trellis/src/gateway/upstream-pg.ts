/**
 * Running a compiled statement on a postgres connector: on the app's leased role (dynamic
 * credentials, services.leases) or on a pool logged in as the connector's static user. Static
 * pools connect to the address egress checked (no DNS rebinding) and carry a statement
 * timeout; each is dropped when its password's secret changes.
 */
import type pg from 'pg';
import type { PostgresConnection } from '../connectors/index.ts';
import { pinnedTlsOptions, resolveChecked } from '../egress/index.ts';
import type { LeaseService, PgTarget, TableGrant } from '../leases/index.ts';
import type { SecretService } from '../secrets/index.ts';
import type { ResourceGrant } from './apps.ts';
import { nameStatements } from '../db/postgres-statements.ts';
import { requiredColumns, type QueryContext } from './query/index.ts';

export interface PgRunOptions {
  statementTimeoutMs: number;
}

export interface PgRun {
  rows: Record<string, unknown>[];
  rowCount: number;
  secrets: { name: string; version: number }[];
  lease?: string;
}

/** The lease target of a connector's connection (leases quotes and checks it again). */
export function pgTargetOf(connector: string, c: PostgresConnection): PgTarget {
  return {
    connector,
    host: c.host,
    port: c.port,
    database: c.database,
    schema: c.schema,
    tls: c.tls,
    allowPrivateHost: c.allowPrivateHost,
    adminUser: c.credentials.username,
    adminSecret: c.credentials.secret,
    ttlSeconds: c.lease.ttlSeconds,
    maxTtlSeconds: c.lease.maxTtlSeconds,
  };
}

/**
 * What an app's leased role needs for its approved resources of one connector, from the
 * compiler's own account of the columns its statements touch (requiredColumns): SELECT on what
 * they read (the approved fields, the row filters' fields and the paging key), INSERT and UPDATE
 * on the approved fields only, DELETE on the table when the app may write. A grant on a resource
 * the catalog does not list gets nothing: the gateway refuses calls to it.
 */
export function tableGrantsOf(grants: Iterable<ResourceGrant>, resourceOf: (resource: string) => QueryContext['resource'] | undefined): TableGrant[] {
  const out: TableGrant[] = [];
  for (const g of grants) {
    const resource = resourceOf(g.name);
    if (!resource) continue;
    const { read, write } = requiredColumns(resource, g);
    if (read.length > 0) out.push({ table: g.name, columns: read, privileges: ['SELECT'] });
    if (write.length > 0) out.push({ table: g.name, columns: write, privileges: ['INSERT', 'UPDATE'] });
    if (g.access !== 'read') out.push({ table: g.name, columns: [], privileges: ['DELETE'] });
  }
  return out;
}

interface StaticPool {
  pool: pg.Pool;
  secret: { name: string; version: number };
}

export class PgRunner {
  private readonly pools = new Map<string, Promise<StaticPool>>();
  private readonly timed = new WeakSet<pg.Pool>();
  private readonly named = new WeakSet<pg.Pool>();

  constructor(
    private readonly deps: { leases: () => LeaseService | undefined; secrets: () => SecretService | undefined },
    private readonly opts: PgRunOptions,
  ) {}

  /** Forget static pools that log in with this secret (it was rotated). */
  secretChanged(name: string): void {
    for (const [key, p] of this.pools) {
      if (JSON.parse(key)[1] !== name) continue;
      this.pools.delete(key);
      void p.then((s) => s.pool.end()).catch(() => {});
    }
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.then((s) => s.pool.end()).catch(() => {})));
  }

  private staticPool(connector: string, c: PostgresConnection): Promise<StaticPool> {
    const key = JSON.stringify([connector, c.credentials.secret, c.host, c.port, c.database, c.credentials.username, c.tls, c.allowPrivateHost]);
    let p = this.pools.get(key);
    if (!p) {
      p = this.openStatic(connector, c);
      p.catch(() => this.pools.delete(key));
      this.pools.set(key, p);
    }
    return p;
  }

  private async openStatic(connector: string, c: PostgresConnection): Promise<StaticPool> {
    const secrets = this.deps.secrets();
    if (!secrets) throw new Error('the secret store is not available');
    const secret = await secrets.resolve(c.credentials.secret, { connector, purpose: 'gateway' });
    const { address } = await resolveChecked(c.host, { allowPrivate: c.allowPrivateHost });
    const { default: Pg } = await import('pg');
    const pool = new Pg.Pool({
      host: address,
      port: c.port,
      database: c.database,
      user: c.credentials.username,
      password: secret.value,
      ssl: pinnedTlsOptions(c.host, c.tls),
      statement_timeout: this.opts.statementTimeoutMs,
      connectionTimeoutMillis: 10_000,
      max: 10,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
      application_name: 'trellis-gateway',
    });
    pool.on('error', () => {});
    return { pool, secret: { name: secret.name, version: secret.version } };
  }

  /** Run one compiled statement for an app. */
  async run(app: string, connector: string, c: PostgresConnection, target: PgTarget, grants: readonly TableGrant[], statement: { text: string; values: unknown[] }): Promise<PgRun> {
    let pool: pg.Pool;
    let secrets: PgRun['secrets'] = [];
    let lease: string | undefined;
    if (c.credentials.mode === 'dynamic') {
      const leases = this.deps.leases();
      if (!leases) throw new Error('dynamic credentials need the leases module');
      const got = await leases.poolFor(app, target, grants);
      pool = got.pool;
      lease = got.lease.id;
      if (!this.timed.has(pool)) {
        // The leased pool is the leases module's; each new session of it gets our statement timeout.
        this.timed.add(pool);
        const ms = Math.floor(this.opts.statementTimeoutMs);
        pool.on('connect', (client) => void client.query(`SET statement_timeout = ${ms}`).catch(() => {}));
      }
    } else {
      const s = await this.staticPool(connector, c);
      pool = s.pool;
      secrets = [s.secret];
    }
    // Each connection prepares a statement text once and then only binds and executes it: an
    // app repeats a few shapes of query, and parsing and planning each call cost the database more than running it.
    if (!this.named.has(pool)) {
      this.named.add(pool);
      pool.on('connect', nameStatements);
    }
    // query_timeout stops waiting on the client side too (a leased role's pool has no statement_timeout of ours).
    const r = await pool.query({ text: statement.text, values: statement.values, query_timeout: this.opts.statementTimeoutMs + 1000 } as pg.QueryConfig);
    return { rows: r.rows as Record<string, unknown>[], rowCount: r.rowCount ?? r.rows.length, secrets, ...(lease ? { lease } : {}) };
  }
}
