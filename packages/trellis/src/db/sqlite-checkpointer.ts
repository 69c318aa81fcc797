/**
 * WAL checkpoints for the embedded SQLite database, in a worker thread with a connection of its
 * own, so the event loop never copies pages into the database file.
 *
 * Design note — why. SQLite checkpoints automatically inside the COMMIT that takes the WAL past
 * 1000 pages: the committing connection copies every page into the database file and syncs it,
 * synchronously. better-sqlite3 runs on the event loop, so under a steady stream of writes (the
 * gateway's audit events, about 1.5 KB each with their indexes) every few thousand events one
 * commit held every request in flight for the length of a checkpoint — about a third of what an
 * audit event cost the server. Here the server's connection never checkpoints
 * (`wal_autocheckpoint = 0`); this worker watches the WAL file's size and runs a PASSIVE
 * checkpoint (it waits for no one: it copies what no reader still needs and leaves the rest for
 * the next round) once the WAL holds `thresholdBytes`. The next write transaction then restarts
 * the WAL from its beginning, and `journal_size_limit` trims a WAL that a burst made large.
 * Durability is unchanged: the checkpoint syncs the WAL before copying and the database after, as
 * SQLite's own does, and commits are synced by the driver (sqlite-driver.ts) either way.
 */
import { createRequire } from 'node:module';
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

// Plain JavaScript, so the worker needs no TypeScript loader (as in audit/verify-parallel.ts).
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 0');
parentPort.on('message', (m) => {
  if (m === 'stop') { db.close(); parentPort.postMessage({ type: 'stopped' }); return; }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpoint', log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String((err && err.message) || err) });
  }
});
`;

export interface CheckpointerOptions {
  /** Checkpoint once the WAL file is at least this large. */
  thresholdBytes?: number;
  /** How often the WAL's size is looked at. */
  intervalMs?: number;
}

export interface SqliteCheckpointer {
  /** Checkpoints run so far, failures, and the last one's WAL frames and frames copied. */
  stats(): { checkpoints: number; errors: number; lastLog: number; lastCheckpointed: number };
  /** Run a checkpoint now, whatever the WAL's size (tests); resolves when it has run. */
  checkpointNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Checkpoint `file` (a WAL-mode database the caller has open, with `wal_autocheckpoint = 0`)
 * off the event loop. The WAL's size is looked at from here (an asynchronous stat); the worker
 * and its connection start only when a checkpoint is first due, so a quiet server never pays
 * for a second thread.
 */
export function startCheckpointer(file: string, opts: CheckpointerOptions = {}): SqliteCheckpointer {
  const threshold = opts.thresholdBytes ?? 4 * 1024 * 1024;
  const counts = { checkpoints: 0, errors: 0, lastLog: 0, lastCheckpointed: 0 };
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let done: (() => void) | undefined;
  let stopping = false;
  let lastError: string | undefined;

  const spawn = (): Worker => {
    const w = new Worker(workerSource, { eval: true, execArgv: [], workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    w.unref();
    w.on('message', (m: { type: string; log?: number; checkpointed?: number; message?: string }) => {
      if (m.type === 'checkpoint') {
        counts.checkpoints++;
        counts.lastLog = m.log ?? 0;
        counts.lastCheckpointed = m.checkpointed ?? 0;
      } else if (m.type === 'error') {
        counts.errors++;
        // Said once per distinct failure: a busy database is simply tried again next round.
        if (m.message !== lastError) console.warn(`sqlite checkpointer: ${m.message}`);
        lastError = m.message;
      }
      done?.();
    });
    w.on('error', (err) => {
      console.warn(`sqlite checkpointer stopped: ${err.message}`);
      worker = undefined;
      done?.();
    });
    return w;
  };

  const checkpoint = (): Promise<void> => {
    if (running) return running;
    if (stopping) return Promise.resolve();
    worker ??= spawn();
    const w = worker;
    running = new Promise<void>((resolve) => {
      done = resolve;
      w.postMessage('run');
    }).finally(() => {
      running = undefined;
      done = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (running || stopping) return;
    stat(`${file}-wal`).then(
      (s) => (s.size >= threshold ? checkpoint() : undefined),
      () => undefined,
    );
  }, opts.intervalMs ?? 200);
  timer.unref();

  return {
    stats: () => ({ ...counts }),
    checkpointNow: checkpoint,
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      await running;
      const w = worker;
      worker = undefined;
      if (!w) return;
      // The close goes through the worker so its connection ends cleanly; a stuck worker is not waited for long.
      const closed = new Promise<void>((resolve) => w.on('message', (m: { type: string }) => m.type === 'stopped' && resolve()));
      w.postMessage('stop');
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
      await w.terminate();
    },
  };
}
