/**
 * Child process of the conformance runner: receives cases over IPC, runs each, replies with
 * the outcome. Running cases in a child lets the parent kill a case that hangs (or crashes
 * the process) and carry on with a fresh child.
 */
import { runCase } from './run-case.ts';
import type { ConformanceCase } from './cases.ts';

/** Undo the parent's bigint tagging (JSON cannot carry bigints). */
function restore(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(restore);
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (typeof o.__bigint__ === 'string' && Object.keys(o).length === 1) return BigInt(o.__bigint__);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = restore(v);
    return out;
  }
  return x;
}

process.on('message', (msg: { id: number; case: ConformanceCase; timeoutMs: number }) => {
  let out;
  try {
    out = runCase(restore(msg.case) as ConformanceCase, msg.timeoutMs);
  } catch (e) {
    out = { ok: false, reason: `crash: ${e instanceof Error ? e.message : String(e)}` };
  }
  process.send!({ id: msg.id, ...out });
});

process.send!({ ready: true });
