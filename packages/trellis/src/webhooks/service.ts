/**
 * The webhooks service: subscriptions (each change audited in its transaction, the signing
 * secret encrypted at rest and shown only when created or rotated), the outbox other modules
 * write to inside their own transactions (`enqueue`), and the worker that delivers what is due,
 * signs it (signing.ts), retries failures with exponential backoff and jitter, and disables a
 * subscription that keeps failing for a long time.
 *
 * Design note — why the outbox: an event is announced if and only if the change it announces
 * committed, because the delivery rows are written by the same transaction as the change. The
 * worker reads them after commit and sends them at least once (a receiver deduplicates by
 * `webhook-id`, the event id, the same on every attempt). A nudge after enqueue in this process
 * starts the worker early; it polls anyway, which is how it sees other replicas' events and rows
 * whose retry time has come. Claims are leases (store.ts), so replicas share the work safely.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Database, Tx } from '../db/database.ts';
import type { AuditLog, Actor, AuditInput } from '../audit/index.ts';
import { systemActor } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import type { KeyRing } from '../module.ts';
import { checkUrlForm, resolveTarget, type AddressPolicy } from './address-policy.ts';
import { webhookErrors } from './errors.ts';
import type { WebhookAttemptRow, WebhookSubscriptionRow } from './rows.ts';
import {
  eventTypePattern,
  type CreateSubscription,
  type Delivery,
  type DeliveryList,
  type DeliveryListQuery,
  type DeliveryStatus,
  type Subscription,
  type SubscriptionWithSecret,
  type UpdateSubscription,
  type WebhookEvent,
} from './schema.ts';
import { attemptDelivery, userAgent } from './sender.ts';
import { decryptSecret, encryptSecret } from './secrets.ts';
import { newSigningSecret, signatureHeader } from './signing.ts';
import * as store from './store.ts';

/** Who is acting, and from where (for the audit event). */
export interface Caller {
  actor: Actor;
  srcIp?: string;
}

export interface WebhookServiceOptions {
  /** Allow http: and loopback/private targets (TRELLIS_WEBHOOK_ALLOW_PRIVATE). Default false. */
  allowPrivate?: boolean;
  /**
   * Delay before each retry, in ms: the first failure waits [0], the second [1], and so on; the
   * number of attempts is this length + 1. Default 5 s, 30 s, 2 min, 10 min, 1 h, 3 h, 6 h
   * (8 attempts over about 10 hours).
   */
  retryDelaysMs?: readonly number[];
  /** Each delay is varied by up to ± this fraction, so retries of many deliveries spread out. Default 0.1. */
  jitter?: number;
  /** Limit on one attempt, DNS to response status. Default 10 s. */
  attemptTimeoutMs?: number;
  /** How often the worker looks for due deliveries. Default 250 ms. */
  pollIntervalMs?: number;
  /** Deliveries claimed and sent at once. Default 10. */
  batchSize?: number;
  /** How long a claim holds: longer than an attempt can take. Default 60 s. */
  leaseMs?: number;
  /** How long the previous secret keeps signing after a rotation. Default 24 h. */
  secretOverlapMs?: number;
  /** A subscription is disabled when its failures since the last success number at least this… Default 20. */
  disableAfterFailures?: number;
  /** …and began at least this long ago. Default 5 days. */
  disableAfterMs?: number;
  /** DNS resolution (tests). */
  lookup?: AddressPolicy['lookup'];
  /** The clock (tests). */
  now?: () => Date;
  /** Where the worker reports an unexpected error (a database outage); default standard error. */
  logError?: (message: string) => void;
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
export const defaultRetryDelaysMs = [5 * second, 30 * second, 2 * minute, 10 * minute, hour, 3 * hour, 6 * hour] as const;
/** Subscriptions an installation may have: enqueue matches every event against all of them. */
export const maxSubscriptions = 100;
/** Largest request body an event may make. */
export const maxBodyBytes = 256 * 1024;
const defaultPageSize = 50;

function newId(prefix: string): string {
  return prefix + randomBytes(10).toString('hex');
}

/** Whether an event type matches a subscription's pattern: exact, `prefix.*`, or `*`. */
export function eventMatches(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

/** Where a URL points, without its path and query (which may carry a receiver's token): for audit events. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid)';
  }
}

function notFound(id: string): AppError {
  return new AppError('not_found', `webhook subscription ${id} not found`);
}

function toSubscription(r: WebhookSubscriptionRow, now: string): Subscription {
  const overlap = r.previous_secret_expires_at !== null && r.previous_secret_expires_at > now ? r.previous_secret_expires_at : null;
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    description: r.description,
    enabled: r.enabled === 1,
    disabled_reason: r.enabled === 1 ? null : r.disabled_reason === 'failing' ? 'failing' : 'manual',
    previous_secret_expires_at: overlap,
    consecutive_failures: r.consecutive_failures,
    failing_since: r.failing_since,
    created_at: r.created_at,
    created_by: r.created_by,
    updated_at: r.updated_at,
    updated_by: r.updated_by,
  };
}

function toDelivery(r: store.DeliveryRow, attempts: readonly WebhookAttemptRow[]): Delivery {
  return {
    id: r.id,
    subscription_id: r.subscription_id,
    event_id: r.event_id,
    event_type: r.event_type,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    next_attempt_at: r.next_attempt_at,
    last_attempt_at: r.last_attempt_at,
    last_status_code: r.last_status_code,
    last_error: r.last_error,
    delivered_at: r.delivered_at,
    redelivery_of: r.redelivery_of,
    created_at: r.created_at,
    attempt_log: attempts.map((a) => ({ attempt: a.attempt, attempted_at: a.attempted_at, status_code: a.status_code, error: a.error, duration_ms: a.duration_ms, response_excerpt: a.response_excerpt })),
  };
}

export class WebhookService {
  /** The 'webhooks.secret' purpose key: encrypts signing secrets at rest. */
  private readonly secretKey: Buffer;
  private readonly policy: AddressPolicy;
  private readonly retryDelaysMs: readonly number[];
  private readonly jitter: number;
  private readonly attemptTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly secretOverlapMs: number;
  private readonly disableAfterFailures: number;
  private readonly disableAfterMs: number;
  private readonly now: () => Date;
  private readonly logError: (message: string) => void;

  // Worker state.
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private tickInFlight: Promise<void> | undefined;
  private tickAgain = false;
  private stopSignal = WebhookService.stopController();

  /** Every attempt in flight listens to it, a batch at a time and more in tests: no listener limit. */
  private static stopController(): AbortController {
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    return c;
  }

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    keys: KeyRing,
    opts: WebhookServiceOptions = {},
  ) {
    this.secretKey = keys.derive('webhooks.secret');
    this.policy = { allowPrivate: opts.allowPrivate ?? false, ...(opts.lookup ? { lookup: opts.lookup } : {}) };
    this.retryDelaysMs = opts.retryDelaysMs ?? defaultRetryDelaysMs;
    this.jitter = opts.jitter ?? 0.1;
    this.attemptTimeoutMs = opts.attemptTimeoutMs ?? 10 * second;
    this.pollIntervalMs = opts.pollIntervalMs ?? 250;
    this.batchSize = opts.batchSize ?? 10;
    this.leaseMs = opts.leaseMs ?? minute;
    this.secretOverlapMs = opts.secretOverlapMs ?? 24 * hour;
    this.disableAfterFailures = opts.disableAfterFailures ?? 20;
    this.disableAfterMs = opts.disableAfterMs ?? 5 * 24 * hour;
    this.now = opts.now ?? (() => new Date());
    this.logError = opts.logError ?? ((m) => process.stderr.write(JSON.stringify({ level: 'error', module: 'webhooks', msg: m }) + '\n'));
  }

  /** Attempts a delivery gets before it is `failed`. */
  get maxAttempts(): number {
    return this.retryDelaysMs.length + 1;
  }

  private iso(offsetMs = 0): string {
    return new Date(this.now().getTime() + offsetMs).toISOString();
  }

  /** The URL refused with a 400 naming `url`, or accepted (form, then every resolved address). */
  private async checkUrl(raw: string): Promise<string> {
    const form = checkUrlForm(raw, this.policy);
    const refuse = (reason: string) => webhookErrors.error('webhook_url_refused', `url ${reason}`, { errors: [{ path: 'url', message: reason }] });
    if (!form.ok) throw refuse(form.reason);
    const resolved = await resolveTarget(form.url, this.policy);
    if (!resolved.ok) throw refuse(resolved.reason);
    return form.url.toString();
  }

  private auditEvent(caller: Caller, activity: AuditInput['activity'], action: string, sub: { id: string; url: string }, message: string, details: Record<string, unknown> = {}): AuditInput {
    return {
      class: 'api_activity',
      activity,
      action,
      actor: caller.actor,
      resources: [{ type: 'webhook', id: sub.id, name: originOf(sub.url) }],
      outcome: 'success',
      message,
      // The origin only: a receiver's URL path or query can hold its own token.
      details: { origin: originOf(sub.url), ...details },
      ...(caller.srcIp ? { srcIp: caller.srcIp } : {}),
    };
  }

  // ---- Subscriptions -------------------------------------------------------------------------

  /** Create a subscription; the answer carries its signing secret, the only time it is shown. */
  async create(caller: Caller, input: CreateSubscription): Promise<SubscriptionWithSecret> {
    const url = await this.checkUrl(input.url);
    const secret = newSigningSecret();
    const id = newId('wh_');
    const now = this.iso();
    const row: WebhookSubscriptionRow = {
      id,
      url,
      events: JSON.stringify([...new Set(input.events)]),
      description: input.description ?? null,
      enabled: 1,
      disabled_reason: null,
      secret_enc: encryptSecret(this.secretKey, id, secret),
      previous_secret_enc: null,
      previous_secret_expires_at: null,
      consecutive_failures: 0,
      failing_since: null,
      created_at: now,
      created_by: caller.actor.id,
      updated_at: now,
      updated_by: caller.actor.id,
    };
    await this.database.db.transaction().execute(async (tx) => {
      if ((await store.countSubscriptions(tx)) >= maxSubscriptions) {
        throw webhookErrors.error('webhook_limit_reached', `an installation can have at most ${maxSubscriptions} webhook subscriptions; delete one first`);
      }
      await store.insertSubscription(tx, row);
      await this.audit.append(tx, this.auditEvent(caller, 'create', 'webhook.create', row, `created webhook subscription ${id} to ${originOf(url)}`, { events: JSON.parse(row.events) as string[] }));
    });
    return { ...toSubscription(row, now), secret };
  }

  async list(): Promise<Subscription[]> {
    const now = this.iso();
    return (await store.listSubscriptions(this.database.db)).map((r) => toSubscription(r, now));
  }

  async get(id: string): Promise<Subscription> {
    const row = await store.getSubscription(this.database.db, id);
    if (!row) throw notFound(id);
    return toSubscription(row, this.iso());
  }

  /** Change the URL, events, description or enabled state; enabling clears the failure count. */
  async update(caller: Caller, id: string, patch: UpdateSubscription): Promise<Subscription> {
    const url = patch.url === undefined ? undefined : await this.checkUrl(patch.url);
    return this.database.db.transaction().execute(async (tx) => {
      const row = await store.lockSubscription(tx, this.database.dialect, id);
      if (!row) throw notFound(id);
      const now = this.iso();
      const set: Partial<WebhookSubscriptionRow> = { updated_at: now, updated_by: caller.actor.id };
      const changed: string[] = [];
      if (url !== undefined && url !== row.url) {
        set.url = url;
        changed.push('url');
      }
      const events = patch.events === undefined ? undefined : JSON.stringify([...new Set(patch.events)]);
      if (events !== undefined && events !== row.events) {
        set.events = events;
        changed.push('events');
      }
      if (patch.description !== undefined && patch.description !== row.description) {
        set.description = patch.description;
        changed.push('description');
      }
      if (patch.enabled !== undefined && patch.enabled !== (row.enabled === 1)) {
        changed.push('enabled');
        Object.assign(set, patch.enabled ? { enabled: 1, disabled_reason: null, consecutive_failures: 0, failing_since: null } : { enabled: 0, disabled_reason: 'manual' });
      }
      if (changed.length === 0) return toSubscription(row, now);
      await store.updateSubscription(tx, id, set);
      const after = { ...row, ...set };
      await this.audit.append(
        tx,
        this.auditEvent(caller, 'update', 'webhook.update', after, `updated webhook subscription ${id} (${changed.join(', ')})`, {
          changed,
          ...(set.url !== undefined ? { previous_origin: originOf(row.url) } : {}),
          ...(set.events !== undefined ? { events: JSON.parse(set.events) as string[] } : {}),
          ...(set.enabled !== undefined ? { enabled: set.enabled === 1 } : {}),
        }),
      );
      return toSubscription(after, now);
    });
  }

  /** Delete a subscription and its deliveries (pending ones are never sent). */
  async remove(caller: Caller, id: string): Promise<void> {
    await this.database.db.transaction().execute(async (tx) => {
      const row = await store.lockSubscription(tx, this.database.dialect, id);
      if (!row) throw notFound(id);
      await store.deleteSubscription(tx, id);
      await this.audit.append(tx, this.auditEvent(caller, 'delete', 'webhook.delete', row, `deleted webhook subscription ${id}`));
    });
  }

  /**
   * A new signing secret, shown once in the answer. The current one keeps signing beside it
   * (two signatures per message) until the overlap ends, so receivers can switch without
   * dropping messages; a second rotation within the overlap retires the oldest secret at once.
   */
  async rotateSecret(caller: Caller, id: string): Promise<SubscriptionWithSecret> {
    const secret = newSigningSecret();
    return this.database.db.transaction().execute(async (tx) => {
      const row = await store.lockSubscription(tx, this.database.dialect, id);
      if (!row) throw notFound(id);
      const now = this.iso();
      const set = {
        secret_enc: encryptSecret(this.secretKey, id, secret),
        previous_secret_enc: row.secret_enc,
        previous_secret_expires_at: this.iso(this.secretOverlapMs),
        updated_at: now,
        updated_by: caller.actor.id,
      };
      await store.updateSubscription(tx, id, set);
      await this.audit.append(tx, this.auditEvent(caller, 'update', 'webhook.rotate_secret', row, `rotated the signing secret of webhook subscription ${id}`, { previous_secret_expires_at: set.previous_secret_expires_at }));
      return { ...toSubscription({ ...row, ...set }, now), secret };
    });
  }

  // ---- Deliveries ----------------------------------------------------------------------------

  async listDeliveries(id: string, query: DeliveryListQuery = {}): Promise<DeliveryList> {
    const db = this.database.db;
    if (!(await store.getSubscription(db, id))) throw notFound(id);
    const limit = query.limit ?? defaultPageSize;
    const rows = await store.listDeliveries(db, id, { ...(query.status ? { status: query.status } : {}), ...(query.cursor ? { beforeSeq: Number(query.cursor) } : {}), limit: limit + 1 });
    const page = rows.slice(0, limit);
    const attempts = await store.listAttempts(db, page.map((r) => r.id));
    return {
      items: page.map((r) => toDelivery(r, attempts.filter((a) => a.delivery_id === r.id))),
      next_cursor: rows.length > limit ? String(page[page.length - 1]!.seq) : null,
    };
  }

  async getDelivery(id: string, deliveryId: string): Promise<Delivery> {
    const row = await store.getDelivery(this.database.db, id, deliveryId);
    if (!row) throw new AppError('not_found', `delivery ${deliveryId} of webhook subscription ${id} not found`);
    return toDelivery(row, await store.listAttempts(this.database.db, [row.id]));
  }

  /**
   * Send a delivered or failed delivery's event again, as a new delivery with a fresh set of
   * attempts; same event id and body, so receivers that saw it already can recognise it.
   */
  async redeliver(caller: Caller, id: string, deliveryId: string): Promise<Delivery> {
    const created = await this.database.db.transaction().execute(async (tx) => {
      const sub = await this.enabledSubscription(tx, id, 'redeliver');
      const original = await store.getDelivery(tx, id, deliveryId);
      if (!original) throw new AppError('not_found', `delivery ${deliveryId} of webhook subscription ${id} not found`);
      if (original.status === 'pending') throw new AppError('conflict', `delivery ${deliveryId} is still pending (next attempt ${original.next_attempt_at ?? 'now'}); redeliver it once it is delivered or failed`);
      const row = this.newDelivery(id, { event_id: original.event_id, event_type: original.event_type, body: original.body }, original.id);
      await store.insertDeliveries(tx, [row]);
      await this.audit.append(tx, this.auditEvent(caller, 'create', 'webhook.redeliver', sub, `redelivery ${row.id} of ${deliveryId} (${original.event_type}) to webhook subscription ${id}`, { delivery: row.id, redelivery_of: deliveryId, event_id: original.event_id }));
      return row;
    });
    this.nudge();
    return this.getDelivery(id, created.id);
  }

  /**
   * Send a `webhook.test` event to one subscription (whatever events it listens to) and make
   * the first attempt now, so the answer says how the receiver took it. Failures are retried
   * like any delivery.
   */
  async sendTest(caller: Caller, id: string): Promise<Delivery> {
    const created = await this.database.db.transaction().execute(async (tx) => {
      const sub = await this.enabledSubscription(tx, id, 'test');
      const event = this.eventBody({ type: 'webhook.test', data: { subscription_id: id, message: 'a test event from Trellis' } });
      // Written already claimed by this request, so no worker takes it between commit and the
      // attempt below: the answer always shows that first attempt.
      const row = { ...this.newDelivery(id, event), claimed_until: this.iso(this.leaseMs), claim_token: randomBytes(12).toString('hex') };
      await store.insertDeliveries(tx, [row]);
      await this.audit.append(tx, this.auditEvent(caller, 'create', 'webhook.test', sub, `sent a test event to webhook subscription ${id}`, { delivery: row.id, event_id: event.event_id }));
      return row;
    });
    await this.deliverClaimed([{ ...created, seq: 0 }]);
    return this.getDelivery(id, created.id);
  }

  private async enabledSubscription(tx: Tx, id: string, what: string): Promise<WebhookSubscriptionRow> {
    const sub = await store.lockSubscription(tx, this.database.dialect, id);
    if (!sub) throw notFound(id);
    if (sub.enabled !== 1) throw new AppError('conflict', `webhook subscription ${id} is disabled (${sub.disabled_reason ?? 'manual'}); enable it before you ${what}`);
    return sub;
  }

  // ---- Outbox --------------------------------------------------------------------------------

  private eventBody(event: WebhookEvent): { event_id: string; event_type: string; body: string } {
    if (!eventTypePattern.test(event.type) || event.type.length > 100) throw new TypeError(`webhook event type ${JSON.stringify(event.type)} is not a dotted lower-case name like review.opened`);
    const eventId = newId('evt_');
    const body = JSON.stringify({ id: eventId, type: event.type, timestamp: this.iso(), ...(event.subject !== undefined ? { subject: event.subject } : {}), data: event.data });
    if (Buffer.byteLength(body) > maxBodyBytes) throw new RangeError(`webhook event ${event.type} is ${Buffer.byteLength(body)} bytes as JSON; the limit is ${maxBodyBytes}`);
    return { event_id: eventId, event_type: event.type, body };
  }

  private newDelivery(subscriptionId: string, event: { event_id: string; event_type: string; body: string }, redeliveryOf: string | null = null) {
    const now = this.iso();
    return {
      id: newId('dlv_'),
      subscription_id: subscriptionId,
      ...event,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      claimed_until: null,
      claim_token: null,
      last_attempt_at: null,
      last_status_code: null,
      last_error: null,
      delivered_at: null,
      redelivery_of: redeliveryOf,
      created_at: now,
    };
  }

  /**
   * Announce an event to every enabled subscription listening to its type, inside the caller's
   * transaction: if that transaction rolls back, nothing is sent. One event id for all of them.
   * @example
   *   await db.transaction().execute(async (tx) => {
   *     … the change …
   *     await webhooks.enqueue(tx, { type: 'review.opened', subject: 'app:leave-requests', data: { app: 'leave-requests', review: 12 } });
   *   });
   */
  async enqueue(tx: Tx, event: WebhookEvent): Promise<void> {
    const body = this.eventBody(event);
    const subs = (await store.listEnabledPatterns(tx)).filter((s) => (JSON.parse(s.events) as string[]).some((p) => eventMatches(p, event.type)));
    if (subs.length === 0) return;
    await store.insertDeliveries(tx, subs.map((s) => this.newDelivery(s.id, body)));
    // The rows are visible once the caller commits; the worker looks shortly after, and polls anyway.
    this.nudge();
  }

  // ---- Delivery ------------------------------------------------------------------------------

  private claim(opts: { limit: number }): Promise<store.DeliveryRow[]> {
    return store.claimDue(this.database.db, this.database.dialect, { now: this.iso(), leaseUntil: this.iso(this.leaseMs), token: randomBytes(12).toString('hex'), ...opts });
  }

  /**
   * Attempts each claimed delivery. One that cannot be recorded (the database went away) keeps
   * its claim until the lease runs out and is then retried; the others are not held up by it.
   */
  private async deliverClaimed(rows: readonly store.DeliveryRow[]): Promise<void> {
    const results = await Promise.allSettled(rows.map((r) => this.attempt(r)));
    for (const [i, r] of results.entries()) {
      if (r.status === 'rejected') this.logError(`webhook delivery ${rows[i]!.id} could not be attempted: ${(r.reason as Error).message}`);
    }
  }

  /**
   * Deliver everything due now, batch after batch, until nothing due is left unclaimed.
   * Returns the number of attempts made. The worker calls it; tests await it instead of sleeping.
   */
  async deliverDue(): Promise<number> {
    let total = 0;
    for (;;) {
      // Stopped: what is left is claimed by the next start or another replica.
      if (this.stopSignal.signal.aborted) break;
      const rows = await this.claim({ limit: this.batchSize });
      if (rows.length === 0) break;
      await this.deliverClaimed(rows);
      total += rows.length;
    }
    return total;
  }

  /** deliverDue until no delivery is due any more (with a zero retry schedule, retries included). */
  async flush(): Promise<void> {
    while ((await this.deliverDue()) > 0) {
      // Another round: attempts just made may have scheduled retries that are due already.
    }
  }

  private retryDelay(attempts: number): number {
    const base = this.retryDelaysMs[Math.min(attempts - 1, this.retryDelaysMs.length - 1)] ?? 0;
    return Math.max(0, Math.round(base * (1 + (Math.random() * 2 - 1) * this.jitter)));
  }

  private async secretsOf(sub: WebhookSubscriptionRow, now: string): Promise<string[]> {
    const secrets = [decryptSecret(this.secretKey, sub.id, sub.secret_enc)];
    if (sub.previous_secret_enc !== null && sub.previous_secret_expires_at !== null && sub.previous_secret_expires_at > now) {
      secrets.push(decryptSecret(this.secretKey, sub.id, sub.previous_secret_enc));
    }
    return secrets;
  }

  /** One attempt of a claimed delivery, and its outcome recorded (if the claim is still ours). */
  private async attempt(d: store.DeliveryRow): Promise<void> {
    const token = d.claim_token!;
    const sub = await store.getSubscription(this.database.db, d.subscription_id);
    // Deleted meanwhile: its deliveries went with it.
    if (!sub) return;
    const attemptedAt = this.iso();
    const timestamp = Math.floor(this.now().getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': userAgent,
      'webhook-id': d.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(await this.secretsOf(sub, attemptedAt), d.event_id, timestamp, d.body),
    };
    const outcome = await attemptDelivery({ url: sub.url, body: d.body, headers, timeoutMs: this.attemptTimeoutMs, policy: this.policy, signal: this.stopSignal.signal });
    if (outcome.aborted) {
      // Stopping: not the receiver's failure. Give the claim back so another worker sends it now.
      await store.releaseClaim(this.database.db, d.id, token);
      return;
    }
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const attempts = d.attempts + 1;
    const finished = ok || attempts >= this.maxAttempts;
    const error = ok ? null : (outcome.error ?? `HTTP ${outcome.statusCode}${outcome.statusCode !== null && outcome.statusCode >= 300 && outcome.statusCode < 400 ? ' (redirects are not followed)' : ''}`);
    await this.database.db.transaction().execute(async (tx) => {
      // The subscription first, then the delivery: the order every transaction here takes them in
      // (a delete locks the subscription and then cascades to its deliveries), so no deadlock.
      const locked = await store.lockSubscription(tx, this.database.dialect, sub.id);
      if (!locked) return;
      const recorded = await store.recordAttempt(
        tx,
        { id: d.id, token },
        {
          status: ok ? 'delivered' : finished ? 'failed' : 'pending',
          attempts,
          next_attempt_at: finished ? null : this.iso(this.retryDelay(attempts)),
          last_attempt_at: attemptedAt,
          last_status_code: outcome.statusCode,
          last_error: error,
          delivered_at: ok ? this.iso() : null,
        },
        { delivery_id: d.id, attempt: attempts, attempted_at: attemptedAt, status_code: outcome.statusCode, error: outcome.error, duration_ms: outcome.durationMs, response_excerpt: outcome.responseExcerpt },
      );
      if (!recorded) return;
      if (ok) {
        if (locked.consecutive_failures > 0) await store.updateSubscription(tx, sub.id, { consecutive_failures: 0, failing_since: null });
      } else {
        await this.noteFailure(tx, locked);
      }
    });
  }

  /**
   * Counts a failed attempt against the subscription (locked by the caller), and disables it
   * when it has failed too long: too many attempts in a row, the first long enough ago.
   */
  private async noteFailure(tx: Tx, sub: WebhookSubscriptionRow): Promise<void> {
    const now = this.iso();
    const failures = sub.consecutive_failures + 1;
    const since = sub.failing_since ?? now;
    const disable = sub.enabled === 1 && failures >= this.disableAfterFailures && since <= this.iso(-this.disableAfterMs);
    await store.updateSubscription(tx, sub.id, { consecutive_failures: failures, failing_since: since, ...(disable ? { enabled: 0, disabled_reason: 'failing', updated_at: now, updated_by: systemActor.id } : {}) });
    if (!disable) return;
    await this.audit.append(
      tx,
      this.auditEvent({ actor: systemActor }, 'update', 'webhook.auto_disable', sub, `disabled webhook subscription ${sub.id}: ${failures} failed attempts since ${since}`, {
        consecutive_failures: failures,
        failing_since: since,
      }),
    );
  }

  // ---- Worker --------------------------------------------------------------------------------

  /** Start polling for due deliveries (module start). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopSignal = WebhookService.stopController();
    this.schedule(0);
  }

  /** Stop polling; attempts in flight are aborted and their claims given back (module stop). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.stopSignal.abort();
    await this.tickInFlight;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  /** Look soon: an event was just enqueued in this process. */
  private nudge(): void {
    if (!this.running) return;
    if (this.tickInFlight) this.tickAgain = true;
    // A few ms, so the enqueuing transaction has usually committed when the worker looks.
    else this.schedule(20);
  }

  private async tick(): Promise<void> {
    if (!this.running || this.tickInFlight) return;
    this.tickAgain = false;
    const run = this.deliverDue().then(
      () => undefined,
      (err: unknown) => this.logError(`webhook delivery round failed: ${(err as Error).message}`),
    );
    this.tickInFlight = run;
    await run;
    this.tickInFlight = undefined;
    if (this.running) this.schedule(this.tickAgain ? 20 : this.pollIntervalMs);
  }
}
