/**
 * The Pike VM: simulates a compiled program (compile.ts) over the input once, keeping every
 * live thread in a list ordered by priority, each with its own capture slots. A program
 * counter is added to a list at most once per input position, so a search costs
 * O(program size × input length) whatever the pattern — `^(a+)+$` included.
 *
 * Leftmost-first (Go's and so OPA's semantics) comes from the order: a SPLIT's preferred
 * branch is explored first, a new search start is added after all older threads, and once a
 * thread matches, the threads behind it (lower priority) are dropped.
 *
 * The searcher reports work done (threads stepped) to a budget callback, in chunks, so the
 * evaluator can charge it against the step and time limits while a long input is scanned.
 */
import { assertionHolds } from './assertions.ts';
import { REPORT_EVERY, type Budget } from './budget.ts';
import { Op, type Prog } from './compile.ts';

/** A thread list: a sparse set of program counters, with capture slots per consuming thread. */
class ThreadList {
  readonly dense: Int32Array;
  readonly sparse: Int32Array;
  readonly caps: Int32Array;
  n = 0;
  constructor(size: number, nslots: number) {
    this.dense = new Int32Array(size);
    this.sparse = new Int32Array(size);
    this.caps = new Int32Array(size * nslots);
  }
}

/** Copy `n` slots from `from` at `at` to the start of `to` (no subarray views on the hot path). */
function copySlots(from: Int32Array, at: number, to: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) to[i] = from[at + i]!;
}

/** Reusable buffers for one program and slot count (a search never re-enters itself). */
class Machine {
  readonly clist: ThreadList;
  readonly nlist: ThreadList;
  readonly stack: Int32Array;
  readonly work: Int32Array;
  readonly best: Int32Array;
  constructor(
    readonly prog: Prog,
    readonly nslots: number,
  ) {
    const size = prog.op.length;
    this.clist = new ThreadList(size, nslots);
    this.nlist = new ThreadList(size, nslots);
    // Each instruction is followed at most once per add: a SPLIT pushes one entry, a SAVE two.
    this.stack = new Int32Array(2 * size + 2);
    this.work = new Int32Array(nslots);
    this.best = new Int32Array(nslots);
  }

  /** Add the thread at `pc0` (with slots `this.work`) and everything it reaches without input. */
  private add(list: ThreadList, pc0: number, s: string, pos: number): void {
    const { op, arg, out, out1 } = this.prog;
    const { dense, sparse } = list;
    const nslots = this.nslots;
    const work = this.work;
    const stack = this.stack;
    let top = 0;
    stack[top++] = pc0;
    while (top > 0) {
      let pc = stack[--top]!;
      if (pc < 0) {
        // A slot restore entry: -(slot + 1) above the old value.
        work[-pc - 1] = stack[--top]!;
        continue;
      }
      for (;;) {
        const at = sparse[pc]!;
        if (at < list.n && dense[at] === pc) break;
        const idx = list.n++;
        sparse[pc] = idx;
        dense[idx] = pc;
        const o = op[pc]!;
        if (o === Op.Split) {
          stack[top++] = out1[pc]!;
          pc = out[pc]!;
        } else if (o === Op.Save) {
          const slot = arg[pc]!;
          if (slot < nslots) {
            stack[top++] = work[slot]!;
            stack[top++] = -slot - 1;
            work[slot] = pos;
          }
          pc = out[pc]!;
        } else if (o === Op.Assert) {
          if (!assertionHolds(arg[pc]!, s, pos)) break;
          pc = out[pc]!;
        } else {
          if (nslots > 0) for (let i = 0; i < nslots; i++) list.caps[idx * nslots + i] = work[i]!;
          break;
        }
      }
    }
  }

  /**
   * The leftmost-first match starting at or after `start`: its capture slots (the first
   * `nslots`; -1 for unset), or undefined. With `nslots` 0 the answer is an empty array.
   * The array is the machine's own: read it before the next search.
   */
  search(s: string, start: number, budget: Budget | undefined): Int32Array | undefined {
    const prog = this.prog;
    const { op, arg, out, classes, first, firstWide } = prog;
    const nslots = this.nslots;
    const len = s.length;
    let clist = this.clist;
    let nlist = this.nlist;
    clist.n = 0;
    let matched = false;
    let pos = start;
    let work = 0;
    for (;;) {
      if (!matched && (!prog.anchored || pos === 0)) {
        if (clist.n === 0 && prog.prefix !== '') {
          // No thread alive: no match can start before the next occurrence of the prefix.
          const next = s.indexOf(prog.prefix, pos);
          if (next < 0) break;
          pos = next;
          if (prog.anchored && pos !== 0) break;
        } else if (clist.n === 0 && first !== undefined) {
          // Nor at a character no match begins with.
          while (pos < len) {
            const c = s.charCodeAt(pos);
            if (c < 0x80 ? first[c] === 1 : firstWide) break;
            pos++;
          }
          if (pos === len || (prog.anchored && pos !== 0)) break;
        }
        this.work.fill(-1);
        this.add(clist, prog.start, s, pos);
      }
      if (clist.n === 0) break;
      let cp = -1;
      let width = 1;
      if (pos < len) {
        cp = s.charCodeAt(pos);
        if (cp >= 0xd800 && cp <= 0xdbff && pos + 1 < len) {
          const lo = s.charCodeAt(pos + 1);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
            width = 2;
          }
        }
      }
      nlist.n = 0;
      const n = clist.n;
      work += n;
      const dense = clist.dense;
      for (let k = 0; k < n; k++) {
        const pc = dense[k]!;
        let ok: boolean;
        switch (op[pc]) {
          case Op.Match:
            if (nslots === 0) {
              if (budget) budget(work);
              return this.best;
            }
            copySlots(clist.caps, k * nslots, this.best, nslots);
            matched = true;
            // Threads after this one have lower priority than the match: drop them.
            k = n;
            continue;
          case Op.Char:
            ok = cp === arg[pc];
            break;
          case Op.Class:
            ok = cp >= 0 && classes[arg[pc]!]!.has(cp);
            break;
          case Op.Any:
            ok = cp >= 0;
            break;
          case Op.AnyNotNL:
            ok = cp >= 0 && cp !== 10;
            break;
          default:
            continue;
        }
        if (ok) {
          if (nslots > 0) copySlots(clist.caps, k * nslots, this.work, nslots);
          this.add(nlist, out[pc]!, s, pos + width);
        }
      }
      if (pos >= len) break;
      pos += width;
      const t = clist;
      clist = nlist;
      nlist = t;
      if (budget && work >= REPORT_EVERY) {
        budget(work);
        work = 0;
      }
    }
    if (budget) budget(work);
    return matched ? this.best : undefined;
  }
}

const machines = new WeakMap<Prog, Machine[]>();

/** The machine of `prog` for `nslots` capture slots, created once and reused. */
export function machineFor(prog: Prog, nslots: number): Machine {
  let list = machines.get(prog);
  if (!list) machines.set(prog, (list = []));
  let m = list.find((x) => x.nslots === nslots);
  if (!m) list.push((m = new Machine(prog, nslots)));
  return m;
}

/** Leftmost-first search with the Pike VM; see Machine.search. */
export function pikeSearch(prog: Prog, s: string, start: number, nslots: number, budget?: Budget): Int32Array | undefined {
  return machineFor(prog, nslots).search(s, start, budget);
}
