/**
 * Which parsed patterns V8's backtracking RegExp may run: those on which it cannot do
 * super-linear work and on which it gives exactly Go's answers. The check is conservative —
 * a pattern it refuses still runs, on our own engine.
 *
 * ## Why the accepted patterns backtrack linearly (design note)
 *
 * A backtracking matcher explodes when, at some choice point (an alternation, or a
 * quantifier choosing between one more iteration and leaving), several alternatives can
 * consume the same next character: each then explores the rest of the input, and the
 * explorations multiply. We accept a pattern only when, at every choice point, the sets of
 * characters the alternatives can consume first are pairwise disjoint — a leaving or empty
 * alternative consumes first what the continuation consumes first, or the end of the text.
 * Then at most one alternative survives the next character; the others fail before
 * consuming anything, after O(pattern) work. So one match attempt follows a single path
 * through the input, and each position costs O(pattern) work.
 *
 * Two exceptions keep common patterns on the fast path. An alternation outside any loop may
 * have overlapping branches (`^(GET|POST|PUT)$`): each branch then runs the rest once, so
 * an attempt follows at most as many paths as the product of the branch counts of such
 * alternations, which we cap at MAX_PATHS. And, for patterns such as
 * `^[a-z0-9.-]+\.[a-z]{2,}$`, a quantifier over a single character class C (not inside
 * another loop) may overlap its continuation when that continuation starts with one
 * mandatory character class H. The quantifier gives characters back one at a time, and the
 * continuation is retried from each position holding a character of S = C ∩ H. We accept
 * it when nothing the continuation consumes after H, before it reaches a part that cannot
 * fail (`.*admin.*`), can be in S: a retry from one such position then cannot get past the
 * next without succeeding, so the retries scan disjoint stretches of the input, and their
 * total work stays linear.
 *
 * That bounds one match attempt. An unanchored search makes an attempt at every position,
 * so an attempt that can run far and then fail (`[^b]*b` on `aaaa…`) costs O(n²) overall.
 * We measure how far an attempt can run before it either fails or reaches a part that
 * cannot fail (`role=(\w+)` runs 6 characters, then `\w+` cannot fail after one), times
 * the paths it may follow. When that is at most MAX_ATTEMPT the whole search is `linear`,
 * at most MAX_ATTEMPT steps of V8 per character; other patterns are `perStart` only, and the
 * caller restricts those to short inputs unless they are anchored at the start of the text.
 *
 * ## Where V8 answers differently from Go (refused)
 *
 * - A quantified subexpression that can match empty (`(a*)*`, `(a|)+`, `(a*)?`): JS refuses
 *   an empty iteration, Go compiles it as `(x+)?` and records the empty match.
 * - A capture group inside a repeated subexpression that need not take part in every
 *   iteration (`(a|(b))+`): JS clears it at each iteration, Go keeps the last value.
 * - A Unicode property under case folding, which JS can only express with the `i` flag on
 *   the whole pattern (the translation, v8.ts, refuses those).
 * - Not refused but caught as it happens: V8 reports empty matches between the halves of a
 *   surrogate pair (`\B` on `a😀b`), where Go, matching runes, never looks; v8.ts hands
 *   such calls to the linear engine.
 */
import type { CharClass, Range } from './charclass.ts';
import { MAX_CP } from './charclass.ts';
import type { Node } from './parse.ts';

/**
 * Non-ASCII parts of a set beyond this many ranges are widened to one covering range; a
 * superset only makes the check more cautious, and it keeps the check linear in the pattern.
 */
const MAX_WIDE_RANGES = 8;

/** Paths one match attempt may follow through alternations with overlapping branches. */
const MAX_PATHS = 16;

/** Characters × paths an unanchored attempt may cover and still fail, for a `linear` search. */
const MAX_ATTEMPT = 64;

/** A set of characters (ASCII exactly, the rest as ranges), and whether it holds the end of the text. */
class CharSet {
  constructor(
    /** 128 bits of ASCII membership. */
    readonly ascii: Uint32Array,
    /** Sorted disjoint ranges at or above 0x80. */
    readonly wide: Range[],
    readonly end: boolean,
  ) {}

  static readonly empty = new CharSet(new Uint32Array(4), [], false);
  static readonly endOfText = new CharSet(new Uint32Array(4), [], true);

  static ofRanges(ascii: Uint32Array, ranges: Range[]): CharSet {
    const wide: Range[] = [];
    for (const [lo, hi] of ranges) if (hi >= 0x80) wide.push([Math.max(lo, 0x80), hi]);
    return new CharSet(ascii, widen(wide), false);
  }

  union(o: CharSet): CharSet {
    const ascii = new Uint32Array(4);
    for (let i = 0; i < 4; i++) ascii[i] = this.ascii[i]! | o.ascii[i]!;
    return new CharSet(ascii, widen(mergeRanges(this.wide, o.wide)), this.end || o.end);
  }

  intersect(o: CharSet): CharSet {
    const ascii = new Uint32Array(4);
    for (let i = 0; i < 4; i++) ascii[i] = this.ascii[i]! & o.ascii[i]!;
    const wide: Range[] = [];
    for (const [a, b] of this.wide) for (const [c, d] of o.wide) if (a <= d && c <= b) wide.push([Math.max(a, c), Math.min(b, d)]);
    return new CharSet(ascii, widen(mergeRanges(wide, [])), this.end && o.end);
  }

  overlaps(o: CharSet): boolean {
    if (this.end && o.end) return true;
    for (let i = 0; i < 4; i++) if ((this.ascii[i]! & o.ascii[i]!) !== 0) return true;
    for (const [a, b] of this.wide) for (const [c, d] of o.wide) if (a <= d && c <= b) return true;
    return false;
  }
}

function mergeRanges(a: Range[], b: Range[]): Range[] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function widen(r: Range[]): Range[] {
  return r.length <= MAX_WIDE_RANGES ? r : [[r[0]![0], r[r.length - 1]![1]]];
}

const classSets = new WeakMap<CharClass, CharSet>();

function classSet(cls: CharClass): CharSet {
  let set = classSets.get(cls);
  if (set === undefined) {
    const ascii = new Uint32Array(4);
    for (let c = 0; c < 0x80; c++) if (cls.has(c)) ascii[c >>> 5]! |= 1 << (c & 31);
    set = CharSet.ofRanges(ascii, cls.exactRanges ?? [[0x80, MAX_CP]]);
    classSets.set(cls, set);
  }
  return set;
}

function charSet(cp: number): CharSet {
  const ascii = new Uint32Array(4);
  if (cp < 0x80) ascii[cp >>> 5] = 1 << (cp & 31);
  return CharSet.ofRanges(ascii, [[cp, cp]]);
}

/** What a subexpression consumes, whatever follows it. */
interface Own {
  nullable: boolean;
  /** Characters it can consume first (nothing about what follows when it matches empty). */
  first: CharSet;
  /** Characters it can consume anywhere. */
  all: CharSet;
  /** Its set when it is one character class (through capture groups). */
  leaf: CharSet | undefined;
  /** The most characters it can consume (Infinity when unbounded). */
  maxLen: number;
}

/** What the rest of the pattern, after some point, does. */
interface Cont {
  /** Characters it can consume first, with `end` when it can match empty. */
  first: CharSet;
  /** The class every path consumes first, when there is no choice before it. */
  head: CharSet | undefined;
  /** Characters it can consume after `head` before it cannot fail any more. */
  afterHead: CharSet;
  /**
   * Characters it can consume before it reaches a point from which it cannot fail (empty
   * when it cannot fail at all): a match attempt that gets there succeeds.
   */
  reach: CharSet;
  /** It matches empty without any assertion, so it cannot fail. */
  cannotFail: boolean;
  /** The most characters it can consume before it reaches a point from which it cannot fail. */
  span: number;
}

class Unsafe extends Error {}

class Analysis {
  paths = 1;
  private readonly owns = new Map<Node, Own>();

  own(n: Node): Own {
    let o = this.owns.get(n);
    if (o === undefined) {
      o = this.computeOwn(n);
      this.owns.set(n, o);
    }
    return o;
  }

  private computeOwn(n: Node): Own {
    switch (n.op) {
      case 'empty':
      case 'assert':
        return { nullable: true, first: CharSet.empty, all: CharSet.empty, leaf: undefined, maxLen: 0 };
      case 'char':
      case 'class': {
        const set = n.op === 'char' ? charSet(n.cp) : classSet(n.cls);
        return { nullable: false, first: set, all: set, leaf: set, maxLen: 1 };
      }
      case 'cap':
        return this.own(n.sub);
      case 'cat': {
        let nullable = true;
        let first = CharSet.empty;
        let all = CharSet.empty;
        let maxLen = 0;
        for (const s of n.subs) {
          const o = this.own(s);
          if (nullable) first = first.union(o.first);
          nullable &&= o.nullable;
          all = all.union(o.all);
          maxLen += o.maxLen;
        }
        return { nullable, first, all, leaf: undefined, maxLen };
      }
      case 'alt': {
        let nullable = false;
        let first = CharSet.empty;
        let all = CharSet.empty;
        let maxLen = 0;
        for (const s of n.subs) {
          const o = this.own(s);
          nullable ||= o.nullable;
          first = first.union(o.first);
          all = all.union(o.all);
          maxLen = Math.max(maxLen, o.maxLen);
        }
        return { nullable, first, all, leaf: undefined, maxLen };
      }
      case 'rep': {
        if (n.max === 0) return { nullable: true, first: CharSet.empty, all: CharSet.empty, leaf: undefined, maxLen: 0 };
        const o = this.own(n.sub);
        return { nullable: n.min === 0 || o.nullable, first: o.first, all: o.all, leaf: undefined, maxLen: o.maxLen * (n.max === -1 ? Infinity : n.max) };
      }
    }
  }

  /**
   * Check `n` followed by `k`, and describe that sequence. `inLoop`: inside a quantifier
   * that may iterate more than once; `mandatory`: on a path every such iteration takes.
   */
  walk(n: Node, k: Cont, inLoop: boolean, mandatory: boolean): Cont {
    switch (n.op) {
      case 'empty':
        return k;
      case 'assert':
        return { ...k, cannotFail: false };
      case 'char':
      case 'class': {
        const set = this.own(n).first;
        return { first: set, head: set, afterHead: k.reach, reach: set.union(k.reach), cannotFail: false, span: 1 + k.span };
      }
      case 'cap':
        if (inLoop && !mandatory) throw new Unsafe();
        return this.walk(n.sub, k, inLoop, mandatory);
      case 'cat':
        for (let i = n.subs.length - 1; i >= 0; i--) k = this.walk(n.subs[i]!, k, inLoop, mandatory);
        return k;
      case 'alt': {
        let first = CharSet.empty;
        let reach = CharSet.empty;
        let cannotFail = false;
        let overlapping = false;
        let span = 0;
        for (const s of n.subs) {
          const b = this.walk(s, k, inLoop, false);
          overlapping ||= first.overlaps(b.first);
          first = first.union(b.first);
          reach = reach.union(b.reach);
          cannotFail ||= b.cannotFail;
          span = Math.max(span, b.span);
        }
        if (overlapping) {
          this.paths *= n.subs.length;
          if (inLoop || this.paths > MAX_PATHS) throw new Unsafe();
        }
        if (cannotFail) {
          reach = CharSet.empty;
          span = 0;
        }
        return { first, head: undefined, afterHead: reach, reach, cannotFail, span };
      }
      case 'rep':
        return this.rep(n, k, inLoop, mandatory);
    }
  }

  private rep(n: Extract<Node, { op: 'rep' }>, k: Cont, inLoop: boolean, mandatory: boolean): Cont {
    if (n.max === 0) return k;
    const own = this.own(n.sub);
    if (own.nullable) throw new Unsafe();
    const loops = n.max === -1 || n.max > 1;
    const reach = own.all.union(k.reach);
    // After one iteration come another iteration or what follows the quantifier.
    const bodyCannotFail = k.cannotFail && n.min <= 1;
    const bodyReach = bodyCannotFail ? CharSet.empty : reach;
    const bodyK: Cont = loops
      ? { first: own.first.union(k.first), head: undefined, afterHead: bodyReach, reach: bodyReach, cannotFail: bodyCannotFail, span: bodyCannotFail ? 0 : Infinity }
      : k;
    this.walk(n.sub, bodyK, inLoop || loops, inLoop ? mandatory && n.min > 0 : true);
    const choice = n.max === -1 || n.max > n.min;
    if (choice && own.first.overlaps(k.first)) {
      // The one ambiguity we accept; see the design note above.
      if (inLoop || own.leaf === undefined || k.head === undefined) throw new Unsafe();
      if (own.leaf.intersect(k.head).overlaps(k.afterHead)) throw new Unsafe();
    }
    const cannotFail = k.cannotFail && n.min === 0;
    return {
      first: n.min === 0 ? own.first.union(k.first) : own.first,
      head: undefined,
      afterHead: cannotFail ? CharSet.empty : reach,
      reach: cannotFail ? CharSet.empty : reach,
      cannotFail,
      // When what follows cannot fail, neither can this once its mandatory iterations are done.
      span: k.cannotFail ? own.maxLen * n.min : own.maxLen * (n.max === -1 ? Infinity : n.max) + k.span,
    };
  }
}

/** How V8's backtracking behaves on a pattern. */
export interface Safety {
  /**
   * `unsafe`: possibly super-linear, or answers that differ from Go's; `linear`: a whole
   * unanchored search is linear in the input; `perStart`: each match attempt is linear, so a
   * search from every position may be quadratic.
   */
  kind: 'unsafe' | 'linear' | 'perStart';
  /** Paths one attempt may follow (alternations with overlapping branches), at most MAX_PATHS. */
  paths: number;
}

export function backtrackSafety(node: Node): Safety {
  const a = new Analysis();
  const end: Cont = { first: CharSet.endOfText, head: undefined, afterHead: CharSet.empty, reach: CharSet.empty, cannotFail: true, span: 0 };
  let whole: Cont;
  try {
    whole = a.walk(node, end, false, true);
  } catch (e) {
    if (e instanceof Unsafe) return { kind: 'unsafe', paths: a.paths };
    throw e;
  }
  return { kind: whole.span * a.paths <= MAX_ATTEMPT ? 'linear' : 'perStart', paths: a.paths };
}
