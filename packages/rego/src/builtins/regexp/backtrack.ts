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

/** Bits of visited state we allow (32 KiB), and the largest program worth it. */
const MAX_BITS = 256 * 1024;
const MAX_PROG = 500;

/** Whether a search of `remaining` characters with `prog` fits the backtracker's bitset. */
export function canBacktrack(prog: Prog, remaining: number): boolean {
  const n = prog.op.length;
  return n <= MAX_PROG && (remaining + 1) * n <= MAX_BITS;
}

let visited = new Uint32Array(MAX_BITS / 32);
/** Pending work: pairs (pc, pos) to explore, or (-(slot + 1), old value) slot restores. */
const jobs: number[] = [];

/**
 * The leftmost-first match at or after `start`: its first `nslots` capture slots (-1 for
 * unset) or undefined. The caller checked canBacktrack.
 */
export function backtrackSearch(prog: Prog, s: string, start: number, nslots: number, budget: Budget | undefined): Int32Array | undefined {
  const { op, arg, out, out1, classes } = prog;
  const len = s.length;
  const window = len - start + 1;
  const words = Math.ceil((prog.op.length * window) / 32);
  // Searches may re-enter through a budget callback only by throwing, so one buffer is enough.
  if (visited.length < words) visited = new Uint32Array(words);
  visited.fill(0, 0, words);
  const caps = new Int32Array(nslots).fill(-1);
  let work = 0;

  const tryAt = (at: number): boolean => {
    jobs.length = 0;
    jobs.push(prog.start, at);
    while (jobs.length > 0) {
      let pos = jobs.pop()!;
      let pc = jobs.pop()!;
      if (pc < 0) {
        caps[-pc - 1] = pos;
        continue;
      }
      for (;;) {
        const bit = pc * window + (pos - start);
        const word = bit >>> 5;
        const mask = 1 << (bit & 31);
        if ((visited[word]! & mask) !== 0) break;
        visited[word]! |= mask;
        work++;
        const o = op[pc]!;
        if (o === Op.Split) {
          jobs.push(out1[pc]!, pos);
          pc = out[pc]!;
          continue;
        }
        if (o === Op.Save) {
          const slot = arg[pc]!;
          if (slot < nslots) {
            jobs.push(-slot - 1, caps[slot]!);
            caps[slot] = pos;
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
      if (budget && work >= REPORT_EVERY) {
        budget(work);
        work = 0;
      }
    }
    return false;
  };

  let found = false;
  for (let at = start; at <= len; ) {
    if (prog.prefix !== '') {
      at = s.indexOf(prog.prefix, at);
      if (at < 0) break;
    }
    if (prog.anchored && at !== 0) break;
    if (tryAt(at)) {
      found = true;
      break;
    }
    const c = s.charCodeAt(at);
    at += c >= 0xd800 && c <= 0xdbff && at + 1 < len ? 2 : 1;
  }
  if (budget) budget(work);
  return found ? caps : undefined;
}
