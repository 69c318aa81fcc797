/**
 * Audit events that record no change of state — a gateway call, a scan, a refused attempt —
 * written to the embedded SQLite database by a worker thread with a connection of its own.
 *
 * Design note — why a thread. better-sqlite3 is synchronous: inserting an event with its
 * indexes, its MAC and its chain link costs about 75 µs of the event loop, and the gateway
 * records one per call, so a batch of thirty held every call in flight for over two
 * milliseconds (most of the p99 the gateway added at moderate load). Events that belong to a
 * change are still appended in the change's own transaction (service.ts `append`): they must
 * commit or roll back with it. These have no transaction to belong to, so the event loop only
 * builds each event and its canonical text; the worker does the rest.
 *
 * Design note — why the chain stays one chain. The worker runs each batch in a `BEGIN
 * IMMEDIATE` transaction and the server's connection begins its transactions the same way
 * (db/sqlite-driver.ts), so whichever holds the write lock reads the last id and the chain head
 * and links its events after them: ids and sequence numbers never fork, whichever connection
 * (or process: a CLI command writing beside the server) writes next. The worker computes each
 * row's MAC and chain hash exactly as integrity.ts and chain.ts define them (the MAC input's
 * array holds strings, integers and nulls, whose canonical form is JSON.stringify's); the
 * tests verify rows it wrote with the same verifier as every other row. Its connection syncs
 * each commit (`synchronous = FULL`) before it answers, so a batch is durable when `write`
 * resolves — off the event loop, as the driver's own syncs are.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { linkHashSource } from './chain.ts';
import { hmacSource } from './hmac.ts';
import type { AppendedRow } from './integrity.ts';

/** A row as the event loop prepares it: everything but what the write lock decides (id, MAC, chain). */
export type DetachedRow = Omit<AppendedRow, 'id'>;

/** The columns the worker writes, in its statement's order. */
const columns = ['id', 'uid', 'time', 'class_uid', 'action', 'actor_id', 'resource_type', 'resource_id', 'app', 'outcome', 'event', 'mac', 'seq', 'prev_hash', 'hash'] as const;

// Plain JavaScript, so the worker needs no TypeScript loader (as in verify-parallel.ts).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 10000');
db.pragma('wal_autocheckpoint = 0');
const state = db.prepare(workerData.stateSql);
const insert = db.prepare(workerData.insertSql);
const key = Buffer.from(workerData.macKey);
const genesis = '0'.repeat(64);
// The MAC as hmac.ts computes it, the link as chain.ts does (their own sources).
${hmacSource}
const macHex = makeMacHex(key);
${linkHashSource}
const write = db.transaction((rows) => {
  const s = state.get();
  let id = Number(s.last_id);
  const chained = s.seq !== null && s.hash !== null;
  let seq = chained ? Number(s.seq) : 0;
  let prev = chained ? s.hash : genesis;
  for (const r of rows) {
    id++;
    seq++;
    // integrity.ts's MAC input (v3): the array of the version and the columns, LF, the event.
    const mac = macHex(JSON.stringify([workerData.macVersion, id, r.uid, r.time, r.class_uid, r.action, r.actor_id, r.resource_type, r.resource_id, r.app, r.outcome]), r.event);
    const h = linkHash(prev, r.event);
    insert.run(id, r.uid, r.time, r.class_uid, r.action, r.actor_id, r.resource_type, r.resource_id, r.app, r.outcome, r.event, mac, seq, prev, h);
    prev = h;
  }
});
parentPort.on('message', (m) => {
  if (m.stop) { db.close(); parentPort.postMessage({ id: m.id }); return; }
  try {
    write.immediate(m.rows);
    parentPort.postMessage({ id: m.id });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  }
});
`;

export interface SqliteAuditWriterOptions {
  file: string;
  macKey: Buffer;
  macVersion: string;
  /** The statement that reads the last id and the chain head (store.ts), run under the write lock. */
  stateSql: string;
}

export class SqliteAuditWriter {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(): void; reject(err: Error): void }>();

  constructor(private readonly opts: SqliteAuditWriterOptions) {}

  /** Write `rows` as one transaction, in order, after every row already in the chain; resolves once durable. */
  write(rows: DetachedRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return this.send({ rows });
  }

  /** Finish what was sent, close the worker's connection and end the thread. */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    await this.send({ stop: true }).catch(() => undefined);
    // Nothing is waiting any more (the stop came after every write); the thread's exit is expected.
    this.worker = undefined;
    await w.terminate();
  }

  private send(body: { rows?: DetachedRow[]; stop?: boolean }): Promise<void> {
    const w = (this.worker ??= this.spawn());
    const id = ++this.nextId;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ id, ...body });
    });
  }

  private spawn(): Worker {
    const insertSql = `insert into audit_events (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`;
    const w = new Worker(workerSource, {
      eval: true,
      execArgv: [],
      workerData: { file: this.opts.file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), macKey: this.opts.macKey, macVersion: this.opts.macVersion, stateSql: this.opts.stateSql, insertSql },
    });
    w.unref();
    w.on('message', (m: { id: number; error?: string }) => {
      const p = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error === undefined) p?.resolve();
      else p?.reject(new Error(`audit writer: ${m.error}`));
    });
    w.on('error', (err) => this.failAll(w, err));
    w.on('exit', () => this.failAll(w, new Error('audit writer: the thread ended')));
    return w;
  }

  /** A thread that died fails what it held (never acknowledged) and is started again on the next write. */
  private failAll(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const p of all) p.reject(err);
  }
}
