/** Queries on the auth module's tables (api_tokens, auth_failures); the only code that touches them. */
import type { Queryable } from '../db/database.ts';
import type { ApiTokenRow, AuthFailureRow } from './rows.ts';

export function insertToken(q: Queryable, row: ApiTokenRow): Promise<unknown> {
  return q.insertInto('api_tokens').values(row).execute();
}

export function findToken(q: Queryable, id: string): Promise<ApiTokenRow | undefined> {
  return q.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listTokens(q: Queryable): Promise<ApiTokenRow[]> {
  return q.selectFrom('api_tokens').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

export async function countTokens(q: Queryable): Promise<number> {
  const r = await q.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function revokeToken(q: Queryable, id: string, at: string): Promise<boolean> {
  const r = await q.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Revoke every live token acting for a person; returns their ids. */
export async function revokeTokensOfSubject(q: Queryable, subject: string, at: string): Promise<string[]> {
  const rows = await q.selectFrom('api_tokens').select('id').where('subject', '=', subject).where('revoked_at', 'is', null).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  await q.updateTable('api_tokens').set({ revoked_at: at }).where('id', 'in', ids).where('revoked_at', 'is', null).execute();
  return ids;
}

export function touchToken(q: Queryable, id: string, at: string): Promise<unknown> {
  return q.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Add failure counts for a window (one statement per thousand keys). */
export async function addFailures(q: Queryable, rows: AuthFailureRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await q
      .insertInto('auth_failures')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet((eb) => ({ count: eb('auth_failures.count', '+', eb.ref('excluded.count')) })))
      .execute();
  }
}

export function deleteFailuresBefore(q: Queryable, windowStart: number): Promise<unknown> {
  return q.deleteFrom('auth_failures').where('window_start', '<', windowStart).execute();
}

export async function blockedKeys(q: Queryable, windowStart: number, limit: number): Promise<string[]> {
  const rows = await q.selectFrom('auth_failures').select('key').where('window_start', '=', windowStart).where('count', '>=', limit).execute();
  return rows.map((r) => r.key);
}
