/**
 * The audit log service: appends events to the hash chain inside the caller's transaction,
 * verifies the chain, searches and exports it.
 *
 * Design note — why appends are correct under concurrency: an append (1) takes the chain lock
 * (PostgreSQL advisory transaction lock; SQLite's single writer), (2) reads the head, (3)
 * inserts seq = head.seq + 1 with prev_hash = head.hash. The lock is held until the caller's
 * transaction commits or rolls back, so no two transactions can read the same head, and a
 * rolled-back change takes its audit event with it. The primary key on seq is a second line of
 * defence: a fork would violate it rather than be stored. Callers should append last in their
 * transaction, to hold the lock for as short a time as possible.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable, Tx } from '../db/database.ts';
import { canonicalJson } from './canonical.ts';
import { ChainVerifier, GENESIS_HASH, chainHash, type VerifyResult } from './chain.ts';
import { toOcsf, type AuditInput, type OcsfEvent } from './ocsf.ts';
import type { AuditEventRow } from './rows.ts';
import * as store from './store.ts';

export interface AppendedEvent {
  seq: number;
  hash: string;
  uid: string;
}

/** An event as the API returns it. */
export interface AuditRecord {
  seq: number;
  prev_hash: string;
  hash: string;
  event: OcsfEvent;
}

export class AuditLog {
  constructor(private readonly database: Database) {}

  /** Append one event inside `tx`; it commits or rolls back with the change it records. */
  async append(tx: Tx, input: AuditInput): Promise<AppendedEvent> {
    const [first] = await this.appendMany(tx, [input]);
    return first!;
  }

  async appendMany(tx: Tx, inputs: AuditInput[]): Promise<AppendedEvent[]> {
    if (inputs.length === 0) return [];
    await store.lockChain(tx, this.database.dialect);
    const head = await store.chainHead(tx);
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS_HASH;
    const rows: AuditEventRow[] = [];
    const out: AppendedEvent[] = [];
    for (const input of inputs) {
      seq++;
      const time = input.time ?? new Date();
      const uid = randomUUID();
      const event = toOcsf(input, { uid, sequence: seq, time });
      const text = canonicalJson(event);
      const hash = chainHash(prev, text);
      const first = input.resources?.[0];
      rows.push({
        seq,
        uid,
        time: time.toISOString(),
        class_uid: event.class_uid,
        action: input.action,
        actor_id: input.actor.id,
        resource_type: first?.type ?? null,
        resource_id: first?.id ?? null,
        outcome: input.outcome,
        event: text,
        prev_hash: prev,
        hash,
      });
      out.push({ seq, hash, uid });
      prev = hash;
    }
    await store.insertEvents(tx, rows);
    return out;
  }

  /** Record an event on its own (e.g. a failed attempt that changed nothing). */
  async record(input: AuditInput): Promise<AppendedEvent> {
    return this.database.db.transaction().execute((tx) => this.append(tx, input));
  }

  async verify(opts: { fromSeq?: number } = {}): Promise<VerifyResult> {
    let start: { prevHash?: string; seq?: number } = {};
    if (opts.fromSeq !== undefined && opts.fromSeq > 1) {
      const before = await store.listEvents(this.database.db, { after: opts.fromSeq - 2, limit: 1 });
      if (before[0]) start = { prevHash: before[0].hash, seq: opts.fromSeq };
    }
    const verifier = new ChainVerifier(start);
    for await (const link of store.streamLinks(this.database.db, opts.fromSeq === undefined ? {} : { fromSeq: opts.fromSeq })) {
      if (!verifier.push(link)) break;
    }
    return verifier.result();
  }

  async list(filter: store.EventFilter, q: Queryable = this.database.db): Promise<AuditRecord[]> {
    const rows = await store.listEvents(q, filter);
    return rows.map(toRecord);
  }

  async head(): Promise<{ seq: number; hash: string }> {
    return (await store.chainHead(this.database.db)) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Every event in order, as export records (JSONL lines for offline verification). */
  async *export(opts: { fromSeq?: number } = {}): AsyncGenerator<AuditRecord> {
    for await (const link of store.streamLinks(this.database.db, opts.fromSeq === undefined ? {} : { fromSeq: opts.fromSeq })) {
      yield { seq: link.seq, prev_hash: link.prevHash, hash: link.hash, event: JSON.parse(link.event) as OcsfEvent };
    }
  }
}

export function toRecord(r: AuditEventRow): AuditRecord {
  return { seq: r.seq, prev_hash: r.prev_hash, hash: r.hash, event: JSON.parse(r.event) as OcsfEvent };
}
