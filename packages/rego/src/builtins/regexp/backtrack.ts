/**
 * A bounded backtracker: depth-first search of the program (compile.ts), preferred branch
 * first, which yields leftmost-first matches directly. A bit per (instruction, position)
 * records states already explored; a state that failed once fails again (success does not
 * depend on captures), so each is explored at most once and a search costs
 * O(program × input) time — the same bound as the Pike VM, without copying capture slots
 * between threads. Its memory is that bitset, so it only takes small program × input
 * products (canBacktrack); larger searches go to the Pike VM.
 */
import { assertionHolds } from './assertions.ts';
import { Op, type Prog } from './compile.ts';
import { REPORT_EVERY, type Budget } from './budget.ts';

/**
 * Bits of visited state we allow (512 KiB, allocated as searches need it), and the largest
 * program worth it.
 */
const MAX_BITS = 4 * 1024 * 1024;
const MAX_PROG = 500;

/** Whether a search of `remaining` characters with `prog` fits the backtracker's bitset. */
export function canBacktrack(prog: Prog, remaining: number): boolean {
  const n = prog.op.length;
  return n <= MAX_PROG && (remaining + 1) * n <= MAX_BITS;
}

/**
 * Bit (pos - start) × program size + pc is set once state (pc, pos) was explored. Position
 * major, so a search dirties only the words up to the furthest position it reached, and the
 * next search clears only those: a find-all loop of many short matches stays linear.
 */
let visited = new Uint32Array(1024);
/** Words of `visited` that may be non-zero. */
let dirty = 0;
/**
 * Pending work: pairs (pc, pos) to explore, or (-(slot + 1), old value) slot restores. Each
 * state explored pushes at most one pair, so it never holds more than 2 × MAX_BITS + 2.
 */
let jobs = new Int32Array(1024);
/** States explored by the current search (its work), and how many were reported. */
let explored = 0;
let reported = 0;

/** Explore from `start` at `at`, depth first; true when the program reaches Match. */
function tryAt(prog: Prog, s: string, start: number, at: number, caps: Int32Array, nslots: number, budget: Budget | undefined): boolean {
  const { op, arg, out, out1, classes } = prog;
  const n = op.length;
  const len = s.length;
  let top = 0;
  jobs[top++] = prog.start;
  jobs[top++] = at;
  while (top > 0) {
    let pos = jobs[--top]!;
    let pc = jobs[--top]!;
    if (pc < 0) {
      caps[-pc - 1] = pos;
      continue;
    }
    for (;;) {
      const bit = (pos - start) * n + pc;
      const word = bit >>> 5;
      const mask = 1 << (bit & 31);
      if ((visited[word]! & mask) !== 0) break;
      visited[word]! |= mask;
      if (word >= dirty) dirty = word + 1;
      explored++;
      const o = op[pc]!;
      if (o === Op.Split || o === Op.Save) {
        if (top + 2 > jobs.length) {
          const grown = new Int32Array(jobs.length * 2);
          grown.set(jobs);
          jobs = grown;
        }
        if (o === Op.Split) {
          jobs[top++] = out1[pc]!;
          jobs[top++] = pos;
        } else {
          const slot = arg[pc]!;
          if (slot < nslots) {
            jobs[top++] = -slot - 1;
            jobs[top++] = caps[slot]!;
            caps[slot] = pos;
          }
        }
        pc = out[pc]!;
        continue;
      }
      if (o === Op.Assert) {
        if (!assertionHolds(arg[pc]!, s, pos)) break;
        pc = out[pc]!;
        continue;
      }
      if (o === Op.Match) return true;
      if (pos >= len) break;
      let cp = s.charCodeAt(pos);
      let width = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && pos + 1 < len) {
        const lo = s.charCodeAt(pos + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      const ok = o === Op.Char ? cp === arg[pc] : o === Op.Class ? classes[arg[pc]!]!.has(cp) : o === Op.Any || cp !== 10;
      if (!ok) break;
      pc = out[pc]!;
      pos += width;
    }
    if (budget && explored - reported >= REPORT_EVERY) {
      budget(explored - reported);
      reported = explored;
    }
  }
  return false;
}

/**
 * The leftmost-first match at or after `start`: its first `nslots` capture slots (-1 for
 * unset) or undefined. The caller checked canBacktrack.
 */
export function backtrackSearch(prog: Prog, s: string, start: number, nslots: number, budget: Budget | undefined): Int32Array | undefined {
  const len = s.length;
  // A search re-enters another only by throwing from its budget, so one buffer serves all.
  const words = Math.ceil((prog.op.length * (len - start + 1)) / 32);
  if (visited.length < words) visited = new Uint32Array(Math.max(words, 2 * visited.length));
  else visited.fill(0, 0, dirty);
  dirty = 0;
  const caps = new Int32Array(nslots).fill(-1);
  const { first, firstWide } = prog;
  explored = 0;
  reported = 0;
  let found = false;
  let at = start;
  while (at <= len) {
    if (prog.prefix !== '') {
      at = s.indexOf(prog.prefix, at);
      if (at < 0) break;
    } else if (first) {
      // No match starts at a character no match begins with.
      while (at < len) {
        const c = s.charCodeAt(at);
        if (c < 0x80 ? first[c] === 1 : firstWide) break;
        at++;
      }
      if (at === len) break;
    }
    if (prog.anchored && at !== 0) break;
    if (tryAt(prog, s, start, at, caps, nslots, budget)) {
      found = true;
      break;
    }
    const c = s.charCodeAt(at);
    at += c >= 0xd800 && c <= 0xdbff && at + 1 < len ? 2 : 1;
  }
  if (budget) budget(explored - reported + 1);
  return found ? caps : undefined;
}
