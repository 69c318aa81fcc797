/** Queries on the exports module's tables; the only code that touches them. */
import type { Queryable } from '../db/database.ts';
import type { ExportDestinationRow, ExportQuarantineRow } from './rows.ts';

export async function insertDestination(q: Queryable, row: ExportDestinationRow): Promise<void> {
  await q.insertInto('export_destinations').values(row).execute();
}

export async function getDestination(q: Queryable, id: string): Promise<ExportDestinationRow | undefined> {
  return q.selectFrom('export_destinations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function destinationFor(q: Queryable, destination: string, target: string): Promise<ExportDestinationRow | undefined> {
  return q.selectFrom('export_destinations').selectAll().where('destination', '=', destination).where('target', '=', target).executeTakeFirst();
}

export async function listDestinations(q: Queryable): Promise<ExportDestinationRow[]> {
  return q.selectFrom('export_destinations').selectAll().orderBy('destination').orderBy('target').execute();
}

export async function deleteDestination(q: Queryable, id: string): Promise<boolean> {
  const r = await q.deleteFrom('export_destinations').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function insertQuarantine(q: Queryable, row: ExportQuarantineRow): Promise<void> {
  await q.insertInto('export_quarantine').values(row).execute();
}

export async function getQuarantine(q: Queryable, id: string): Promise<ExportQuarantineRow | undefined> {
  return q.selectFrom('export_quarantine').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listQuarantine(q: Queryable, status: string | undefined, limit: number): Promise<ExportQuarantineRow[]> {
  let query = q.selectFrom('export_quarantine').selectAll();
  if (status !== undefined) query = query.where('status', '=', status);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Moves a quarantined export from one status to another; false when it was not in `from` (another reviewer got there first). */
export async function moveQuarantine(q: Queryable, id: string, from: string, set: Partial<Omit<ExportQuarantineRow, 'id'>>): Promise<boolean> {
  const r = await q.updateTable('export_quarantine').set(set).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Takes over a release left half-done (a replica stopped while delivering): only if it is still the one that began at `since`. */
export async function reclaimRelease(q: Queryable, id: string, since: string, now: string): Promise<boolean> {
  const r = await q.updateTable('export_quarantine').set({ decided_at: now }).where('id', '=', id).where('status', '=', 'releasing').where('decided_at', '=', since).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
