/** Queries on the installation_keys table; the only code that touches it. */
import type { Queryable } from '../db/database.ts';
import type { InstallationKeyRow } from './rows.ts';

const ROW_ID = 'master';

export async function readInstallationKey(q: Queryable): Promise<InstallationKeyRow | undefined> {
  return q.selectFrom('installation_keys').selectAll().where('id', '=', ROW_ID).executeTakeFirst();
}

/** Record the key unless another server did first; returns the row that won. */
export async function recordInstallationKey(q: Queryable, row: Omit<InstallationKeyRow, 'id'>): Promise<InstallationKeyRow> {
  await q.insertInto('installation_keys').values({ id: ROW_ID, ...row }).onConflict((oc) => oc.column('id').doNothing()).execute();
  const stored = await readInstallationKey(q);
  if (!stored) throw new Error('installation_keys row missing right after it was written');
  return stored;
}

/** Record the root key sealed under another master key (a rewrap). */
export async function updateRootSeal(q: Queryable, rootSealed: string, masterId: string): Promise<void> {
  await q.updateTable('installation_keys').set({ root_sealed: rootSealed, root_master_id: masterId }).where('id', '=', ROW_ID).execute();
}
