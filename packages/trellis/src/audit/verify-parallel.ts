/**
 * Chain verification spread over worker threads, for long chains. Every link can be hashed
 * independently — hash(n) depends only on the stored prev_hash and event of row n — so
 * workers check hashes of whole batches while this thread checks order and linkage
 * (prev_hash(n) = hash(n-1)), which are string comparisons. Results are applied in batch
 * order, so the first broken event reported is the same one the sequential verifier finds.
 * Short chains never start a worker: below `parallelFrom` links everything runs inline.
 *
 * Workers are used only when the machine has cores to spare for them: this thread reads the
 * rows and checks linkage, and the database (PostgreSQL on the same machine, or SQLite's reads
 * on this thread) needs a core. A link now hashes in about a microsecond and a half, so a
 * batch's copy to a worker costs nearly what it saves: on two cores verifying from the
 * database ran at half the speed with workers as without (bench/audit). By default: workers =
 * cores − 2, and none below two.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { ChainVerifier, linkHashSource, type ChainLink, type VerifyResult } from './chain.ts';

// Plain JavaScript so the worker needs no TypeScript loader. A batch travels as three strings
// (events joined by NUL, which canonical JSON never contains raw; hashes and prev hashes
// concatenated, 64 hex characters each): one copy each instead of thousands of small ones.
// Each link is hashed as chain.ts's LinkHasher does it (linkHashSource): the previous hash's
// bytes and the event's UTF-8 in one reused buffer, one crypto.hash call.
const workerSource = `
const { parentPort } = require('node:worker_threads');
${linkHashSource}
parentPort.on('message', (m) => {
  const events = m.events.split('\0');
  const prevs = m.prevs;
  const hashes = m.hashes;
  let bad = -1;
  for (let i = 0; i < events.length; i++) {
    const want = hashes.slice(i * 64, i * 64 + 64);
    if (linkHash(prevs.slice(i * 64, i * 64 + 64), events[i]) !== want) { bad = i; break; }
  }
  parentPort.postMessage({ id: m.id, bad });
});
`;

interface Batch {
  id: number;
  links: ChainLink[];
  done: Promise<number>;
}

export interface ParallelOptions {
  start?: { prevHash?: string; seq?: number };
  threads?: number;
  batchSize?: number;
  /** Verify inline until this many links have been seen. */
  parallelFrom?: number;
}

export async function verifyChainParallel(source: AsyncIterable<ChainLink> | Iterable<ChainLink>, opts: ParallelOptions = {}): Promise<VerifyResult> {
  const verifier = new ChainVerifier(opts.start);
  const threads = Math.max(1, opts.threads ?? availableParallelism() - 2);
  const useWorkers = opts.threads !== undefined || availableParallelism() - 2 >= 2;
  const batchSize = opts.batchSize ?? 10_000;
  const parallelFrom = useWorkers ? (opts.parallelFrom ?? 50_000) : Infinity;
  const workers: Worker[] = [];
  const waiting = new Map<number, (bad: number) => void>();
  const inflight: Batch[] = [];
  let nextId = 0;
  let batch: ChainLink[] = [];
  let seen = 0;

  const startWorkers = () => {
    for (let i = 0; i < threads; i++) {
      // No execArgv: the worker runs plain JavaScript and must not load the parent's TypeScript loader.
      const w = new Worker(workerSource, { eval: true, execArgv: [] });
      w.on('message', (m: { id: number; bad: number }) => {
        waiting.get(m.id)?.(m.bad);
        waiting.delete(m.id);
      });
      workers.push(w);
    }
  };

  const apply = (b: Batch, bad: number): boolean => {
    for (let i = 0; i < b.links.length; i++) {
      const l = b.links[i]!;
      // Order and linkage are checked before the hash, as the sequential verifier does.
      if (!verifier.pushVerified(l, i !== bad)) return false;
    }
    return true;
  };

  const drainOne = async (): Promise<boolean> => {
    const b = inflight.shift()!;
    return apply(b, await b.done);
  };

  const dispatch = (links: ChainLink[]) => {
    const id = nextId++;
    const done = new Promise<number>((resolve) => waiting.set(id, resolve));
    workers[id % workers.length]!.postMessage({ id, prevs: links.map((l) => l.prevHash).join(''), events: links.map((l) => l.event).join('\0'), hashes: links.map((l) => l.hash).join('') });
    inflight.push({ id, links, done });
  };

  try {
    for await (const link of source) {
      seen++;
      if (seen <= parallelFrom) {
        if (!verifier.push(link)) return verifier.result();
        continue;
      }
      if (workers.length === 0) startWorkers();
      batch.push(link);
      if (batch.length >= batchSize) {
        dispatch(batch);
        batch = [];
        // Keep a bounded number of batches in flight: memory stays flat on huge chains.
        if (inflight.length >= threads * 2 && !(await drainOne())) return verifier.result();
      }
    }
    if (batch.length > 0) {
      if (workers.length === 0) {
        for (const l of batch) if (!verifier.push(l)) return verifier.result();
      } else dispatch(batch);
    }
    while (inflight.length > 0) if (!(await drainOne())) return verifier.result();
    return verifier.result();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
