/**
 * Queries on the siem module's tables; the only code that touches them. The lease and cursor
 * updates are conditional single statements, so they mean the same on SQLite and PostgreSQL:
 * a replica takes a sink only when its lease is free, expired or already its own, and moves the
 * cursor only while it still holds the lease and the cursor is where it read it.
 */
import type { Selectable, Updateable } from 'kysely';
import type { DialectName, Queryable } from '../db/database.ts';
import type { SiemDeadLetterRow, SiemSinkRow } from './rows.ts';

/** PostgreSQL hands bigint columns back as strings. */
function sinkOf(r: SiemSinkRow): SiemSinkRow {
  return { ...r, cursor_seq: Number(r.cursor_seq), delivered: Number(r.delivered), attempts: Number(r.attempts), enabled: Number(r.enabled) };
}

export async function insertSink(q: Queryable, row: SiemSinkRow): Promise<void> {
  await q.insertInto('siem_sinks').values(row).execute();
}

export async function getSink(q: Queryable, id: string): Promise<SiemSinkRow | undefined> {
  const r = await q.selectFrom('siem_sinks').selectAll().where('id', '=', id).executeTakeFirst();
  return r && sinkOf(r);
}

export async function sinkNamed(q: Queryable, name: string): Promise<SiemSinkRow | undefined> {
  const r = await q.selectFrom('siem_sinks').selectAll().where('name', '=', name).executeTakeFirst();
  return r && sinkOf(r);
}

/** The sink, locked for the rest of the transaction on PostgreSQL (SQLite has one writer). */
export async function lockSink(q: Queryable, dialect: DialectName, id: string): Promise<SiemSinkRow | undefined> {
  let query = q.selectFrom('siem_sinks').selectAll().where('id', '=', id);
  if (dialect === 'postgres') query = query.forUpdate();
  const r = await query.executeTakeFirst();
  return r && sinkOf(r);
}

export async function listSinks(q: Queryable, opts: { enabledOnly?: boolean } = {}): Promise<SiemSinkRow[]> {
  let query = q.selectFrom('siem_sinks').selectAll();
  if (opts.enabledOnly) query = query.where('enabled', '=', 1);
  return (await query.orderBy('name', 'asc').execute()).map(sinkOf);
}

export async function countSinks(q: Queryable): Promise<number> {
  const r = await q.selectFrom('siem_sinks').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateSink(q: Queryable, id: string, set: Updateable<SiemSinkRow>): Promise<void> {
  await q.updateTable('siem_sinks').set(set).where('id', '=', id).execute();
}

export async function deleteSink(q: Queryable, id: string): Promise<void> {
  await q.deleteFrom('siem_dead_letters').where('sink_id', '=', id).execute();
  await q.deleteFrom('siem_sinks').where('id', '=', id).execute();
}

/** Take or renew the delivery lease: only when nobody holds it, it has run out, or it is ours. */
export async function takeLease(q: Queryable, id: string, owner: string, now: string, until: string): Promise<boolean> {
  const r = await q
    .updateTable('siem_sinks')
    .set({ lease_owner: owner, lease_until: until })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Give the lease back (stopping), so another replica or the next start takes over at once. */
export async function releaseLease(q: Queryable, id: string, owner: string): Promise<void> {
  await q.updateTable('siem_sinks').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/**
 * Move the cursor from `from` to `to` after an acknowledgement: only while `owner` still holds
 * the lease and nobody moved the cursor meanwhile. False: the sink is no longer ours.
 */
export async function advanceCursor(q: Queryable, a: { id: string; owner: string; from: number; to: number; delivered: number; at: string }): Promise<boolean> {
  const set: Updateable<SiemSinkRow> = { cursor_seq: a.to, attempts: 0, next_attempt_at: null, last_error: null };
  const r = await q
    .updateTable('siem_sinks')
    .set((eb) => ({ ...set, delivered: eb('delivered', '+', a.delivered), ...(a.delivered > 0 ? { last_delivered_at: a.at } : {}) }))
    .where('id', '=', a.id)
    .where('lease_owner', '=', a.owner)
    .where('cursor_seq', '=', a.from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Record a failed attempt and when to try again (only while the lease is ours). */
export async function recordFailure(q: Queryable, f: { id: string; owner: string; attempts: number; nextAttemptAt: string; error: string }): Promise<void> {
  await q.updateTable('siem_sinks').set({ attempts: f.attempts, next_attempt_at: f.nextAttemptAt, last_error: f.error }).where('id', '=', f.id).where('lease_owner', '=', f.owner).execute();
}

export interface NewDeadLetter {
  seq: number;
  uid: string;
  error: string;
}

/** Dead-letter events; an event refused again (a failed replay) counts one more attempt. */
export async function putDeadLetters(q: Queryable, sinkId: string, letters: NewDeadLetter[], at: string): Promise<void> {
  for (const l of letters) {
    await q
      .insertInto('siem_dead_letters')
      .values({ sink_id: sinkId, seq: l.seq, uid: l.uid, error: l.error, attempts: 1, dead_at: at })
      .onConflict((oc) => oc.columns(['sink_id', 'seq']).doUpdateSet((eb) => ({ error: eb.ref('excluded.error'), dead_at: eb.ref('excluded.dead_at'), attempts: eb('siem_dead_letters.attempts', '+', 1) })))
      .execute();
  }
}

export type DeadLetter = Selectable<SiemDeadLetterRow>;

function letterOf(r: DeadLetter): DeadLetter {
  return { ...r, id: Number(r.id), seq: Number(r.seq), attempts: Number(r.attempts) };
}

/** A sink's dead letters in seq order, after a paging key. */
export async function listDeadLetters(q: Queryable, sinkId: string, opts: { afterSeq?: number; limit: number }): Promise<DeadLetter[]> {
  let query = q.selectFrom('siem_dead_letters').selectAll().where('sink_id', '=', sinkId);
  if (opts.afterSeq !== undefined) query = query.where('seq', '>', opts.afterSeq);
  const rows = await query.orderBy('seq', 'asc').limit(opts.limit).execute();
  return rows.map(letterOf);
}

/** Dead letters per sink id. */
export async function countDeadLetters(q: Queryable): Promise<Map<string, number>> {
  const rows = await q.selectFrom('siem_dead_letters').select(['sink_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('sink_id').execute();
  return new Map(rows.map((r) => [r.sink_id, Number(r.n)]));
}

export async function deleteDeadLetters(q: Queryable, sinkId: string, seqs: number[]): Promise<void> {
  for (let i = 0; i < seqs.length; i += 500) await q.deleteFrom('siem_dead_letters').where('sink_id', '=', sinkId).where('seq', 'in', seqs.slice(i, i + 500)).execute();
}
