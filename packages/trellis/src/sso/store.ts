/** Queries of the sso module's tables (the only file that touches them). */
import type { Queryable } from '../db/database.ts';
import type { SsoDeviceRow, SsoLoginRow, SsoSessionRow } from './rows.ts';

export async function insertSession(q: Queryable, row: SsoSessionRow): Promise<void> {
  await q.insertInto('sso_sessions').values(row).execute();
}

export function findSession(q: Queryable, id: string): Promise<SsoSessionRow | undefined> {
  return q.selectFrom('sso_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function touchSession(q: Queryable, id: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
  await q.updateTable('sso_sessions').set({ last_seen_at: lastSeenAt, idle_expires_at: idleExpiresAt }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

/** Ends a live session; false when it had ended already (so its end is recorded once). */
export async function endSession(q: Queryable, id: string, at: string, reason: string): Promise<boolean> {
  const r = await q.updateTable('sso_sessions').set({ ended_at: at, end_reason: reason }).where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Live sessions (not ended, before their absolute end), newest first; of one person when `subject` is given. */
export function listLiveSessions(q: Queryable, opts: { now: string; subject?: string | undefined; limit: number }): Promise<SsoSessionRow[]> {
  let query = q.selectFrom('sso_sessions').selectAll().where('ended_at', 'is', null).where('expires_at', '>', opts.now).orderBy('created_at', 'desc').orderBy('id').limit(opts.limit);
  if (opts.subject) query = query.where('subject', '=', opts.subject);
  return query.execute();
}

/** Mark ended the live sessions of a person created at or before `before` (the revocation feed already refuses them). */
export async function endSessionsOfSubject(q: Queryable, subject: string, before: string, at: string, reason: string): Promise<void> {
  await q.updateTable('sso_sessions').set({ ended_at: at, end_reason: reason }).where('subject', '=', subject).where('created_at', '<=', before).where('ended_at', 'is', null).execute();
}

export async function insertLogin(q: Queryable, row: SsoLoginRow): Promise<void> {
  await q.insertInto('sso_logins').values(row).execute();
}

/** Take a pending sign-in: read and delete in one transaction, so a state is used once even across replicas. */
export async function takeLogin(q: Queryable, stateHash: string): Promise<SsoLoginRow | undefined> {
  const row = await q.selectFrom('sso_logins').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
  if (!row) return undefined;
  const r = await q.deleteFrom('sso_logins').where('state_hash', '=', stateHash).executeTakeFirst();
  return Number(r.numDeletedRows) === 1 ? row : undefined;
}

export async function insertDevice(q: Queryable, row: SsoDeviceRow): Promise<void> {
  await q.insertInto('sso_devices').values(row).execute();
}

export function findDevice(q: Queryable, handleHash: string): Promise<SsoDeviceRow | undefined> {
  return q.selectFrom('sso_devices').selectAll().where('handle_hash', '=', handleHash).executeTakeFirst();
}

/** Mark a device authorization used; false when another poll got there first. */
export async function useDevice(q: Queryable, handleHash: string, at: string): Promise<boolean> {
  const r = await q.updateTable('sso_devices').set({ used_at: at }).where('handle_hash', '=', handleHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Pending rows past their expiry and sessions long over are of no use; the sweeper removes them. */
export async function sweep(q: Queryable, now: Date): Promise<void> {
  const iso = now.toISOString();
  await q.deleteFrom('sso_logins').where('expires_at', '<', iso).execute();
  await q.deleteFrom('sso_devices').where('expires_at', '<', iso).execute();
  await q.deleteFrom('sso_sessions').where('expires_at', '<', new Date(now.getTime() - 7 * 86_400_000).toISOString()).execute();
}
