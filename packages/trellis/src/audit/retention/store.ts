/** Queries of retention and redaction: subject keys, retention settings, legal holds, pruning. */
import type { Queryable } from '../../db/database.ts';
import type { StoredRow } from '../integrity.ts';

export interface AuditSubjectKeyRow {
  /** Random id, written into every value sealed under the key. */
  key_id: string;
  /** Keyed hash of the person ref (audit/retention/personal.ts): the person is never stored in clear. */
  subject_hash: string;
  /** The data key sealed under the 'audit.protect' purpose key; null once shredded. */
  sealed_key: string | null;
  created_at: string;
  shredded_at: string | null;
}

export interface AuditRetentionRow {
  /** OCSF class name, or '*' for every class not named. */
  class: string;
  /** Days an event is kept after its time; null: forever. */
  days: number | null;
}

export interface AuditHoldRow {
  id: string;
  name: string;
  reason: string;
  /** JSON of HoldScope (audit/retention/service.ts); subjects as keyed hashes. */
  scope: string;
  created_at: string;
  created_by: string;
  released_at: string | null;
  released_by: string | null;
  release_reason: string | null;
}

declare module '../../db/tables.ts' {
  interface Tables {
    audit_subject_keys: AuditSubjectKeyRow;
    audit_retention: AuditRetentionRow;
    audit_holds: AuditHoldRow;
  }
}

export async function liveKey(q: Queryable, subjectHash: string): Promise<AuditSubjectKeyRow | undefined> {
  return q.selectFrom('audit_subject_keys').selectAll().where('subject_hash', '=', subjectHash).where('shredded_at', 'is', null).executeTakeFirst();
}

/** False when a live key for the subject already exists (another writer made it first). */
export async function insertKey(q: Queryable, row: AuditSubjectKeyRow): Promise<boolean> {
  const r = await q.insertInto('audit_subject_keys').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function keysById(q: Queryable, ids: string[]): Promise<AuditSubjectKeyRow[]> {
  if (ids.length === 0) return [];
  return q.selectFrom('audit_subject_keys').selectAll().where('key_id', 'in', ids).execute();
}

/** Key ids of subjects (live or shredded): what a hold on those subjects looks for in events. */
export async function keyIdsOfSubjects(q: Queryable, subjectHashes: string[]): Promise<string[]> {
  if (subjectHashes.length === 0) return [];
  const rows = await q.selectFrom('audit_subject_keys').select('key_id').where('subject_hash', 'in', subjectHashes).execute();
  return rows.map((r) => r.key_id);
}

/** Destroy a subject's live keys; returns their ids. */
export async function shredKeys(q: Queryable, subjectHash: string, at: string): Promise<string[]> {
  const rows = await q.selectFrom('audit_subject_keys').select('key_id').where('subject_hash', '=', subjectHash).where('shredded_at', 'is', null).execute();
  if (rows.length === 0) return [];
  await q.updateTable('audit_subject_keys').set({ sealed_key: null, shredded_at: at }).where('subject_hash', '=', subjectHash).where('shredded_at', 'is', null).execute();
  return rows.map((r) => r.key_id);
}

export async function retentionRows(q: Queryable): Promise<AuditRetentionRow[]> {
  return q.selectFrom('audit_retention').selectAll().orderBy('class').execute();
}

export async function replaceRetention(q: Queryable, rows: AuditRetentionRow[]): Promise<void> {
  await q.deleteFrom('audit_retention').execute();
  if (rows.length > 0) await q.insertInto('audit_retention').values(rows).execute();
}

export async function insertHold(q: Queryable, row: AuditHoldRow): Promise<void> {
  await q.insertInto('audit_holds').values(row).execute();
}

export async function holds(q: Queryable, opts: { active?: boolean } = {}): Promise<AuditHoldRow[]> {
  let query = q.selectFrom('audit_holds').selectAll();
  if (opts.active) query = query.where('released_at', 'is', null);
  return query.orderBy('created_at').orderBy('id').execute();
}

export async function hold(q: Queryable, id: string): Promise<AuditHoldRow | undefined> {
  return q.selectFrom('audit_holds').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function releaseHold(q: Queryable, id: string, at: string, by: string, reason: string): Promise<boolean> {
  const r = await q.updateTable('audit_holds').set({ released_at: at, released_by: by, release_reason: reason }).where('id', '=', id).where('released_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Sealed, unpruned rows of some classes (or of every class but some) older than `before`,
 * after seq `after`, in chain order: what the pruner examines next.
 */
export async function pruneCandidates(q: Queryable, f: { classUids: number[]; exclude: boolean; before: string; after: number; limit: number }): Promise<(StoredRow & { seq: number })[]> {
  let query = q.selectFrom('audit_events').selectAll().where('seq', '>', f.after).where('pruned_at', 'is', null).where('time', '<', f.before);
  if (f.exclude) {
    if (f.classUids.length > 0) query = query.where('class_uid', 'not in', f.classUids);
  } else query = query.where('class_uid', 'in', f.classUids);
  const rows = await query.orderBy('seq', 'asc').limit(f.limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), seq: Number(r.seq), class_uid: Number(r.class_uid) }));
}

/** Replace a row's content by the tombstone; the chain fields, uid, time and class stay. */
export async function pruneRow(q: Queryable, r: { id: number; event: string; pruned_at: string; prune_mac: string }): Promise<boolean> {
  const res = await q
    .updateTable('audit_events')
    .set({ event: r.event, action: 'audit.pruned', actor_id: '', resource_type: null, resource_id: null, app: null, outcome: '', mac: null, pruned_at: r.pruned_at, prune_mac: r.prune_mac })
    .where('id', '=', r.id)
    .where('pruned_at', 'is', null)
    .where('seq', 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
