/**
 * Kysely's driver for the embedded SQLite database (better-sqlite3), with what the stock driver
 * lacks on a request path: a prepared-statement cache, group commit, and durability that does
 * not stop the event loop.
 *
 * Design note — durable commits off the event loop. better-sqlite3 is synchronous: with
 * `synchronous = FULL` every COMMIT waited for an fsync of the write-ahead log on the event
 * loop — milliseconds during which no request moved — which capped one-transaction-per-request
 * writers (registration, scans' audit events) at a few hundred per second. Instead the database
 * runs with `synchronous = NORMAL` (a COMMIT appends to the WAL without syncing; SQLite still
 * syncs around checkpoints) and this driver syncs the WAL itself, in libuv's thread pool, after
 * each commit and before telling anyone: every caller's commit resolves only once the WAL that
 * holds it is on stable storage, exactly what FULL guaranteed. Syncs are shared: commits made
 * while one is in flight wait for the next, so there is at most one in flight and one queued.
 * Reads can see a committed transaction a few milliseconds before it is durable; after a power
 * loss in that window it is gone, and its writer was never told it succeeded.
 *
 * Design note — group commit. Transactions that queue for the connection, or start in the same
 * turn of the event loop, share one SQLite transaction and one WAL sync:
 * - each caller's transaction (a "unit") runs alone, in order, inside a SAVEPOINT of the shared
 *   transaction, so units never interleave and each sees exactly what a serial run would;
 * - a unit that throws is rolled back to its savepoint, leaving the others untouched;
 * - when a unit ends, the connection passes to the next waiter; the batch commits when nobody
 *   waits at the end of that turn of the event loop, or when it is full or old. A lone
 *   transaction therefore commits at once, and the batch grows only with the queue;
 * - if the COMMIT fails, or SQLite abandons the transaction (disk full, I/O error), every unit of
 *   the batch fails — none of them was acknowledged, so nothing acknowledged is lost;
 * - a plain statement (outside any transaction) commits an open batch first, so reads never see
 *   uncommitted writes, and a plain write is acknowledged after its own sync like a unit.
 * Deferred constraints would let one unit's violation fail its batch-mates at COMMIT; Trellis
 * declares none (foreign keys are immediate).
 */
import { open, type FileHandle } from 'node:fs/promises';
import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** Distinct statements kept prepared; a request path uses a few dozen. */
const STATEMENT_CACHE_SIZE = 500;
/** A batch stops taking units after this many, or this long after it began, so early units are not held. */
const MAX_BATCH_UNITS = 256;
const MAX_BATCH_MS = 50;

/** What the driver has done, for tests and benchmarks. */
export interface SqliteDriverStats {
  /** SQL statements compiled by SQLite (cache misses). */
  prepared: number;
  /** Units (callers' transactions) committed. */
  units: number;
  /** Real COMMITs: `units / commits` is the mean batch size. */
  commits: number;
  /** fsyncs of the write-ahead log; several commits can share one. */
  syncs: number;
}

/** A lock whose waiters are served in order, and which says how many wait. */
class FifoLock {
  held = false;
  private readonly queue: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  get waiting(): number {
    return this.queue.length;
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}

/** Prepared statements by SQL text, least recently used dropped first. */
class StatementCache {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly conn: BetterSqlite3.Database,
    private readonly stats: SqliteDriverStats,
  ) {}

  get(sql: string): BetterSqlite3.Statement {
    const cached = this.statements.get(sql);
    // A statement still being iterated cannot run again: give that caller a fresh one.
    if (cached && !cached.busy) {
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const stmt = this.conn.prepare(sql);
    this.stats.prepared++;
    if (!cached) {
      this.statements.set(sql, stmt);
      if (this.statements.size > STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    return stmt;
  }
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

const quoteName = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * One hold of the connection, from acquire to release (Kysely hands the same object back to
 * begin, commit, rollback and release). `released` is set when a unit handed the connection to
 * the next waiter before its batch committed, so the later release does nothing.
 */
class Lease implements DatabaseConnection {
  inUnit = false;
  released = false;

  constructor(private readonly core: GroupCommitCore) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inUnit) return this.core.execute<R>(compiled);
    // A statement on its own commits on its own: a write (RETURNING or not) is acknowledged
    // once durable, like a unit.
    this.core.flush();
    const stmt = this.core.statement(compiled.sql);
    const result = this.core.run<R>(stmt, compiled);
    if (!stmt.readonly) await this.core.durable();
    return result;
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('the SQLite driver streams only select queries');
    if (!this.inUnit) this.core.flush();
    for (const row of this.core.statement(compiled.sql).iterate(compiled.parameters as unknown[])) yield { rows: [row as R] };
  }
}

/** Flushes the write-ahead log to stable storage; resolves when it is there. */
export type WalSync = () => Promise<void>;

/** fsync of the WAL file, in libuv's thread pool. Opened per call: SQLite may replace the file. */
export function fsyncFile(path: string): WalSync {
  return async () => {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      // No WAL file: nothing was written since the last checkpoint removed it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
}

/** The shared connection, its statement cache, the open batch and the WAL syncs. */
class GroupCommitCore {
  readonly lock = new FifoLock();
  readonly stats: SqliteDriverStats = { prepared: 0, units: 0, commits: 0, syncs: 0 };
  private readonly cache: StatementCache;
  private batch: { waiters: Waiter[]; started: number; commitScheduled: boolean } | undefined;
  /** The WAL sync in flight, and the one queued to start after it (for commits made meanwhile). */
  private syncing: Promise<void> | undefined;
  private nextSync: Promise<void> | undefined;

  constructor(
    readonly conn: BetterSqlite3.Database,
    private readonly syncWal: WalSync | undefined,
  ) {
    this.cache = new StatementCache(conn, this.stats);
  }

  statement(sql: string): BetterSqlite3.Statement {
    return this.cache.get(sql);
  }

  execute<R>(compiled: CompiledQuery): QueryResult<R> {
    return this.run(this.cache.get(compiled.sql), compiled);
  }

  run<R>(stmt: BetterSqlite3.Statement, compiled: CompiledQuery): QueryResult<R> {
    const params = compiled.parameters as unknown[];
    if (stmt.reader) return { rows: stmt.all(params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  /**
   * Resolves once everything committed so far is on stable storage: by a WAL sync that starts
   * after this call (one in flight may have started before the commit it is asked for).
   */
  durable(): Promise<void> {
    if (!this.syncWal) return Promise.resolve();
    if (!this.syncing) {
      this.stats.syncs++;
      const current: Promise<void> = this.syncWal().finally(() => {
        if (this.syncing === current) this.syncing = undefined;
      });
      this.syncing = current;
      return current;
    }
    this.nextSync ??= this.syncing.then(
      () => this.startQueuedSync(),
      () => this.startQueuedSync(),
    );
    return this.nextSync;
  }

  private startQueuedSync(): Promise<void> {
    this.nextSync = undefined;
    return this.durable();
  }

  beginUnit(): void {
    if (!this.batch) {
      // Immediate: the write lock from the start, so a transaction that reads and then writes
      // never finds that another connection (the audit writer's thread, a CLI command) wrote
      // in between — a deferred one would fail with SQLITE_BUSY_SNAPSHOT there, retry or not.
      this.conn.exec('begin immediate');
      this.batch = { waiters: [], started: Date.now(), commitScheduled: false };
    }
    this.conn.exec('savepoint trellis_unit');
  }

  /**
   * The unit succeeded: keep its work. Resolves when it is durable — after its batch commits
   * and the WAL is synced. The batch commits at once when full; otherwise when the units queued
   * behind this one are done and this turn of the event loop ends: better-sqlite3 runs a whole
   * unit without yielding to I/O, so requests that arrived meanwhile start their units only then.
   */
  endUnit(): Promise<void> {
    const batch = this.batch!;
    this.conn.exec('release savepoint trellis_unit');
    const mine = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.waiters.length >= MAX_BATCH_UNITS || Date.now() - batch.started >= MAX_BATCH_MS) {
      this.commit();
      return mine;
    }
    if (!batch.commitScheduled) {
      batch.commitScheduled = true;
      setImmediate(() => {
        batch.commitScheduled = false;
        // A unit holding the connection belongs to this batch and commits it when it ends.
        if (this.batch === batch && !this.lock.held) this.commit();
      });
    }
    return mine;
  }

  /** The unit failed: undo its work only — unless SQLite already abandoned the whole batch. */
  abortUnit(): void {
    if (!this.batch) return;
    if (!this.conn.inTransaction) {
      this.failBatch(new Error('SQLite rolled back the transaction'));
      return;
    }
    this.conn.exec('rollback to savepoint trellis_unit');
    this.conn.exec('release savepoint trellis_unit');
  }

  /** Commit the open batch, if any (before a plain query runs, or when the connection goes idle). */
  flush(): void {
    if (this.batch) this.commit();
  }

  /**
   * Never throws: a failed COMMIT reaches every unit of the batch through its waiter, and
   * whoever triggered it (a plain query, a release, the end-of-turn timer) goes on with a
   * connection that is usable again.
   */
  private commit(): void {
    const batch = this.batch!;
    try {
      this.conn.exec('commit');
    } catch (err) {
      this.failBatch(err);
      return;
    }
    this.batch = undefined;
    this.stats.commits++;
    this.stats.units += batch.waiters.length;
    this.durable().then(
      () => {
        for (const w of batch.waiters) w.resolve();
      },
      (err: unknown) => {
        // Committed, but not known to be durable: nobody may be told it was written.
        for (const w of batch.waiters) w.reject(err);
      },
    );
  }

  private failBatch(err: unknown): void {
    const batch = this.batch!;
    this.batch = undefined;
    if (this.conn.inTransaction) this.conn.exec('rollback');
    for (const w of batch.waiters) w.reject(err);
  }
}

class GroupCommitSqliteDriver implements Driver {
  constructor(private readonly core: GroupCommitCore) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.core.lock.acquire();
    return new Lease(this.core);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.core.beginUnit();
    (connection as Lease).inUnit = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (!lease.inUnit) return;
    lease.inUnit = false;
    const durable = this.core.endUnit();
    // Hand the connection on now; this caller is acknowledged when its batch is durable.
    lease.released = true;
    this.core.lock.release();
    await durable;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // After a failed batch commit Kysely rolls back too: the unit is already over.
    if (!lease.inUnit) return;
    lease.inUnit = false;
    this.core.abortUnit();
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteName(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteName(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteName(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.released) return;
    lease.released = true;
    // Nobody left to join the batch: commit it before the connection goes idle.
    if (this.core.lock.waiting === 0) this.core.flush();
    this.core.lock.release();
  }

  async destroy(): Promise<void> {
    this.core.flush();
    // Let the last commits' sync finish before the file closes (close checkpoints and removes the WAL).
    await this.core.durable().catch(() => undefined);
    this.core.conn.close();
  }
}

/** The Kysely dialect over one better-sqlite3 connection; `stats` counts its work. */
/**
 * SQLite runs DDL inside transactions; Kysely's adapter says it does not, so its migrator ran
 * each migration on its own, and every CREATE TABLE and CREATE INDEX was a commit that waits
 * for a WAL sync: a first start with ten modules' tables spent about half a second waiting on
 * the disk. Saying so makes the migrator run all pending migrations in one transaction: one
 * sync, and a start that fails half way leaves no half-made schema behind.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class GroupCommitSqliteDialect implements Dialect {
  private readonly core: GroupCommitCore;

  /** `syncWal` makes commits durable (see the design note); without it (in memory) they are acknowledged at once. */
  constructor(conn: BetterSqlite3.Database, syncWal?: WalSync) {
    this.core = new GroupCommitCore(conn, syncWal);
  }

  get stats(): SqliteDriverStats {
    return this.core.stats;
  }

  createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.core);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
