/**
 * Impact analysis: before a bundle is activated, every app in the catalog is decided again
 * under the candidate and under the active bundle, and the apps whose decision changes are
 * listed with the messages gained and lost (impact-page.ts decides a page). The catalog is read
 * a page at a time, so memory stays flat however large it is.
 *
 * A catalog larger than one page is decided in worker threads, one per core: each compiles the
 * two bundles once and gets pages of stored rows (JSON text, cheap to hand over) to parse,
 * rebuild and decide, while this thread only reads the next pages. Results are put back in page
 * order, so the answer is the same as deciding here.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CatalogService } from '../catalog/index.ts';
import type { CompiledBundle, PolicyService } from '../policy/index.ts';
import { workerScript } from '../worker-script.ts';
import { decidePage, type PageResult, type StoredRow } from './impact-page.ts';
import type { ImpactWorkerInit } from './impact-worker.ts';
import type { ImpactResult } from './schema.ts';
import type { InputContext } from './stored-inputs.ts';

const defaultPageSize = 1000;

interface Deps {
  catalog: CatalogService;
  policy: PolicyService;
  ctx: InputContext;
}

/** Decides pages in worker threads; pages come back in the order they were sent. */
async function openWorkers(deps: Deps, candidate: CompiledBundle, active: CompiledBundle | null, size: number) {
  const workerData: ImpactWorkerInit = {
    candidate: deps.policy.portable(candidate),
    active: active ? deps.policy.portable(active) : null,
    catalogs: [...deps.ctx.catalogs],
    settings: deps.ctx.settings,
    now: deps.ctx.now,
  };
  const script = workerScript(import.meta.url, './impact-worker.ts');
  const pending = new Map<number, { resolve: (r: PageResult) => void; reject: (e: Error) => void }>();
  const workers = await Promise.all(
    Array.from({ length: size }, () => {
      const w = new Worker(script, { workerData });
      return new Promise<Worker>((resolve, reject) => {
        w.once('error', reject);
        w.on('message', (msg: { ready?: true; id?: number; result?: PageResult }) => {
          if (msg.ready) return resolve(w);
          const p = pending.get(msg.id!);
          pending.delete(msg.id!);
          p?.resolve(msg.result!);
        });
      }).then((ready) => {
        ready.on('error', (err) => {
          for (const p of pending.values()) p.reject(err);
          pending.clear();
        });
        return ready;
      });
    }),
  );
  let next = 0;
  return {
    size,
    decide(rows: StoredRow[]): Promise<PageResult> {
      const id = next++;
      const worker = workers[id % workers.length]!;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, rows });
      });
    },
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

export async function analyseImpact(deps: Deps, candidate: CompiledBundle, opts: { limit?: number; pageSize?: number; workers?: number } = {}): Promise<ImpactResult> {
  const started = performance.now();
  const limit = opts.limit ?? 1000;
  const pageSize = opts.pageSize ?? defaultPageSize;
  const active = deps.policy.active();
  const here = (rows: StoredRow[]) =>
    decidePage(rows, { candidate, active, ctx: deps.ctx }, (bundle, documents) => (bundle ? deps.policy.decideAll('admission', documents, bundle) : deps.policy.decideAll('admission', documents)));

  const results: Promise<PageResult>[] = [];
  const first = await deps.catalog.scanForImpact(null, pageSize);
  // Workers pay a compile each: worth it only for more than one page.
  const size = opts.workers ?? Math.max(1, Math.min(availableParallelism(), 8));
  const pool = first.length === pageSize ? await openWorkers(deps, candidate, active, size).catch(() => undefined) : undefined;
  try {
    for (let page = first; page.length > 0; ) {
      if (pool) {
        // At most two pages in flight per worker: the rest wait in the database, not in memory.
        if (results.length >= pool.size * 2) await results[results.length - pool.size * 2];
        results.push(pool.decide(page));
      }
      else {
        results.push(Promise.resolve(here(page)));
        // Let requests in between pages: an analysis on this thread must not stall the server.
        await new Promise((resolve) => setImmediate(resolve));
      }
      page = page.length === pageSize ? await deps.catalog.scanForImpact(page[page.length - 1]!.name, pageSize) : [];
    }
    const pages = await Promise.all(results);
    const items = pages.flatMap((p) => p.changed);
    return {
      apps: pages.reduce((n, p) => n + p.apps, 0),
      changed: items.length,
      flips: { to_deny: pages.reduce((n, p) => n + p.flips.to_deny, 0), to_allow: pages.reduce((n, p) => n + p.flips.to_allow, 0) },
      bundle: { from: active?.version ?? null, to: candidate.version },
      items: items.slice(0, limit),
      truncated: items.length > limit,
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    await pool?.close();
  }
}
