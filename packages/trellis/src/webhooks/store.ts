/**
 * Queries on the webhooks module's tables; the only code that touches them.
 *
 * Design note — claiming deliveries when several replicas run: a worker claims due rows by
 * writing a lease (`claimed_until`) and a random `claim_token` in one UPDATE whose subquery
 * picks the due rows; on PostgreSQL that subquery takes `FOR UPDATE SKIP LOCKED`, so two
 * replicas claiming at once take different rows instead of waiting on each other, and on SQLite
 * the single writer serialises the UPDATEs. A row is due when it is pending, its time has come
 * and nobody holds an unexpired lease; the outcome of an attempt is written only by the holder
 * of the claim token, so a worker whose lease ran out (a stall longer than the lease) cannot
 * overwrite the outcome of the worker that took over.
 */
import type { Selectable } from 'kysely';
import type { DialectName, Queryable } from '../db/database.ts';
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookSubscriptionRow } from './rows.ts';

export type DeliveryRow = Selectable<WebhookDeliveryRow>;

export async function countSubscriptions(q: Queryable): Promise<number> {
  const r = await q.selectFrom('webhook_subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertSubscription(q: Queryable, row: WebhookSubscriptionRow): Promise<void> {
  await q.insertInto('webhook_subscriptions').values(row).execute();
}

export async function getSubscription(q: Queryable, id: string): Promise<WebhookSubscriptionRow | undefined> {
  return q.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The row locked for the rest of the transaction on PostgreSQL (SQLite's writer is already alone). */
export async function lockSubscription(q: Queryable, dialect: DialectName, id: string): Promise<WebhookSubscriptionRow | undefined> {
  let query = q.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id);
  if (dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listSubscriptions(q: Queryable): Promise<WebhookSubscriptionRow[]> {
  return q.selectFrom('webhook_subscriptions').selectAll().orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

/** Enabled subscriptions with their event patterns: what enqueue matches an event against. */
export async function listEnabledPatterns(q: Queryable): Promise<{ id: string; events: string }[]> {
  return q.selectFrom('webhook_subscriptions').select(['id', 'events']).where('enabled', '=', 1).execute();
}

export async function updateSubscription(q: Queryable, id: string, set: Partial<Omit<WebhookSubscriptionRow, 'id'>>): Promise<void> {
  await q.updateTable('webhook_subscriptions').set(set).where('id', '=', id).execute();
}

export async function deleteSubscription(q: Queryable, id: string): Promise<boolean> {
  const r = await q.deleteFrom('webhook_subscriptions').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function insertDeliveries(q: Queryable, rows: Omit<WebhookDeliveryRow, 'seq'>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await q.insertInto('webhook_deliveries').values(rows.slice(i, i + 200)).execute();
}

export async function getDelivery(q: Queryable, subscriptionId: string, id: string): Promise<DeliveryRow | undefined> {
  const row = await q.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).where('subscription_id', '=', subscriptionId).executeTakeFirst();
  return row ? { ...row, seq: Number(row.seq) } : undefined;
}

/** A subscription's deliveries, newest first, keyset-paged on seq. */
export async function listDeliveries(q: Queryable, subscriptionId: string, opts: { status?: string; beforeSeq?: number; limit: number }): Promise<DeliveryRow[]> {
  let query = q.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId);
  if (opts.status) query = query.where('status', '=', opts.status);
  if (opts.beforeSeq !== undefined) query = query.where('seq', '<', opts.beforeSeq);
  const rows = await query.orderBy('seq', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

export async function listAttempts(q: Queryable, deliveryIds: readonly string[]): Promise<WebhookAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return q.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('delivery_id').orderBy('attempt', 'asc').execute();
}

/** Claims up to `limit` due deliveries of enabled subscriptions until `leaseUntil` (see the design note above). */
export async function claimDue(q: Queryable, dialect: DialectName, opts: { now: string; leaseUntil: string; token: string; limit: number }): Promise<DeliveryRow[]> {
  let due = q
    .selectFrom('webhook_deliveries')
    .select('webhook_deliveries.id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', opts.now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', opts.now)]))
    .where('subscription_id', 'in', (eb) => eb.selectFrom('webhook_subscriptions').select('webhook_subscriptions.id').where('enabled', '=', 1))
    .orderBy('next_attempt_at', 'asc')
    .limit(opts.limit);
  // A read first: the worker asks several times a second, and an idle installation should not
  // pay a write (on SQLite, a WAL sync) each time to learn that nothing is due.
  if ((await due.executeTakeFirst()) === undefined) return [];
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await q
    .updateTable('webhook_deliveries')
    .set({ claimed_until: opts.leaseUntil, claim_token: opts.token })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Gives a claim back without an attempt (the worker stopping): the row is due again at once. */
export async function releaseClaim(q: Queryable, id: string, token: string): Promise<void> {
  await q.updateTable('webhook_deliveries').set({ claimed_until: null, claim_token: null }).where('id', '=', id).where('claim_token', '=', token).execute();
}

/** Records an attempt's outcome if the claim is still ours; false when it is not (nothing written). */
export async function recordAttempt(
  q: Queryable,
  delivery: { id: string; token: string },
  set: Pick<WebhookDeliveryRow, 'status' | 'attempts' | 'next_attempt_at' | 'last_attempt_at' | 'last_status_code' | 'last_error' | 'delivered_at'>,
  attempt: WebhookAttemptRow,
): Promise<boolean> {
  const r = await q
    .updateTable('webhook_deliveries')
    .set({ ...set, claimed_until: null, claim_token: null })
    .where('id', '=', delivery.id)
    .where('claim_token', '=', delivery.token)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await q.insertInto('webhook_attempts').values(attempt).execute();
  return true;
}
