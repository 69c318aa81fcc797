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
 * - Events that record no change (`appendDetached`, `record`: gateway calls, scans, refusals)
 *   have no writer's transaction to stay short for. They are linked as they are written: on
 *   SQLite by the audit writer's thread (sqlite-writer.ts), on PostgreSQL in their own short
 *   transaction under the chain lock (`write`). The sealer never reads them back.
 * - Only the server's own rows are sealed: `append` gives each row its id (from the table's
 *   sequence) and a MAC over every column under a key derived from the master key
 *   (integrity.ts); the sealer checks it before chaining (a process's own rows by the MAC it
 *   wrote, the text kept until sealed: `OwnPending`). A row that fails — inserted or edited
 *   by plain SQL, or left pending by a version before MACs — is never chained: it is marked
 *   `quarantined_at` (so sweeps do not re-examine it) and the sealer records one
 *   `audit.tamper_detected` event naming its id, in the same transaction. Verification reports
 *   every row outside the chain, so a refused row keeps the trail "not ok" until someone
 *   removes it. Deleting pending rows or a suffix of the chain is not detected here: signed
 *   checkpoints (a later issue) close that.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Database, Queryable, Tx } from '../db/database.ts';
import { ephemeralKeyRing, type KeyRing } from '../keys/index.ts';
import { GENESIS_HASH, chainHash } from './chain.ts';
import { stampTrace, toOcsf, type AuditInput, type OcsfEvent } from './ocsf.ts';
import type { AuditEventRow } from './rows.ts';
import { PersonalData } from './retention/personal.ts';
import { MAC_VERSION, MAC_VERSION_V1, MAC_VERSION_V2, RowChecker, appendedRow, verifyRows, auditVerdict, eventColumns, pendingRowFault, type AuditVerifyResult, type RowProblem, type StoredRow } from './integrity.ts';
import { SqliteAuditWriter } from './sqlite-writer.ts';
import { rangeSourceOf, verifyInRanges, type RangeOptions } from './verify-ranges.ts';
import type { VerifyResult } from './chain.ts';
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
  /**
   * Export lines only: the event's personal values in clear (or `[shredded]`) by JSON pointer.
   * The event itself stays as stored (sealed values), so the line still verifies offline.
   */
  personal?: Record<string, unknown>;
}

/** An export line for a row whose content retention removed: it still links the chain. */
export interface PrunedRecord {
  seq: number;
  prev_hash: string;
  hash: string;
  pruned: { at: string; uid: string; time: string; class_uid: number };
}

/** The last line of an export when the trail has problems the chain alone cannot show. */
export interface ExportProblems {
  problems: RowProblem[];
  problem_count: number;
}

/** What the sealer records about a row it refused: the row's id and why, never its content. */
export function tamperEvent(id: number, fault: 'mac_missing' | 'mac_mismatch'): AuditInput {
  return {
    class: 'detection_finding',
    activity: 'create',
    action: 'audit.tamper_detected',
    actor: { type: 'system', id: 'system', name: 'trellis' },
    resources: [{ type: 'audit_event', id: String(id) }],
    outcome: 'failure',
    message: `audit row ${id} ${fault === 'mac_missing' ? 'has no MAC' : 'fails its MAC'}: it was written or changed without the installation's key and is kept out of the chain`,
    details: { row_id: id, reason: fault },
    // Found by the sealer, whose timer may run in the context of whichever request scheduled it.
    traceId: null,
  };
}

/**
 * Ids handed out by the table's sequence ahead of use, so a PostgreSQL append does not pay a
 * round trip for its id: nextval never gives an id twice (not even after a rollback), so ids
 * held here belong to this process alone. Unused ones become gaps, as rolled-back ones already
 * do; the id only orders rows waiting to be sealed.
 */
class IdPool {
  private ids: number[] = [];
  private filling: Promise<void> | undefined;

  async take(q: Queryable, n: number): Promise<number[]> {
    for (;;) {
      if (this.ids.length >= n) return this.ids.splice(0, n);
      if (this.filling) {
        // Another append is fetching through its own transaction; if that fails, fetch through ours.
        await this.filling.catch(() => undefined);
        continue;
      }
      this.filling = store.nextIds(q, Math.max(n, ID_BLOCK)).then((ids) => {
        this.ids.push(...ids);
      });
      try {
        await this.filling;
      } finally {
        this.filling = undefined;
      }
    }
  }
}

/**
 * The event text and MAC of each row this process appended and has not seen sealed yet
 * (PostgreSQL), so the sealer does not read its own rows back: reading every pending row whole
 * and checking its MAC again was most of what sealing cost the event loop, and sending the rows
 * much of what it cost the server. A row is taken only when its stored MAC is still the one
 * written, and nothing here is needed for correctness: a row not held (evicted, another
 * replica's, written before a restart) is read and checked as before. What the cache cannot see
 * is an edit of the stored event alone between commit and seal; the chain then covers the text
 * as written, and verification reports the row's hash as not matching what is stored.
 */
class OwnPending {
  private readonly rows = new Map<number, { event: string; mac: string; at: number }>();

  add(id: number, event: string, mac: string): void {
    if (this.rows.size >= OWN_PENDING_MAX) this.evict(Date.now());
    if (this.rows.size < OWN_PENDING_MAX) this.rows.set(id, { event, mac, at: Date.now() });
  }

  /** The row's event text if this process wrote it with this MAC; forgets it either way. */
  take(id: number, mac: string | null): string | undefined {
    const held = this.rows.get(id);
    if (held === undefined) return undefined;
    this.rows.delete(id);
    this.evict(Date.now());
    return held.mac === mac ? held.event : undefined;
  }

  /** Rows of transactions that rolled back are never sealed: drop what has waited too long. */
  private evict(now: number): void {
    for (const [id, row] of this.rows) {
      if (now - row.at < OWN_PENDING_TTL_MS) return;
      this.rows.delete(id);
    }
  }
}

const OWN_PENDING_MAX = 100_000;
const OWN_PENDING_TTL_MS = 60_000;

const ID_BLOCK = 64;
/**
 * Trails from this many events are verified by worker threads: starting them and their
 * connections costs tens of milliseconds, which a shorter trail's check does not.
 */
const RANGE_VERIFY_FROM = 20_000;
const SEAL_BATCH = 5000;
/**
 * How long committed events wait to be sealed together (PostgreSQL). A seal is a transaction of
 * its own with a commit to wait for and an update of each row it links; gathering 100 ms of
 * events rather than 10 took chained appends from 0.69 to 0.83 of plain inserts with one writer
 * and from 0.50 to 0.74 with eight (bench/audit). Nobody waits for it: readers seal first.
 */
const SEAL_DELAY_MS = 100;
/** Events `record` writes in one transaction at most. */
const RECORD_BATCH = 500;

export class AuditLog {
  private sealing: Promise<number> | undefined;
  private sealAgain = false;
  private sweep: NodeJS.Timeout | undefined;
  private sealTimer: NodeJS.Timeout | undefined;
  /** Seal inside the writer's transaction (single-writer databases). */
  private readonly inline: boolean;

  private readonly macKey: Buffer;
  /** Personal values sealed per person (retention/personal.ts): retention/service.ts shreds through it. */
  readonly personal: PersonalData;
  private readonly idPool = new IdPool();
  /** PostgreSQL: this process's rows waiting to be sealed (`OwnPending`). */
  private readonly ownPending = new OwnPending();
  private recordQueue: { input: AuditInput; resolve(e: AppendedEvent): void; reject(err: unknown): void }[] = [];
  private recordFlush: NodeJS.Immediate | undefined;
  /** Events handed to the trail since start, and events waiting in `record`'s batch (observability's metrics). */
  appended = 0;
  get queuedRecords(): number {
    return this.recordQueue.length;
  }
  /** SQLite on disk: events of no change are written by a thread of their own (sqlite-writer.ts). */
  private readonly detachedWriter: SqliteAuditWriter | undefined;

  /** When and how `verify` spreads its reading over worker threads (verify-ranges.ts); undefined: never. */
  private readonly rangeVerify: (RangeOptions & { minEvents: number }) | undefined;

  /**
   * `keys` must be the installation's (services.ts passes it): every replica checks the others' MACs.
   * `opts.rangeVerify`: from how many events `verify` reads with worker threads (tests lower
   * it), or false; by default from RANGE_VERIFY_FROM events, where workers can open the
   * database themselves (a SQLite file, a PostgreSQL URL).
   */
  constructor(
    private readonly database: Database,
    keys: KeyRing = ephemeralKeyRing(),
    opts: { rangeVerify?: (RangeOptions & { minEvents: number }) | false } = {},
  ) {
    // PostgreSQL too, since its workers read rows as arrays: 97–103k events/s against 76–79k
    // in this thread, on two cores shared with the server (bench/audit).
    this.rangeVerify = opts.rangeVerify === false ? undefined : (opts.rangeVerify ?? { minEvents: RANGE_VERIFY_FROM });
    this.inline = database.dialect === 'sqlite';
    this.macKey = keys.derive('audit.row-mac');
    this.personal = new PersonalData(database, keys);
    if (database.sqliteFile) this.detachedWriter = new SqliteAuditWriter({ file: database.sqliteFile, macKey: this.macKey, macVersion: MAC_VERSION, stateSql: store.sqliteAppendStateSql });
  }

  /** Record one event inside `tx`; it commits or rolls back with the change it records. */
  async append(tx: Tx, input: AuditInput): Promise<AppendedEvent> {
    const [first] = await this.appendMany(tx, [input]);
    return first!;
  }

  async appendMany(tx: Tx, inputs: AuditInput[]): Promise<AppendedEvent[]> {
    if (inputs.length === 0) return [];
    const events = await this.toEvents(inputs, tx);
    await this.write(tx, events);
    return events.map((e) => ({ uid: e.metadata.uid }));
  }

  /**
   * Record events that belong to no change of state (a gateway call, a scan), together, in
   * order, after everything already in the trail; resolves once they are durable. On SQLite
   * they are written off the event loop (sqlite-writer.ts); elsewhere in one transaction.
   */
  async appendDetached(inputs: AuditInput[]): Promise<AppendedEvent[]> {
    if (inputs.length === 0) return [];
    const events = await this.toEvents(inputs);
    await this.writeDetached(events);
    return events.map((e) => ({ uid: e.metadata.uid }));
  }

  /**
   * The OCSF events inputs become, each with its id and time: the one place an input turns into
   * the bytes the chain covers.
   */
  private async toEvents(inputs: AuditInput[], tx?: Queryable): Promise<OcsfEvent[]> {
    this.appended += inputs.length;
    const events = inputs.map((input) => toOcsf(input, { uid: randomUUID(), time: input.time ?? new Date() }));
    // Personal values are sealed before the event is hashed: shredding later changes no hashed byte.
    await this.personal.protect(inputs, events, tx);
    return events;
  }

  private async writeDetached(events: OcsfEvent[]): Promise<void> {
    if (this.detachedWriter) await this.detachedWriter.write(events.map(eventColumns));
    // PostgreSQL: linked in their own short transaction under the chain lock (design note on
    // `write`), so the sealer never reads these rows back.
    else await this.database.db.transaction().execute((tx) => this.write(tx, events, true));
  }

  /**
   * Insert events with their ids and MACs: linked at once on one writer, else pending (design
   * note). `linkNow` on PostgreSQL links them in this transaction under the chain lock, as the
   * sealer would: for a transaction that holds no change of state (a batch of gateway call
   * events) the lock is held only for the insert, and the sealer's second transaction — reading
   * each event back, checking its MAC, writing its link — was most of what an event cost the
   * event loop. A change's own transaction never does this: it would hold the lock through the
   * change and serialise every writer.
   */
  private async write(tx: Tx, events: OcsfEvent[], linkNow = this.inline): Promise<void> {
    let ids: number[];
    let head: { seq: number; hash: string } | undefined;
    if (this.inline) {
      // SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so the next id and the head read here are exact.
      const state = await store.sqliteAppendState(tx);
      ids = events.map((_e, i) => state.lastId + 1 + i);
      head = state.head;
    } else {
      if (linkNow) {
        await store.lockChain(tx, this.database.dialect);
        head = await store.chainHead(tx);
      }
      ids = await this.idPool.take(tx, events.length);
    }
    // Unlinked rows leave seq, prev_hash and hash unset: insertEvents binds them as null.
    const rows: Insertable<AuditEventRow>[] = events.map((event, i) => appendedRow(this.macKey, ids[i]!, event));
    if (linkNow) {
      let seq = head?.seq ?? 0;
      let prev = head?.hash ?? GENESIS_HASH;
      for (const row of rows) {
        const hash = chainHash(prev, row.event);
        Object.assign(row, { seq: ++seq, prev_hash: prev, hash });
        prev = hash;
      }
      await store.insertEvents(tx, this.database.dialect, rows);
    } else {
      await store.insertEvents(tx, this.database.dialect, rows);
      for (const row of rows) this.ownPending.add(row.id!, row.event, row.mac!);
      this.scheduleSeal();
    }
  }

  /**
   * Record an event on its own, outside any change (a scan, a reveal, a refused attempt).
   * Resolves once the event is committed. Events recorded in one turn of the event loop are
   * written together — one transaction, one id range, one insert — since under load every
   * request records one, and one transaction each costs more than the events themselves.
   */
  record(input: AuditInput): Promise<AppendedEvent> {
    return new Promise((resolve, reject) => {
      // The event's time is when it happened, not when its batch is written.
      this.recordQueue.push({ input: stampTrace({ ...input, time: input.time ?? new Date() }), resolve, reject });
      if (this.recordQueue.length >= RECORD_BATCH) void this.flushRecords();
      else this.recordFlush ??= setImmediate(() => void this.flushRecords());
    });
  }

  private async flushRecords(): Promise<void> {
    if (this.recordFlush) clearImmediate(this.recordFlush);
    this.recordFlush = undefined;
    const batch = this.recordQueue.splice(0);
    if (batch.length === 0) return;
    try {
      const events = await this.toEvents(batch.map((b) => b.input));
      await this.writeDetached(events);
      batch.forEach((b, i) => b.resolve({ uid: events[i]!.metadata.uid }));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
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
    const { rows: pending, head } = await store.pendingMacsAndHead(tx, SEAL_BATCH);
    if (pending.length === 0) return 0;
    // This process's own rows chain from the text it wrote; any other row (another replica's,
    // one whose MAC changed, one inserted by plain SQL) is read whole and must pass its MAC.
    const events = new Map<number, string>();
    const unknown: number[] = [];
    for (const p of pending) {
      const held = this.ownPending.take(p.id, p.mac);
      const event = p.touched ? undefined : held;
      if (event === undefined) unknown.push(p.id);
      else events.set(p.id, event);
    }
    const refused: { id: number; fault: 'mac_missing' | 'mac_mismatch' }[] = [];
    for (const row of unknown.length > 0 ? await store.stillUnchained(tx, unknown) : []) {
      const fault = pendingRowFault(this.macKey, row);
      if (fault) refused.push({ id: row.id, fault });
      else events.set(row.id, row.event);
    }
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS_HASH;
    const seals: store.Seal[] = [];
    for (const p of pending) {
      const event = events.get(p.id);
      if (event === undefined) continue;
      const hash = chainHash(prev, event);
      seals.push({ id: p.id, seq: ++seq, prevHash: prev, hash });
      prev = hash;
    }
    await store.writeSeals(tx, this.database.dialect, seals);
    if (refused.length > 0) {
      const now = new Date();
      await store.quarantine(tx, refused.map((r) => r.id), now.toISOString());
      await this.write(tx, refused.map((r) => toOcsf(tamperEvent(r.id, r.fault), { uid: randomUUID(), time: now })));
      // The tamper events are pending on PostgreSQL: run once more so this seal chains them.
      if (!this.inline) this.sealAgain = true;
    }
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
    await this.flushRecords();
    await this.seal().catch(() => undefined);
    await this.detachedWriter?.stop();
  }

  /**
   * Verify the trail: the chain (order, linkage, hashes), every sealed row's search columns
   * and MAC, and that no committed row is left outside the chain.
   */
  /** `onLink`: sees each sealed row's chain hash in order (the ledger checks them against its checkpoints). */
  async verify(opts: { fromSeq?: number; onLink?: (chainHash: string) => void } = {}): Promise<AuditVerifyResult> {
    await this.seal();
    let start: { prevHash?: string; seq?: number } = {};
    if (opts.fromSeq !== undefined && opts.fromSeq > 1) {
      const before = await store.listEvents(this.database.db, { after: opts.fromSeq - 2, limit: 1 });
      if (before[0]) start = { prevHash: before[0].hash, seq: opts.fromSeq };
    }
    const checker = new RowChecker(this.macKey);
    const chain = await this.verifySealed(checker, start, opts);
    for (const r of await this.unchainedAfterSeal()) checker.unchained(r);
    return auditVerdict(chain, checker.result());
  }

  /**
   * The sealed rows' part of `verify`. Long trails are read and checked by worker threads with
   * connections of their own (verify-ranges.ts), which gives the same verdicts; short ones, and
   * a database in memory that no other connection can open, in this thread.
   */
  private async verifySealed(checker: RowChecker, start: { prevHash?: string; seq?: number }, opts: { fromSeq?: number; onLink?: (chainHash: string) => void }): Promise<VerifyResult> {
    const ranges = this.rangeVerify;
    if (ranges && rangeSourceOf(this.database)) {
      const last = await store.lastSeq(this.database.db);
      const from = opts.fromSeq ?? 1;
      if (last !== undefined && last - from + 1 >= ranges.minEvents) {
        return verifyInRanges(this.database, { ...ranges, macKey: this.macKey, macVersion: MAC_VERSION, macVersionV2: MAC_VERSION_V2, macVersionV1: MAC_VERSION_V1, checker, start, lastSeq: last, ...(opts.fromSeq === undefined ? {} : { fromSeq: opts.fromSeq }), ...(opts.onLink ? { onLink: opts.onLink } : {}) });
      }
    }
    const sealed = store.streamSealedRows(this.database.db, { ...(opts.fromSeq === undefined ? {} : { fromSeq: opts.fromSeq }), ...(opts.onLink ? { onLink: opts.onLink } : {}) });
    return verifyRows(sealed, checker, { start });
  }

  /**
   * Rows outside the chain after a seal. A row another replica committed a moment ago can be
   * pending here without anything being wrong: seal once more, and count only rows seen twice.
   */
  private async unchainedAfterSeal(): Promise<StoredRow[]> {
    const first = await store.unchainedRows(this.database.db);
    if (first.every((r) => r.quarantined_at !== null)) return first;
    await this.seal();
    return store.stillUnchained(this.database.db, first.map((r) => r.id));
  }

  async list(filter: store.EventFilter, q: Queryable = this.database.db): Promise<AuditRecord[]> {
    await this.seal();
    const records = (await store.listEvents(q, { ...filter, content: true })).map(toRecord);
    const open = await this.personal.reveal(records.map((r) => r.event), q);
    return records.map((r, i) => ({ ...r, event: open[i]!.event }));
  }

  async head(): Promise<{ seq: number; hash: string }> {
    await this.seal();
    return (await store.chainHead(this.database.db)) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Sealed events after `seq`, in order, without sealing first: for followers that poll the
   * trail (SIEM sinks) and must not take the chain lock on every poll. Seqs commit in order, so
   * what this returns is always a gap-free continuation; pending events appear once their
   * writer or the sweep seals them, moments later.
   */
  async sealedAfter(seq: number, limit: number, opts: { reveal?: boolean } = {}): Promise<AuditRecord[]> {
    const records = (await store.listEvents(this.database.db, { after: seq, limit })).map(toRecord);
    if (!opts.reveal) return records;
    // `reveal`: personal values opened as `list` shows them (tombstones have none).
    const open = await this.personal.reveal(records.map((r) => r.event));
    return records.map((r, i) => ({ ...r, event: open[i]!.event }));
  }

  /**
   * Every event in order, as export records (JSONL lines for offline verification). When rows
   * are wrong or outside the chain, a last line lists them, so an offline check of the file
   * fails too.
   */
  async *export(opts: { fromSeq?: number } = {}): AsyncGenerator<AuditRecord | PrunedRecord | ExportProblems> {
    await this.seal();
    const checker = new RowChecker(this.macKey);
    for await (const row of store.streamSealedRows(this.database.db, opts.fromSeq === undefined ? {} : { fromSeq: opts.fromSeq })) {
      checker.sealed(row);
      if (row.pruned_at !== null) {
        yield { seq: row.seq, prev_hash: row.prev_hash ?? '', hash: row.hash ?? '', pruned: { at: row.pruned_at, uid: row.uid, time: row.time, class_uid: row.class_uid } };
        continue;
      }
      const rec = toRecord(row);
      const [open] = await this.personal.reveal([rec.event]);
      yield Object.keys(open!.personal).length > 0 ? { ...rec, personal: open!.personal } : rec;
    }
    for (const r of await this.unchainedAfterSeal()) checker.unchained(r);
    const rows = checker.result();
    if (rows.problemCount > 0) yield { problems: rows.problems, problem_count: rows.problemCount };
  }
}

export function toRecord(r: { seq: number; prev_hash: string | null; hash: string | null; event: string }): AuditRecord {
  return { seq: r.seq, prev_hash: r.prev_hash ?? '', hash: r.hash ?? '', event: JSON.parse(r.event) as OcsfEvent };
}
