/** Queries on the api_tokens table; the only code that touches it. */
import type { Queryable } from '../db/database.ts';
import type { ApiTokenRow } from './rows.ts';

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

export function touchToken(q: Queryable, id: string, at: string): Promise<unknown> {
  return q.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}
