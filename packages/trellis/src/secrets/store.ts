/** Queries on the secrets tables; the only code that touches them. */
import type { DialectName, Queryable } from '../db/database.ts';
import type { SecretRow, SecretVersionRow } from './rows.ts';

export async function getSecret(q: Queryable, name: string): Promise<SecretRow | undefined> {
  return q.selectFrom('secrets').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function lockSecret(q: Queryable, dialect: DialectName, name: string): Promise<SecretRow | undefined> {
  let query = q.selectFrom('secrets').selectAll().where('name', '=', name);
  if (dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listSecrets(q: Queryable): Promise<SecretRow[]> {
  return q.selectFrom('secrets').selectAll().orderBy('name').execute();
}

/** What replicas compare to drop cached values: one short row per secret. */
export async function secretStamps(q: Queryable): Promise<{ name: string; current_version: number; updated_at: string }[]> {
  return q.selectFrom('secrets').select(['name', 'current_version', 'updated_at']).execute();
}

/** Insert unless the name exists (two creates at once: one wins); true when this one was inserted. */
export async function insertSecret(q: Queryable, row: SecretRow): Promise<boolean> {
  const r = await q.insertInto('secrets').values(row).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateSecret(q: Queryable, name: string, set: Partial<SecretRow>): Promise<void> {
  await q.updateTable('secrets').set(set).where('name', '=', name).execute();
}

export async function deleteSecret(q: Queryable, name: string): Promise<void> {
  await q.deleteFrom('secret_versions').where('name', '=', name).execute();
  await q.deleteFrom('secrets').where('name', '=', name).execute();
}

export async function insertVersion(q: Queryable, row: SecretVersionRow): Promise<void> {
  await q.insertInto('secret_versions').values(row).execute();
}

export async function getVersion(q: Queryable, name: string, version: number): Promise<SecretVersionRow | undefined> {
  return q.selectFrom('secret_versions').selectAll().where('name', '=', name).where('version', '=', version).executeTakeFirst();
}

export async function listVersions(q: Queryable, name: string): Promise<SecretVersionRow[]> {
  return q.selectFrom('secret_versions').selectAll().where('name', '=', name).orderBy('version', 'desc').execute();
}

export async function updateVersion(q: Queryable, name: string, version: number, set: Partial<SecretVersionRow>): Promise<void> {
  await q.updateTable('secret_versions').set(set).where('name', '=', name).where('version', '=', version).execute();
}

/** The active version becomes previous (valid until `expiresAt`, or until destroyed when null). */
export async function retireActive(q: Queryable, name: string, expiresAt: string | null): Promise<void> {
  await q.updateTable('secret_versions').set({ state: 'previous', expires_at: expiresAt }).where('name', '=', name).where('state', '=', 'active').execute();
}

/** Secrets whose scheduled rotation has come (generated ones to rotate, static ones not yet marked due). */
export async function dueForRotation(q: Queryable, now: string, limit: number): Promise<SecretRow[]> {
  return q
    .selectFrom('secrets')
    .selectAll()
    .where('next_rotation_at', '<=', now)
    .where((eb) => eb.or([eb('kind', '=', 'generated'), eb('rotation_due', '=', 0)]))
    .orderBy('next_rotation_at')
    .limit(limit)
    .execute();
}

/** Previous versions whose overlap has ended. */
export async function expiredVersions(q: Queryable, now: string, limit: number): Promise<SecretVersionRow[]> {
  return q.selectFrom('secret_versions').selectAll().where('state', '=', 'previous').where('expires_at', '<=', now).limit(limit).execute();
}

/** Versions whose data key is wrapped under another master key than `kekId`. */
export async function versionsNotUnder(q: Queryable, kekId: string, limit: number): Promise<SecretVersionRow[]> {
  return q.selectFrom('secret_versions').selectAll().where('kek_id', 'is not', null).where('kek_id', '!=', kekId).orderBy('name').orderBy('version').limit(limit).execute();
}

/** Data keys per wrapping master key id. */
export async function countByKek(q: Queryable): Promise<{ kek_id: string; count: number }[]> {
  const rows = await q.selectFrom('secret_versions').select(['kek_id']).select((eb) => eb.fn.countAll<number>().as('count')).where('kek_id', 'is not', null).groupBy('kek_id').orderBy('kek_id').execute();
  return rows.map((r) => ({ kek_id: r.kek_id!, count: Number(r.count) }));
}

/** Re-wrap one data key, unless another replica got there first (the row still holds `fromKek`). */
export async function setWrappedDek(q: Queryable, name: string, version: number, fromKek: string, to: { kek_id: string; wrapped_dek: string }): Promise<boolean> {
  const r = await q.updateTable('secret_versions').set(to).where('name', '=', name).where('version', '=', version).where('kek_id', '=', fromKek).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
