/**
 * Queries on the policy module's tables; the only code that touches them. Writers of a bundle
 * or an activation take one transaction-scoped lock first (PostgreSQL advisory lock; SQLite
 * has a single writer already), so "highest number + 1" never hands two writers the same
 * number and an activation always sees the one before it.
 */
import { sql, type Selectable } from 'kysely';
import type { DialectName, Queryable, Tx } from '../db/database.ts';
import type { PolicyActivationRow, PolicyBundleRow } from './rows.ts';

export type BundleRow = Selectable<PolicyBundleRow>;
export type ActivationRow = Selectable<PolicyActivationRow>;
export type BundleSummaryRow = Omit<BundleRow, 'modules' | 'data'>;

/** The NOTIFY channel of activations; the payload is the schema, so installations sharing a database tell theirs apart. */
export const activationChannel = 'trellis_policy_activated';

/** An arbitrary constant: the key of the advisory lock policy writers hold. */
const WRITE_LOCK_KEY = 7_302_551_004;

export async function lockPolicyWrites(tx: Tx, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`.execute(tx);
}

const summaryColumns = ['version', 'digest', 'rego_version', 'v0_modules', 'module_count', 'test_count', 'size_bytes', 'message', 'created_at', 'created_by', 'created_by_name'] as const;

function num<T extends { version: number }>(r: T): T {
  return { ...r, version: Number(r.version) };
}

export async function latestBundleVersion(q: Queryable): Promise<number> {
  const r = await q.selectFrom('policy_bundles').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
  return r?.v === null || r?.v === undefined ? 0 : Number(r.v);
}

export async function insertBundle(q: Queryable, row: BundleRow): Promise<void> {
  await q.insertInto('policy_bundles').values(row).execute();
}

export async function findBundle(q: Queryable, version: number): Promise<BundleRow | undefined> {
  const r = await q.selectFrom('policy_bundles').selectAll().where('version', '=', version).executeTakeFirst();
  return r ? num(r) : undefined;
}

/** The digests of some versions (the activation history names few distinct ones). */
export async function bundleDigests(q: Queryable, versions: number[]): Promise<Map<number, string>> {
  if (versions.length === 0) return new Map();
  const rows = await q.selectFrom('policy_bundles').select(['version', 'digest']).where('version', 'in', versions).execute();
  return new Map(rows.map((r) => [Number(r.version), r.digest]));
}

export async function bundleExists(q: Queryable): Promise<boolean> {
  return (await q.selectFrom('policy_bundles').select('version').limit(1).executeTakeFirst()) !== undefined;
}

/** A page of bundles, newest first, below `before` (a version) when given. */
export async function listBundles(q: Queryable, opts: { before?: number | undefined; limit: number }): Promise<BundleSummaryRow[]> {
  let query = q.selectFrom('policy_bundles').select(summaryColumns).orderBy('version', 'desc').limit(opts.limit);
  if (opts.before !== undefined) query = query.where('version', '<', opts.before);
  return (await query.execute()).map(num);
}

/** The newest activation: the bundle in force. A primary-key read, what replicas poll. */
export async function currentActivation(q: Queryable): Promise<ActivationRow | undefined> {
  const r = await q.selectFrom('policy_activations').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? { ...r, id: Number(r.id), version: Number(r.version), previous_id: r.previous_id === null ? null : Number(r.previous_id) } : undefined;
}

export async function findActivation(q: Queryable, id: number): Promise<ActivationRow | undefined> {
  const r = await q.selectFrom('policy_activations').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { ...r, id: Number(r.id), version: Number(r.version), previous_id: r.previous_id === null ? null : Number(r.previous_id) } : undefined;
}

export async function insertActivation(q: Queryable, row: Omit<ActivationRow, 'id'>): Promise<ActivationRow> {
  const current = await currentActivation(q);
  const full = { ...row, id: (current?.id ?? 0) + 1 };
  await q.insertInto('policy_activations').values(full).execute();
  return full;
}

/** The activation history, newest first. */
export async function listActivations(q: Queryable, limit: number): Promise<ActivationRow[]> {
  const rows = await q.selectFrom('policy_activations').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), version: Number(r.version), previous_id: r.previous_id === null ? null : Number(r.previous_id) }));
}

/** Tell the other replicas (PostgreSQL): delivered when the activation's transaction commits. */
export async function notifyActivation(tx: Tx, schema: string | undefined): Promise<void> {
  await sql`select pg_notify(${activationChannel}, ${schema ?? 'public'})`.execute(tx);
}
