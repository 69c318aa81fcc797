/**
 * The delivery worker: follows the audit trail for every enabled sink and hands each sink's
 * events to its transport, at least once and in seq order.
 *
 * Design note — why nothing is lost and little is repeated:
 * - The audit table is the outbox. A sink's only delivery state is its cursor (the last seq
 *   handed over). The worker reads sealed events after the cursor, drops those the sink's filter
 *   does not take, hands the rest to the transport and, only once the receiver acknowledged
 *   them, moves the cursor in a transaction (with any dead letters). A crash or kill between the
 *   acknowledgement and that commit re-sends that one batch; receivers deduplicate by uid.
 * - One deliverer per sink across replicas: a replica delivers a sink only while it holds the
 *   sink's lease (a conditional UPDATE that takes the row when its lease is free, run out or
 *   already ours), renewed while it delivers. The cursor moves only under the lease and from the
 *   value it was read at, so a replica that lost its lease (paused for longer than the lease)
 *   can at worst repeat a batch, never skip one. Its in-flight delivery is aborted when a
 *   renewal fails.
 * - Transient failures back off exponentially with jitter (retry.ts) and are retried for ever;
 *   the cursor stays. A permanent refusal of a batch of several events is narrowed by halving
 *   the batch until the refused events are alone; they become dead letters and the cursor moves
 *   past them, so good events keep flowing.
 * - Sinks are independent: a receiver that hangs holds up only its own sink.
 * - Polling is cheap: a caught-up sink costs one indexed read per poll (250 ms); the lease is
 *   written only when there is something to deliver, so an idle replica writes nothing.
 */
import { setMaxListeners } from 'node:events';
import type { Database } from '../db/database.ts';
import type { AuditLog, OcsfEvent } from '../audit/index.ts';
import { sinkTakes } from './filter.ts';
import { backoffMs, type Backoff } from './retry.ts';
import type { SiemSinkRow } from './rows.ts';
import type { SinkFilter } from './schema.ts';
import * as store from './store.ts';
import { transportKind } from './transports.ts';
import { DeliveryError, type SinkEvent, type SinkTransport, type TransportDeps, type TransportKind } from './transport.ts';

export interface WorkerOptions {
  /** This replica's lease owner id. */
  owner: string;
  pollIntervalMs: number;
  leaseMs: number;
  backoff: Backoff;
  /** Events per batch when the sink's config does not say (`batchSize`). */
  batchSize: number;
  kinds: readonly TransportKind[];
  transportDeps: TransportDeps;
  logError: (message: string) => void;
}

/** What became of a batch: how far it got, what was dead-lettered, why it stopped if it did. */
interface BatchOutcome {
  delivered: number;
  dead: store.NewDeadLetter[];
  /** The first event not handled (transient failure or abort); undefined when all were handled. */
  stoppedAt?: number;
  error?: DeliveryError;
}

/**
 * Whether a sealed event still has its content. Retention prunes an old event to a tombstone that
 * keeps its place in the chain but says nothing: there is nothing to send, and the cursor moves on.
 */
export function hasContent(event: OcsfEvent): boolean {
  return (event as Partial<OcsfEvent>).metadata !== undefined;
}

/** Any failure as a DeliveryError: one a transport did not classify is taken as transient. */
export function asDeliveryError(err: unknown): DeliveryError {
  return err instanceof DeliveryError ? err : new DeliveryError((err as Error).message ?? String(err), false);
}

/** A sink's transport from its stored config; throws a transient DeliveryError when its kind is unknown. */
export function transportOf(row: Pick<SiemSinkRow, 'type' | 'config'>, kinds: readonly TransportKind[], deps: TransportDeps): SinkTransport {
  const kind = transportKind(row.type, kinds);
  if (!kind) throw new DeliveryError(`this server has no transport of type ${row.type}`, false);
  return kind.create(kind.configSchema.parse(JSON.parse(row.config)), deps);
}

/**
 * Hand `events` to the transport; on a permanent refusal of several events, halve the batch and
 * try each half, so only the events refused on their own become dead letters.
 */
export async function deliverBatch(transport: SinkTransport, events: SinkEvent[], signal: AbortSignal): Promise<BatchOutcome> {
  if (events.length === 0) return { delivered: 0, dead: [] };
  try {
    await transport.deliver(events, signal);
    return { delivered: events.length, dead: [] };
  } catch (err) {
    if (signal.aborted) return { delivered: 0, dead: [], stoppedAt: events[0]!.seq };
    const e = asDeliveryError(err);
    if (!e.permanent) return { delivered: 0, dead: [], stoppedAt: events[0]!.seq, error: e };
    if (events.length === 1) return { delivered: 0, dead: [{ seq: events[0]!.seq, uid: events[0]!.uid, error: e.message.slice(0, 500) }] };
    const mid = Math.ceil(events.length / 2);
    const first = await deliverBatch(transport, events.slice(0, mid), signal);
    if (first.stoppedAt !== undefined) return first;
    const second = await deliverBatch(transport, events.slice(mid), signal);
    return { ...second, delivered: first.delivered + second.delivered, dead: [...first.dead, ...second.dead] };
  }
}

export class DeliveryWorker {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private tickInFlight: Promise<void> | undefined;
  private stopper = new AbortController();
  /** Sinks being delivered by this replica now. */
  private readonly active = new Map<string, Promise<void>>();
  /** Open transports by sink id, with the config they were made from. */
  private readonly transports = new Map<string, { key: string; transport: SinkTransport }>();
  /** Sinks whose lease this replica took, to give back on stop. */
  private readonly leased = new Set<string>();

  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
    private readonly opts: WorkerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopper = new AbortController();
    // Every sink's delivery listens to it.
    setMaxListeners(0, this.stopper.signal);
    this.schedule(0);
  }

  /**
   * Stop: deliveries in flight are aborted (their batch is not acknowledged, so the cursor stays
   * and the batch goes again on the next start or another replica), leases are given back.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.stopper.abort(new Error('the SIEM worker is stopping'));
    await this.tickInFlight;
    await Promise.allSettled(this.active.values());
    for (const id of this.leased) await store.releaseLease(this.database.db, id, this.opts.owner).catch(() => undefined);
    this.leased.clear();
    for (const { transport } of this.transports.values()) await transport.close().catch(() => undefined);
    this.transports.clear();
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (!this.running || this.tickInFlight) return;
    this.tickInFlight = this.round().catch((err: unknown) => this.opts.logError(`SIEM delivery round failed: ${(err as Error).message}`));
    await this.tickInFlight;
    this.tickInFlight = undefined;
    if (this.running) this.schedule(this.opts.pollIntervalMs);
  }

  /** One look at every enabled sink: those due, not being delivered here and not leased elsewhere start a run. */
  private async round(): Promise<void> {
    const rows = await store.listSinks(this.database.db, { enabledOnly: true });
    const now = new Date().toISOString();
    for (const row of rows) {
      if (this.active.has(row.id)) continue;
      if (row.next_attempt_at !== null && row.next_attempt_at > now) continue;
      if (row.lease_owner !== null && row.lease_owner !== this.opts.owner && row.lease_until !== null && row.lease_until > now) continue;
      const run = this.runSink(row)
        .catch((err: unknown) => this.opts.logError(`SIEM sink ${row.name}: ${(err as Error).message}`))
        .finally(() => this.active.delete(row.id));
      this.active.set(row.id, run);
    }
    // Transports of sinks that were disabled or deleted.
    const enabled = new Set(rows.map((r) => r.id));
    for (const [id, t] of this.transports) {
      if (enabled.has(id) || this.active.has(id)) continue;
      this.transports.delete(id);
      await t.transport.close().catch(() => undefined);
    }
  }

  /** Run every due sink once and wait for those runs (tests; the timer does this in the server). */
  async runOnce(): Promise<void> {
    await this.round();
    await Promise.allSettled(this.active.values());
  }

  private async renew(id: string): Promise<boolean> {
    const now = Date.now();
    const ok = await store.takeLease(this.database.db, id, this.opts.owner, new Date(now).toISOString(), new Date(now + this.opts.leaseMs).toISOString());
    if (ok) this.leased.add(id);
    else this.leased.delete(id);
    return ok;
  }

  private transportFor(row: SiemSinkRow): SinkTransport {
    const key = `${row.type}\u0000${row.config}`;
    const held = this.transports.get(row.id);
    if (held?.key === key) return held.transport;
    if (held) void held.transport.close().catch(() => undefined);
    const transport = transportOf(row, this.opts.kinds, this.opts.transportDeps);
    this.transports.set(row.id, { key, transport });
    return transport;
  }

  /** Deliver one sink until it is caught up, fails, or the lease or the worker stops. */
  private async runSink(row: SiemSinkRow): Promise<void> {
    const config = JSON.parse(row.config) as { batchSize?: unknown };
    const batchSize = typeof config.batchSize === 'number' ? config.batchSize : this.opts.batchSize;
    const filter = JSON.parse(row.filter) as SinkFilter;
    const read = { reveal: filter.personal_data !== 'sealed' };
    // Caught up: nothing to write, not even the lease (an idle sink costs one read per poll).
    let records = await this.audit.sealedAfter(row.cursor_seq, batchSize, read);
    if (records.length === 0) return;
    if (!(await this.renew(row.id))) return;
    const lost = new AbortController();
    const signal = AbortSignal.any([this.stopper.signal, lost.signal]);
    const renewal = setInterval(() => {
      this.renew(row.id).then(
        (ok) => ok || lost.abort(new Error('the sink lease was lost')),
        () => lost.abort(new Error('the sink lease could not be renewed')),
      );
    }, Math.max(10, Math.floor(this.opts.leaseMs / 3)));
    renewal.unref();
    try {
      let cursor = row.cursor_seq;
      let attempts = row.attempts;
      let transport: SinkTransport;
      try {
        transport = this.transportFor(row);
      } catch (err) {
        await this.failed(row.id, attempts, asDeliveryError(err));
        return;
      }
      for (;;) {
        const taken = records.filter((r) => hasContent(r.event) && sinkTakes(filter, r.event)).map((r) => ({ seq: r.seq, uid: r.event.metadata.uid, event: r.event }));
        const outcome = await deliverBatch(transport, taken, signal);
        const to = outcome.stoppedAt !== undefined ? outcome.stoppedAt - 1 : records[records.length - 1]!.seq;
        if (to > cursor) {
          const at = new Date().toISOString();
          const moved = await this.database.db.transaction().execute(async (tx) => {
            if (!(await store.advanceCursor(tx, { id: row.id, owner: this.opts.owner, from: cursor, to, delivered: outcome.delivered, at }))) return false;
            await store.putDeadLetters(tx, row.id, outcome.dead, at);
            return true;
          });
          // Someone else delivers this sink now (or it was deleted): leave it to them.
          if (!moved) return;
          cursor = to;
          attempts = 0;
        }
        if (outcome.error) {
          await this.failed(row.id, attempts, outcome.error);
          return;
        }
        if (outcome.stoppedAt !== undefined || records.length < batchSize || signal.aborted) return;
        records = await this.audit.sealedAfter(cursor, batchSize, read);
        if (records.length === 0) return;
      }
    } finally {
      clearInterval(renewal);
    }
  }

  /** Count a failed attempt and set when the next may start (never sooner than Retry-After). */
  private async failed(id: string, attempts: number, err: DeliveryError): Promise<void> {
    const next = attempts + 1;
    const at = new Date(Date.now() + backoffMs(next, this.opts.backoff, err.retryAfterMs)).toISOString();
    await store.recordFailure(this.database.db, { id, owner: this.opts.owner, attempts: next, nextAttemptAt: at, error: err.message.slice(0, 500) });
  }
}
