/**
 * The audit log service: records events in the caller's transaction, links them into the hash
 * chain (sealing), verifies the chain, searches and exports it.
 *
 * Design note — why the chain stays correct under concurrency, and why sealing is separate:
 * - `append(tx, …)` inserts the event in the caller's transaction, so a change and its event
 *   commit or roll back together. No acknowledged change is ever without its event.
 * - Sealing gives each committed event its chain position: under the chain lock (PostgreSQL
 *   advisory transaction lock; SQLite's single writer) it reads the head, takes unsealed events
 *   in insertion order, and writes seq = head + 1 …, prev_hash and hash. Only one sealer runs
 *   at a time in the whole cluster; the unique key on seq rejects a fork regardless.
 * - On SQLite there is one writer anyway, so `append` seals inside the caller's transaction.
 *   On PostgreSQL, sealing inside each writer's transaction would hold the lock through every
 *   commit and serialise all writers; instead committed events are sealed moments later in
 *   batches (after each append, and by a periodic sweep that also picks up events left by a
 *   replica that crashed between commit and seal). Readers (list, verify, export, head) seal
 *   first, so they always see every committed event in the chain.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Database, Queryable, Tx } from '../db/database.ts';
import { canonicalJson } from './canonical.ts';
import { GENESIS_HASH, chainHash, type VerifyResult } from './chain.ts';
import { verifyChainParallel } from './verify-parallel.ts';
import { toOcsf, type AuditInput, type OcsfEvent } from './ocsf.ts';
import type { AuditEventRow } from './rows.ts';
import * as store from './store.ts';

export interface AppendedEvent {
  uid: string;
}

/** An event as the API returns it. */
export interface AuditRecord {
  seq: number;
  prev_hash: string;
  hash: string;
  event: OcsfEvent;
}

const SEAL_BATCH = 5000;
const SEAL_DELAY_MS = 10;

export class AuditLog {
  private sealing: Promise<number> | undefined;
  private sealAgain = false;
  private sweep: NodeJS.Timeout | undefined;
  private sealTimer: NodeJS.Timeout | undefined;
  /** Seal inside the writer's transaction (single-writer databases). */
  private readonly inline: boolean;

  constructor(private readonly database: Database) {
    this.inline = database.dialect === 'sqlite';
  }

  /** Record one event inside `tx`; it commits or rolls back with the change it records. */
  async append(tx: Tx, input: AuditInput): Promise<AppendedEvent> {
    const [first] = await this.appendMany(tx, [input]);
    return first!;
  }

  async appendMany(tx: Tx, inputs: AuditInput[]): Promise<AppendedEvent[]> {
    // Rows start unsealed (seq, prev_hash, hash null); see the design note above.
    if (inputs.length === 0) return [];
    const rows: Insertable<AuditEventRow>[] = [];
    const out: AppendedEvent[] = [];
    for (const input of inputs) {
      const time = input.time ?? new Date();
      const uid = randomUUID();
      const event = toOcsf(input, { uid, time });
      const first = input.resources?.[0];
      rows.push({
        seq: null,
        uid,
        time: time.toISOString(),
        class_uid: event.class_uid,
        action: input.action,
        actor_id: input.actor.id,
        resource_type: first?.type ?? null,
        resource_id: first?.id ?? null,
        outcome: input.outcome,
        event: canonicalJson(event),
        prev_hash: null,
        hash: null,
      });
      out.push({ uid });
    }
    if (this.inline) {
      // One writer: link the new events as they are inserted (no pending step, no update).
      const head = await store.chainHead(tx);
      let seq = head?.seq ?? 0;
      let prev = head?.hash ?? GENESIS_HASH;
      for (const row of rows) {
        const hash = chainHash(prev, row.event);
        Object.assign(row, { seq: ++seq, prev_hash: prev, hash });
        prev = hash;
      }
      await store.insertEvents(tx, rows);
    } else {
      await store.insertEvents(tx, rows);
      this.scheduleSeal();
    }
    return out;
  }

  /** Record an event on its own (e.g. a failed attempt that changed nothing). */
  async record(input: AuditInput): Promise<AppendedEvent> {
    return this.database.db.transaction().execute((tx) => this.append(tx, input));
  }

  /** Link every committed, unsealed event into the chain. Returns how many were sealed. */
  async seal(): Promise<number> {
    if (this.sealing) {
      // A seal is running; it may have started before our events committed, so run once more after it.
      this.sealAgain = true;
      return this.sealing;
    }
    this.sealing = (async () => {
      let total = 0;
      try {
        do {
          this.sealAgain = false;
          for (;;) {
            const n = await this.database.db.transaction().execute((tx) => this.sealWithin(tx));
            total += n;
            if (n < SEAL_BATCH) break;
          }
        } while (this.sealAgain);
      } finally {
        this.sealing = undefined;
      }
      return total;
    })();
    return this.sealing;
  }

  private async sealWithin(tx: Tx): Promise<number> {
    await store.lockChain(tx, this.database.dialect);
    const pending = await store.pendingEvents(tx, SEAL_BATCH);
    if (pending.length === 0) return 0;
    const head = await store.chainHead(tx);
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS_HASH;
    const seals: store.Seal[] = [];
    for (const p of pending) {
      const hash = chainHash(prev, p.event);
      seals.push({ id: p.id, seq: ++seq, prevHash: prev, hash });
      prev = hash;
    }
    await store.writeSeals(tx, this.database.dialect, seals);
    return pending.length;
  }

  private scheduleSeal(): void {
    // Coalesce: appends arriving within a few milliseconds are sealed in one batch, so a
    // steady stream of single-event transactions does not pay a second commit per event.
    // Readers seal explicitly, so nobody observes the delay.
    if (this.sealTimer) return;
    this.sealTimer = setTimeout(() => {
      this.sealTimer = undefined;
      this.seal().catch(() => {
        // A failed seal leaves events pending; the next append or the sweep seals them.
      });
    }, SEAL_DELAY_MS);
  }

  /** Periodic sweep for events another replica committed but did not seal (crash, restart). */
  startSweeper(intervalMs = 1000): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => {
      this.seal().catch(() => undefined);
    }, intervalMs);
    this.sweep.unref();
  }

  async stop(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    if (this.sealTimer) clearTimeout(this.sealTimer);
    this.sweep = undefined;
    this.sealTimer = undefined;
    await this.seal().catch(() => undefined);
  }

  async pending(): Promise<number> {
    return store.countPending(this.database.db);
  }

  async verify(opts: { fromSeq?: number } = {}): Promise<VerifyResult> {
    await this.seal();
    let start: { prevHash?: string; seq?: number } = {};
    if (opts.fromSeq !== undefined && opts.fromSeq > 1) {
      const before = await store.listEvents(this.database.db, { after: opts.fromSeq - 2, limit: 1 });
      if (before[0]) start = { prevHash: before[0].hash, seq: opts.fromSeq };
    }
    return verifyChainParallel(store.streamLinks(this.database.db, opts.fromSeq === undefined ? {} : { fromSeq: opts.fromSeq }), { start });
  }

  async list(filter: store.EventFilter, q: Queryable = this.database.db): Promise<AuditRecord[]> {
    await this.seal();
    const rows = await store.listEvents(q, filter);
    return rows.map(toRecord);
  }

  async head(): Promise<{ seq: number; hash: string }> {
    await this.seal();
    return (await store.chainHead(this.database.db)) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Every event in order, as export records (JSONL lines for offline verification). */
  async *export(opts: { fromSeq?: number } = {}): AsyncGenerator<AuditRecord> {
    await this.seal();
    for await (const link of store.streamLinks(this.database.db, opts.fromSeq === undefined ? {} : { fromSeq: opts.fromSeq })) {
      yield { seq: link.seq, prev_hash: link.prevHash, hash: link.hash, event: JSON.parse(link.event) as OcsfEvent };
    }
  }
}

export function toRecord(r: store.SealedRow): AuditRecord {
  return { seq: r.seq, prev_hash: r.prev_hash, hash: r.hash, event: JSON.parse(r.event) as OcsfEvent };
}
