/** Queries on the dlp_detectors table; the only code that touches it. */
import type { Queryable } from '../../db/database.ts';
import type { DlpDetectorRow } from './rows.ts';

export function insertDetector(q: Queryable, row: DlpDetectorRow): Promise<unknown> {
  return q.insertInto('dlp_detectors').values(row).execute();
}

export function findDetector(q: Queryable, id: string): Promise<DlpDetectorRow | undefined> {
  return q.selectFrom('dlp_detectors').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listDetectors(q: Queryable): Promise<DlpDetectorRow[]> {
  return q.selectFrom('dlp_detectors').selectAll().orderBy('id', 'asc').execute();
}

export async function countDetectors(q: Queryable): Promise<number> {
  const r = await q.selectFrom('dlp_detectors').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export function listActiveDetectors(q: Queryable): Promise<DlpDetectorRow[]> {
  return q.selectFrom('dlp_detectors').selectAll().where('status', '=', 'active').orderBy('id', 'asc').execute();
}

/** Writes `changes` only if the row is still at `version`; false when someone changed it first. */
export async function updateDetector(q: Queryable, id: string, version: number, changes: Partial<DlpDetectorRow>): Promise<boolean> {
  const r = await q.updateTable('dlp_detectors').set({ ...changes, version: version + 1 }).where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteDetector(q: Queryable, id: string, version: number): Promise<boolean> {
  const r = await q.deleteFrom('dlp_detectors').where('id', '=', id).where('version', '=', version).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
