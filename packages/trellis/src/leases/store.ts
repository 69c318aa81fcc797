/** Queries of the leases table; nothing else touches it. */
import type { Queryable } from '../db/database.ts';
import type { LeaseRow } from './rows.ts';

export type NewLeaseRow = Omit<LeaseRow, 'seq'>;
export type StoredLease = Omit<LeaseRow, 'seq'> & { seq: number };

const withSeq = (r: Omit<LeaseRow, 'seq'> & { seq: unknown }): StoredLease => ({ ...r, seq: Number(r.seq) });

export function activeKey(app: string, connector: string): string {
  return JSON.stringify([app, connector]);
}

export async function insertLease(q: Queryable, row: NewLeaseRow): Promise<void> {
  await q.insertInto('leases').values(row).execute();
}

export async function findLease(q: Queryable, id: string): Promise<StoredLease | undefined> {
  const r = await q.selectFrom('leases').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? withSeq(r) : undefined;
}

export async function findActive(q: Queryable, app: string, connector: string): Promise<StoredLease | undefined> {
  const r = await q.selectFrom('leases').selectAll().where('active_key', '=', activeKey(app, connector)).executeTakeFirst();
  return r ? withSeq(r) : undefined;
}

export interface LeaseFilter {
  app?: string;
  connector?: string;
  state?: string;
  /** Only rows with a smaller seq (the next page). */
  beforeSeq?: number;
  limit: number;
}

export async function listLeases(q: Queryable, f: LeaseFilter): Promise<StoredLease[]> {
  let query = q.selectFrom('leases').selectAll();
  if (f.app !== undefined) query = query.where('app', '=', f.app);
  if (f.connector !== undefined) query = query.where('connector', '=', f.connector);
  if (f.state !== undefined) query = query.where('state', '=', f.state);
  if (f.beforeSeq !== undefined) query = query.where('seq', '<', f.beforeSeq);
  return (await query.orderBy('seq', 'desc').limit(f.limit).execute()).map(withSeq);
}

/** Active leases of an app (for its suspension), or of a connector. */
export async function activeLeasesOf(q: Queryable, by: { app: string } | { connector: string }): Promise<StoredLease[]> {
  const query = q.selectFrom('leases').selectAll().where('state', '=', 'active');
  return (await ('app' in by ? query.where('app', '=', by.app) : query.where('connector', '=', by.connector)).execute()).map(withSeq);
}

/** Active leases whose end has passed. */
export async function overdue(q: Queryable, now: string): Promise<StoredLease[]> {
  return (await q.selectFrom('leases').selectAll().where('state', '=', 'active').where('expires_at', '<=', now).execute()).map(withSeq);
}

/** Ended leases whose role may still exist on the target. */
export async function undropped(q: Queryable): Promise<StoredLease[]> {
  return (await q.selectFrom('leases').selectAll().where('state', 'in', ['revoked', 'expired']).where('dropped_at', 'is', null).orderBy('seq').limit(100).execute()).map(withSeq);
}

/** The states of the given leases (what this replica holds pools for). */
export async function statesOf(q: Queryable, ids: readonly string[]): Promise<Map<string, { state: string; expires_at: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await q.selectFrom('leases').select(['id', 'state', 'expires_at']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, { state: r.state, expires_at: r.expires_at }]));
}

/** Distinct targets of the leases seen lately (the orphan sweep looks at their databases). */
export async function recentTargets(q: Queryable, since: string): Promise<string[]> {
  return (await q.selectFrom('leases').select('target').distinct().where('created_at', '>=', since).execute()).map((r) => r.target);
}

export async function activeRoleNames(q: Queryable): Promise<Set<string>> {
  return new Set((await q.selectFrom('leases').select('role_name').where('state', '=', 'active').execute()).map((r) => r.role_name));
}

/** Ends an active lease; false when it was not active any more (someone else ended it first). */
export async function endLease(q: Queryable, id: string, state: 'revoked' | 'expired', reason: string, now: string): Promise<boolean> {
  const r = await q.updateTable('leases').set({ state, active_key: null, revoked_at: now, revoked_reason: reason }).where('id', '=', id).where('state', '=', 'active').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function setExpiry(q: Queryable, id: string, expiresAt: string, now: string): Promise<boolean> {
  const r = await q.updateTable('leases').set({ expires_at: expiresAt, renewed_at: now }).where('id', '=', id).where('state', '=', 'active').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markDropped(q: Queryable, id: string, now: string): Promise<void> {
  await q.updateTable('leases').set({ dropped_at: now, drop_error: null }).where('id', '=', id).execute();
}

export async function markDropFailed(q: Queryable, id: string, error: string): Promise<void> {
  await q.updateTable('leases').set({ drop_error: error.slice(0, 500) }).where('id', '=', id).where('dropped_at', 'is', null).execute();
}
