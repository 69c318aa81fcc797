/**
 * Reaching a connector's PostgreSQL: the host is resolved once and checked by the egress
 * policy, and the connection goes to that checked address (TLS still verifies the host name),
 * so a DNS answer cannot change between the check and the connect. The admin connection is
 * short-lived, one per create / renew / drop; the leased role's pool is small and long-lived.
 */
import type pg from 'pg';
import { pinnedTlsOptions } from '../egress/index.ts';

/** How the leases module reaches a `postgres` connector's database (the gateway builds it from the connector's spec.connection). */
export interface PgTarget {
  connector: string;
  host: string;
  port: number;
  database: string;
  /** Where unqualified table names live; default public. */
  schema?: string;
  tls: 'disable' | 'require' | 'verify-full';
  allowPrivateHost: boolean;
  /** The role that creates leased roles (CREATEROLE). */
  adminUser: string;
  /** The name of the secret holding adminUser's password. */
  adminSecret: string;
  ttlSeconds: number;
  maxTtlSeconds: number;
}

/** What a lease row keeps of its target: enough to reach it again, never a secret value. */
export type StoredTarget = Omit<PgTarget, 'ttlSeconds' | 'maxTtlSeconds'> & { schema: string; maxTtlSeconds: number };

export function storedTarget(t: PgTarget): StoredTarget {
  return { connector: t.connector, host: t.host, port: t.port, database: t.database, schema: t.schema ?? 'public', tls: t.tls, allowPrivateHost: t.allowPrivateHost, adminUser: t.adminUser, adminSecret: t.adminSecret, maxTtlSeconds: t.maxTtlSeconds };
}

/** The parts that make two targets the same database for the same admin (in the grants digest). */
export function targetIdentity(t: PgTarget | StoredTarget): Record<string, string | number> {
  return { host: t.host, port: t.port, database: t.database, schema: t.schema ?? 'public', adminUser: t.adminUser };
}

/** egress resolveChecked: resolve once, refuse what the policy refuses, return the address to use. */
export type ResolveChecked = (host: string, policy: { allowPrivate: boolean }) => Promise<{ address: string; family: 4 | 6 }>;
/** The admin's password from the secret store. */
export type PasswordOf = (secretName: string, target: StoredTarget) => Promise<string>;

export interface TargetAccess {
  resolveChecked: ResolveChecked;
  passwordOf: PasswordOf;
}


async function connectionConfig(t: StoredTarget, access: TargetAccess, user: string, password: string): Promise<pg.ClientConfig> {
  const { address } = await access.resolveChecked(t.host, { allowPrivate: t.allowPrivateHost });
  return { host: address, port: t.port, database: t.database, user, password, ssl: pinnedTlsOptions(t.host, t.tls), connectionTimeoutMillis: 10_000, application_name: 'trellis-leases' };
}

/** A connection as the target's admin role; the caller ends it. */
export async function connectAdmin(t: StoredTarget, access: TargetAccess): Promise<pg.Client> {
  // The driver loads on the first connection: a server that never reaches a connector database never loads it.
  const { default: Pg } = await import('pg');
  const client = new Pg.Client(await connectionConfig(t, access, t.adminUser, await access.passwordOf(t.adminSecret, t)));
  // A connection the server ends (a restart) must not become an unhandled 'error' event.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** The leased role's pool: a few connections, closed when idle. */
export async function rolePool(t: StoredTarget, access: TargetAccess, role: string, password: string): Promise<pg.Pool> {
  const { default: Pg } = await import('pg');
  const pool = new Pg.Pool({ ...(await connectionConfig(t, access, role, password)), max: 4, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
  // Sessions ended by a revocation elsewhere surface here; the next query reports them.
  pool.on('error', () => {});
  return pool;
}

