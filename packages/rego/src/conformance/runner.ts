/**
 * The conformance runner: runs every case under a directory in a small pool of child
 * processes, with a per-case deadline (a case that hangs or kills its process is a failed
 * case, and the pool replaces the child), and summarises the outcome per category.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { loadCases, type LoadedCase } from './cases.ts';
import { runCase, type CaseOutcome } from './run-case.ts';

export interface CaseResult extends CaseOutcome {
  category: string;
  file: string;
  note: string;
}

export interface ConformanceSummary {
  passed: number;
  failed: number;
  results: CaseResult[];
  categories: Record<string, { passed: number; failed: number }>;
}

export interface RunOptions {
  /** Per-case wall-time limit in ms (default 10,000). */
  caseTimeoutMs?: number;
  /** Child processes to use; 0 runs in-process (no protection against hangs). Default: CPUs. */
  workers?: number;
  /** Only categories matching this pattern. */
  filter?: RegExp;
}

const childEntry = fileURLToPath(new URL('./child.ts', import.meta.url));

export async function runConformance(dir: string, opts: RunOptions = {}): Promise<ConformanceSummary> {
  const cases = loadCases(dir).filter((c) => !opts.filter || opts.filter.test(c.category));
  const timeout = opts.caseTimeoutMs ?? 10_000;
  const workers = opts.workers ?? Math.max(1, Math.min(4, availableParallelism()));
  const outcomes: CaseOutcome[] = new Array(cases.length);
  if (workers === 0) {
    cases.forEach((c, i) => {
      try {
        outcomes[i] = runCase(c.case, timeout);
      } catch (e) {
        outcomes[i] = { ok: false, reason: `crash: ${e instanceof Error ? e.message : String(e)}` };
      }
    });
  } else {
    let next = 0;
    const runWorker = async (): Promise<void> => {
      let child: ChildProcess | undefined;
      // A child announces itself once loaded, so its start-up time never counts against a case.
      const spawn = (): Promise<ChildProcess | undefined> =>
        new Promise((resolve) => {
          const ch = fork(childEntry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
          const timer = setTimeout(() => {
            ch.kill('SIGKILL');
            resolve(undefined);
          }, 60_000);
          ch.once('message', () => {
            clearTimeout(timer);
            resolve(ch);
          });
          ch.once('exit', () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        });
      while (next < cases.length) {
        const i = next++;
        if (!child || child.exitCode !== null || child.killed) child = await spawn();
        if (!child) {
          outcomes[i] = { ok: false, reason: 'could not start a runner process' };
          continue;
        }
        const ch = child;
        outcomes[i] = await new Promise<CaseOutcome>((resolve) => {
          const timer = setTimeout(() => {
            cleanup();
            ch.kill('SIGKILL');
            child = undefined;
            resolve({ ok: false, reason: `timeout after ${timeout} ms` });
          }, timeout + 2000);
          const onMsg = (m: { id: number } & CaseOutcome): void => {
            if (m.id !== i) return;
            cleanup();
            resolve({ ok: m.ok, reason: m.reason });
          };
          const onExit = (code: number | null): void => {
            cleanup();
            child = undefined;
            resolve({ ok: false, reason: `process died (exit ${code})` });
          };
          const cleanup = (): void => {
            clearTimeout(timer);
            ch.off('message', onMsg);
            ch.off('exit', onExit);
          };
          ch.on('message', onMsg);
          ch.on('exit', onExit);
          ch.send({ id: i, case: serialisable(cases[i]!), timeoutMs: timeout });
        });
      }
      child?.kill();
    };
    await Promise.all(Array.from({ length: workers }, runWorker));
  }
  const results: CaseResult[] = cases.map((c, i) => ({ category: c.category, file: c.file, note: c.case.note, ...outcomes[i]! }));
  const categories: ConformanceSummary['categories'] = {};
  for (const r of results) {
    const s = (categories[r.category] ??= { passed: 0, failed: 0 });
    if (r.ok) s.passed++;
    else s.failed++;
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results, categories };
}

/** Cases go over IPC as JSON: bigints are sent as tagged strings and restored by the child. */
function serialisable(c: LoadedCase): LoadedCase['case'] {
  return JSON.parse(JSON.stringify(c.case, (_k, v: unknown) => (typeof v === 'bigint' ? { __bigint__: v.toString() } : v)), (_k, v: unknown) => v) as LoadedCase['case'];
}
