/**
 * The fast path: a parsed pattern written back as a JS RegExp with exactly Go's semantics,
 * run by V8 when backtracking cannot go super-linear on it (safety.ts decides). Flags are
 * already resolved in the tree, so the translation needs no `i`, `m` or `s`: `.` and case
 * folding arrive as classes, `^`/`$` as text or line assertions (a line breaks only at
 * `\n`), `(?U)` as swapped greediness. `\b` with the `u` flag and without `i` sees ASCII word
 * characters, as Go's does.
 *
 * V8's work is linear by construction here, so it is charged to the budget by the stretch
 * of input each call covers, at the rate the other engines pay per character. (safety.ts
 * bounds V8's steps per character, so the time a charged unit buys stays bounded too.)
 */
import { jsCodePoint } from './charclass.ts';
import type { Budget } from './budget.ts';
import type { Prog } from './compile.ts';
import type { Assertion, Node } from './parse.ts';
import { backtrackSafety } from './safety.ts';

/**
 * Longest input given to V8 for a pattern whose match attempts are each linear but whose
 * unanchored search may be quadratic (safety.ts, `perStart`: `[^b]*b` on `aaaa…`). We chose
 * a cap over refusing such patterns because most policy inputs are far shorter and V8
 * answers them in tens of nanoseconds, against hundreds on the linear engine. At this length
 * V8's worst case measured 30-40 µs, 2-3× the linear engine's 11-15 µs on the same input
 * (at 1,024 characters it is 7-10×), and longer inputs go to the linear engine.
 */
export const PER_START_MAX_INPUT = 256;

const assertionJs: Record<Assertion, string> = {
  bol: '(?<![^\\n])',
  eol: '(?![^\\n])',
  bot: '^',
  eot: '$',
  word: '\\b',
  nonword: '\\B',
};

/** JS source for `n` (every capture group kept, in Go's order), or undefined if JS cannot say it. */
function toJs(n: Node): string | undefined {
  switch (n.op) {
    case 'empty':
      return '';
    case 'char':
      return jsCodePoint(n.cp);
    case 'class':
      return n.cls.jsSource();
    case 'assert':
      return assertionJs[n.kind];
    case 'cap': {
      const sub = toJs(n.sub);
      return sub === undefined ? undefined : `(${sub})`;
    }
    case 'cat':
    case 'alt': {
      const subs: string[] = [];
      for (const s of n.subs) {
        const js = toJs(s);
        if (js === undefined) return undefined;
        subs.push(js);
      }
      return n.op === 'cat' ? subs.join('') : `(?:${subs.join('|')})`;
    }
    case 'rep': {
      const sub = toJs(n.sub);
      if (sub === undefined) return undefined;
      const atom = n.sub.op === 'char' || n.sub.op === 'class' || n.sub.op === 'cap' ? sub : `(?:${sub})`;
      const count = n.max === -1 ? `{${n.min},}` : n.min === n.max ? `{${n.min}}` : `{${n.min},${n.max}}`;
      return atom + count + (n.greedy ? '' : '?');
    }
  }
}

/** V8's RegExp for a pattern, and the inputs it may be given. */
export interface V8Path {
  /** Global and Unicode: searches start at lastIndex, code points are Go's runes. */
  re: RegExp;
  /** Longer inputs go to the linear engine. */
  maxInput: number;
  /** A literal every match starts with, found with indexOf before V8 runs ('' if none). */
  prefix: string;
}

/** The fast path for `node` compiled as `prog`, when it is safe and JS can express it. */
export function v8Path(node: Node, prog: Prog): V8Path | undefined {
  const safety = backtrackSafety(node);
  if (safety.kind === 'unsafe') return undefined;
  const src = toJs(node);
  if (src === undefined) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(src, 'gu');
  } catch {
    // Beyond V8's own limits (a pattern too large for it): the linear engine takes it.
    return undefined;
  }
  // Each path through overlapping alternations may repeat the quadratic scan.
  const maxInput = prog.anchored || safety.kind === 'linear' ? Infinity : Math.floor(PER_START_MAX_INPUT / safety.paths);
  return { re, maxInput, prefix: prog.prefix };
}

/** Where the search may start: the next occurrence of the prefix, or -1 when there is none. */
function startAt(v: V8Path, s: string, pos: number): number {
  return v.prefix === '' ? pos : s.indexOf(v.prefix, pos);
}

/**
 * V8 keeps a backtrack entry per iteration of some loops (`(ab)+`), in a stack of bounded
 * size, and throws a RangeError when a match of some millions of characters exhausts it. The
 * call then goes to the linear engine, and so do inputs this long from then on.
 */
function exhausted(v: V8Path, s: string, e: unknown): undefined {
  if (!(e instanceof RangeError)) throw e;
  v.maxInput = Math.min(v.maxInput, s.length - 1);
  return undefined;
}

/** Whether `i` falls between the halves of a surrogate pair, where Go never matches. */
function midPair(s: string, i: number): boolean {
  return i > 0 && i < s.length && (s.charCodeAt(i) & 0xfc00) === 0xdc00 && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800;
}

/**
 * The leftmost-first match at or after `pos`, as V8 reports it (unmatched groups undefined),
 * null for none, or undefined when the linear engine must answer instead: V8 ran out of
 * backtrack stack, or found an empty match inside a surrogate pair.
 */
export function v8Exec(v: V8Path, s: string, pos: number, budget: Budget | undefined): RegExpExecArray | null | undefined {
  const at = startAt(v, s, pos);
  let m: RegExpExecArray | null = null;
  if (at >= 0) {
    v.re.lastIndex = at;
    try {
      m = v.re.exec(s);
    } catch (e) {
      return exhausted(v, s, e);
    }
    if (m && midPair(s, m.index)) return undefined;
  }
  if (budget) budget((m ? m.index + m[0].length : s.length) - pos + 1);
  return m;
}

/** Whether `s` holds a match, or undefined when the linear engine must answer (see v8Exec). */
export function v8Test(v: V8Path, s: string, budget: Budget | undefined): boolean | undefined {
  const at = startAt(v, s, 0);
  let found = false;
  if (at >= 0) {
    v.re.lastIndex = at;
    try {
      found = v.re.test(s);
    } catch (e) {
      return exhausted(v, s, e);
    }
    // A match ends inside a pair only when it is an empty one there.
    if (found && midPair(s, v.re.lastIndex)) return undefined;
  }
  if (budget) budget((found ? v.re.lastIndex : s.length) + 1);
  return found;
}
