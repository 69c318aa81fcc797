/** Queries of the oauth module's client tables (clients, credentials, used assertion ids). */
import type { Queryable } from '../db/database.ts';
import type { OAuthClientCredentialRow, OAuthClientRow } from './rows.ts';

export function findClientByApp(q: Queryable, app: string): Promise<OAuthClientRow | undefined> {
  return q.selectFrom('oauth_clients').selectAll().where('app_name', '=', app).executeTakeFirst();
}

export function findClient(q: Queryable, clientId: string): Promise<OAuthClientRow | undefined> {
  return q.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export async function insertClient(q: Queryable, row: OAuthClientRow): Promise<void> {
  await q.insertInto('oauth_clients').values(row).execute();
}

export async function updateClient(q: Queryable, clientId: string, patch: Partial<Pick<OAuthClientRow, 'status' | 'type'>>, now: string): Promise<void> {
  await q.updateTable('oauth_clients').set({ ...patch, updated_at: now }).where('client_id', '=', clientId).execute();
}

export function listCredentials(q: Queryable, clientId: string): Promise<OAuthClientCredentialRow[]> {
  return q.selectFrom('oauth_client_credentials').selectAll().where('client_id', '=', clientId).orderBy('created_at').orderBy('id').execute();
}

export async function insertCredential(q: Queryable, row: OAuthClientCredentialRow): Promise<void> {
  await q.insertInto('oauth_client_credentials').values(row).execute();
}

/** Give every open-ended secret of a client an end (a rotation's overlap). Returns their ids. */
export async function expireOpenSecrets(q: Queryable, clientId: string, at: string): Promise<string[]> {
  const rows = await q.selectFrom('oauth_client_credentials').select('id').where('client_id', '=', clientId).where('type', '=', 'client_secret').where('expires_at', 'is', null).execute();
  if (rows.length === 0) return [];
  await q.updateTable('oauth_client_credentials').set({ expires_at: at }).where('client_id', '=', clientId).where('type', '=', 'client_secret').where('expires_at', 'is', null).execute();
  return rows.map((r) => r.id);
}

export async function deleteCredential(q: Queryable, clientId: string, id: string): Promise<OAuthClientCredentialRow | undefined> {
  const row = await q.selectFrom('oauth_client_credentials').selectAll().where('client_id', '=', clientId).where('id', '=', id).executeTakeFirst();
  if (row) await q.deleteFrom('oauth_client_credentials').where('id', '=', id).execute();
  return row;
}

/** Record a client assertion's jti; false when it was already used (on any replica). */
export async function useAssertionJti(q: Queryable, clientId: string, jti: string, expiresAtMs: number): Promise<boolean> {
  const r = await q
    .insertInto('oauth_assertion_jtis')
    .values({ client_id: clientId, jti, expires_at: expiresAtMs })
    .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function pruneAssertionJtis(q: Queryable, now: number): Promise<void> {
  await q.deleteFrom('oauth_assertion_jtis').where('expires_at', '<', now).execute();
}
