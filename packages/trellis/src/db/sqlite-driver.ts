/**
 * Kysely's driver for the embedded SQLite database (better-sqlite3), with the two things the
 * stock driver lacks on a request path: a prepared-statement cache and group commit.
 *
 * Design note — group commit. SQLite has one writer and `synchronous = FULL`, so every commit
 * waits for an fsync of the write-ahead log: a few milliseconds on ordinary disks, which caps
 * one-transaction-per-request writers (registration, token creation) at a few hundred per
 * second however many clients there are. Here transactions that queue for the connection while
 * one runs share a single SQLite transaction and a single fsync:
 * - each caller's transaction (a "unit") runs alone, in order, inside a SAVEPOINT of the shared
 *   transaction, so units never interleave and each sees exactly what a serial run would;
 * - a unit that throws is rolled back to its savepoint, leaving the others untouched;
 * - when a unit ends and another is already waiting, the connection passes to it and the ended
 *   unit waits; when nobody waits (or the batch is full or old), the batch commits and every
 *   unit in it is acknowledged at once. A lone transaction therefore commits at once, with no
 *   added latency, and the batch grows only with the queue;
 * - a unit's `commit` resolves only after the real COMMIT: nothing is acknowledged before it is
 *   durable. If the COMMIT fails, or SQLite abandons the transaction (disk full, I/O error),
 *   every unit of the batch fails — none of them was acknowledged, so nothing acknowledged is lost;
 * - a plain query (outside any transaction) that gets the connection while a batch is open
 *   commits the batch first, so reads never see uncommitted writes.
 * Deferred constraints would let one unit's violation fail its batch-mates at COMMIT; Trellis
 * declares none (foreign keys are immediate).
 */
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

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return Promise.resolve(this.core.execute<R>(compiled, this.inUnit));
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('the SQLite driver streams only select queries');
    if (!this.inUnit) this.core.flush();
    for (const row of this.core.statement(compiled.sql).iterate(compiled.parameters as unknown[])) yield { rows: [row as R] };
  }
}

/** The shared connection, its statement cache and the open batch. */
class GroupCommitCore {
  readonly lock = new FifoLock();
  readonly stats: SqliteDriverStats = { prepared: 0, units: 0, commits: 0 };
  private readonly cache: StatementCache;
  private batch: { waiters: Waiter[]; started: number; commitScheduled: boolean } | undefined;

  constructor(readonly conn: BetterSqlite3.Database) {
    this.cache = new StatementCache(conn, this.stats);
  }

  statement(sql: string): BetterSqlite3.Statement {
    return this.cache.get(sql);
  }

  execute<R>(compiled: CompiledQuery, inUnit: boolean): QueryResult<R> {
    if (!inUnit) this.flush();
    const stmt = this.cache.get(compiled.sql);
    const params = compiled.parameters as unknown[];
    if (stmt.reader) return { rows: stmt.all(params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  beginUnit(): void {
    if (!this.batch) {
      this.conn.exec('begin');
      this.batch = { waiters: [], started: Date.now(), commitScheduled: false };
    }
    this.conn.exec('savepoint trellis_unit');
  }

  /**
   * The unit succeeded: keep its work. Returns when it is durable — at once when the batch is
   * full, else at the batch's commit, which waits for the units queued behind this one and for
   * the end of this turn of the event loop: better-sqlite3 runs a whole unit without yielding
   * to I/O, so the requests that arrived meanwhile start their units only in that turn.
   */
  endUnit(): Promise<void> | undefined {
    const batch = this.batch!;
    this.conn.exec('release savepoint trellis_unit');
    if (batch.waiters.length + 1 >= MAX_BATCH_UNITS || Date.now() - batch.started >= MAX_BATCH_MS) {
      this.commit(1);
      return undefined;
    }
    if (!batch.commitScheduled) {
      batch.commitScheduled = true;
      setImmediate(() => {
        batch.commitScheduled = false;
        // A unit holding the connection belongs to this batch and commits it when it ends.
        if (this.batch === batch && !this.lock.held) {
          try {
            this.commit(0);
          } catch {
            // failBatch has told every waiting unit.
          }
        }
      });
    }
    return new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
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

  /** Commit the open batch, if any (before a plain query reads, or when the connection goes idle). */
  flush(): void {
    if (this.batch) this.commit(0);
  }

  private commit(current: number): void {
    const batch = this.batch!;
    try {
      this.conn.exec('commit');
    } catch (err) {
      this.failBatch(err);
      throw err;
    }
    this.batch = undefined;
    this.stats.commits++;
    this.stats.units += batch.waiters.length + current;
    for (const w of batch.waiters) w.resolve();
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
    const later = this.core.endUnit();
    if (!later) return;
    // Hand the connection on now; this caller is acknowledged when its batch commits.
    lease.released = true;
    this.core.lock.release();
    await later;
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
    this.core.conn.close();
  }
}

/** The Kysely dialect over one better-sqlite3 connection; `stats` counts its work. */
export class GroupCommitSqliteDialect implements Dialect {
  private readonly core: GroupCommitCore;

  constructor(conn: BetterSqlite3.Database) {
    this.core = new GroupCommitCore(conn);
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
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
