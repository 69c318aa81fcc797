/**
 * Compiles the RE2 AST into a Thompson-NFA program for the Pike VM (pikevm.ts): consuming
 * instructions (a code point, a class), SPLIT with a preferred branch (that order is what
 * gives Go's leftmost-first answers), SAVE of a capture slot, zero-width ASSERT, MATCH.
 *
 * Counted repetitions are expanded, so a program can grow as the product of nested counts;
 * programs above MAX_INST instructions are rejected ("expression too large") because matching
 * costs program size × input length.
 *
 * The compiler also reads off what the searcher can use to skip work: a literal prefix every
 * match starts with (found with indexOf), whether the pattern only matches at the start of the
 * text, and whether the whole pattern is one literal.
 */
import { Assert } from './assertions.ts';
import type { CharClass } from './charclass.ts';
import { MAX_CP } from './charclass.ts';
import { Re2SyntaxError, type Node } from './parse.ts';

/** Instruction codes (plain numbers: the VM's switch stays a jump table). */
export const Op = {
  Match: 0,
  Char: 1,
  Class: 2,
  /** Any code point. */
  Any: 3,
  /** Any code point but `\n`. */
  AnyNotNL: 4,
  Split: 5,
  Save: 6,
  Assert: 7,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/**
 * Programs are capped well below Go's limit (about 3 million instructions): our threads live
 * in typed arrays sized by the program, and (a{1000}){250} is already beyond any real policy.
 */
export const MAX_INST = 250_000;

export interface Prog {
  op: Uint8Array;
  /** Code point (Char), class index (Class), capture slot (Save), assertion code (Assert). */
  arg: Int32Array;
  out: Int32Array;
  /** The less preferred branch of a Split. */
  out1: Int32Array;
  classes: CharClass[];
  start: number;
  /** Capture slots: 2 × (groups + 1). */
  nslots: number;
  /** Every match starts at the beginning of the text (`^` without `m`, `\A`). */
  anchored: boolean;
  /** A case-sensitive literal every match starts with ('' when unknown). */
  prefix: string;
  /** The pattern is exactly this literal text, without groups (undefined otherwise). */
  literal: string | undefined;
  /**
   * Which ASCII characters a match can begin with (1 = may), when every match consumes a
   * character: searchers skip the other positions. Undefined when some match may be empty.
   */
  first: Uint8Array | undefined;
  /** Whether a match can begin with a character outside ASCII. */
  firstWide: boolean;
}

class Builder {
  readonly op: number[] = [];
  readonly arg: number[] = [];
  readonly out: number[] = [];
  readonly out1: number[] = [];
  readonly classes: CharClass[] = [];

  constructor(private readonly pattern: string) {}

  emit(op: Op, arg: number, out: number, out1 = -1): number {
    if (this.op.length >= MAX_INST) throw new Re2SyntaxError('expression too large', this.pattern);
    this.op.push(op);
    this.arg.push(arg);
    this.out.push(out);
    this.out1.push(out1);
    return this.op.length - 1;
  }

  /**
   * Emit `node` so that it continues at `next`; returns its entry. Building back to front
   * needs no patch lists: every continuation exists before the code that jumps to it.
   */
  node(n: Node, next: number): number {
    switch (n.op) {
      case 'empty':
        return next;
      case 'char':
        return this.emit(Op.Char, n.cp, next);
      case 'class':
        return this.charClass(n.cls, next);
      case 'assert':
        return this.emit(Op.Assert, Assert[n.kind], next);
      case 'cap': {
        const close = this.emit(Op.Save, 2 * n.index + 1, next);
        return this.emit(Op.Save, 2 * n.index, this.node(n.sub, close));
      }
      case 'cat':
        for (let i = n.subs.length - 1; i >= 0; i--) next = this.node(n.subs[i]!, next);
        return next;
      case 'alt': {
        let entry = this.node(n.subs[n.subs.length - 1]!, next);
        for (let i = n.subs.length - 2; i >= 0; i--) entry = this.emit(Op.Split, 0, this.node(n.subs[i]!, next), entry);
        return entry;
      }
      case 'rep':
        return this.repeat(n.sub, n.min, n.max, n.greedy, next);
    }
  }

  private charClass(cls: CharClass, next: number): number {
    const r = cls.plainRanges;
    if (r && r.length === 1 && r[0]![0] === 0 && r[0]![1] === MAX_CP) return this.emit(Op.Any, 0, next);
    if (r && r.length === 2 && r[0]![0] === 0 && r[0]![1] === 9 && r[1]![0] === 11 && r[1]![1] === MAX_CP) return this.emit(Op.AnyNotNL, 0, next);
    this.classes.push(cls);
    return this.emit(Op.Class, this.classes.length - 1, next);
  }

  /** Prefer `a` when greedy, `b` otherwise. */
  private split(greedy: boolean, a: number, b: number): number {
    return greedy ? this.emit(Op.Split, 0, a, b) : this.emit(Op.Split, 0, b, a);
  }

  private repeat(sub: Node, min: number, max: number, greedy: boolean, next: number): number {
    if (max === -1) {
      // Go compiles x* for an x that can match empty as (x+)?, so x still runs once and its
      // groups record that empty match; we follow, since OPA's answers show it.
      if (min === 0 && !nullable(sub)) return this.star(sub, greedy, next);
      let t = this.plus(sub, greedy, next);
      if (min === 0) return this.split(greedy, t, next);
      for (let i = 1; i < min; i++) t = this.node(sub, t);
      return t;
    }
    // x{n,m}: n copies, then m-n nested optional copies: xx(x(x)?)?.
    let t = next;
    for (let i = min; i < max; i++) t = this.split(greedy, this.node(sub, t), next);
    for (let i = 0; i < min; i++) t = this.node(sub, t);
    return t;
  }

  private star(sub: Node, greedy: boolean, next: number): number {
    const loop = this.emit(Op.Split, 0, -1, -1);
    const body = this.node(sub, loop);
    this.out[loop] = greedy ? body : next;
    this.out1[loop] = greedy ? next : body;
    return loop;
  }

  private plus(sub: Node, greedy: boolean, next: number): number {
    const loop = this.emit(Op.Split, 0, -1, -1);
    const body = this.node(sub, loop);
    this.out[loop] = greedy ? body : next;
    this.out1[loop] = greedy ? next : body;
    return body;
  }
}

/** Whether `n` can match the empty string. */
function nullable(n: Node): boolean {
  switch (n.op) {
    case 'empty':
    case 'assert':
      return true;
    case 'char':
    case 'class':
      return false;
    case 'cap':
      return nullable(n.sub);
    case 'cat':
      return n.subs.every(nullable);
    case 'alt':
      return n.subs.some(nullable);
    case 'rep':
      return n.min === 0 || nullable(n.sub);
  }
}

/** The literal text every match of `n` starts with, and whether `n` is exactly that text. */
function literalPrefix(n: Node): { text: string; whole: boolean } {
  switch (n.op) {
    case 'empty':
      return { text: '', whole: true };
    case 'char':
      return { text: String.fromCodePoint(n.cp), whole: true };
    case 'cap':
      return { text: literalPrefix(n.sub).text, whole: false };
    case 'cat': {
      let text = '';
      for (const s of n.subs) {
        const p = literalPrefix(s);
        text += p.text;
        if (!p.whole) return { text, whole: false };
      }
      return { text, whole: true };
    }
    case 'rep':
      return { text: n.min > 0 ? literalPrefix(n.sub).text : '', whole: false };
    default:
      return { text: '', whole: false };
  }
}

function anchoredAtStart(n: Node): boolean {
  switch (n.op) {
    case 'assert':
      return n.kind === 'bot';
    case 'cap':
      return anchoredAtStart(n.sub);
    case 'cat':
      return n.subs.length > 0 && anchoredAtStart(n.subs[0]!);
    case 'alt':
      return n.subs.every(anchoredAtStart);
    default:
      return false;
  }
}

/** The characters a match can begin with: what the instructions reachable from `start` without input consume. */
function firstChars(op: Uint8Array, arg: Int32Array, out: Int32Array, out1: Int32Array, classes: CharClass[], start: number): { first: Uint8Array | undefined; firstWide: boolean } {
  const first = new Uint8Array(128);
  let firstWide = false;
  const seen = new Uint8Array(op.length);
  const stack = [start];
  while (stack.length > 0) {
    const pc = stack.pop()!;
    if (seen[pc]) continue;
    seen[pc] = 1;
    switch (op[pc]) {
      case Op.Match:
        return { first: undefined, firstWide: true };
      case Op.Split:
        stack.push(out[pc]!, out1[pc]!);
        break;
      case Op.Save:
      case Op.Assert:
        // An assertion only narrows where a match begins; passing over it stays a superset.
        stack.push(out[pc]!);
        break;
      case Op.Char: {
        const c = arg[pc]!;
        if (c < 0x80) first[c] = 1;
        else firstWide = true;
        break;
      }
      case Op.Class: {
        const cls = classes[arg[pc]!]!;
        for (let c = 0; c < 0x80; c++) if (cls.has(c)) first[c] = 1;
        const ranges = cls.exactRanges;
        firstWide ||= ranges === undefined || ranges.some(([, hi]) => hi >= 0x80);
        break;
      }
      default:
        first.fill(1);
        firstWide = true;
    }
  }
  // A set that lets everything through would only slow the searchers down.
  return { first: firstWide && first.every((x) => x === 1) ? undefined : first, firstWide };
}

/** Compile a parsed pattern with `groups` capture groups; throws Re2SyntaxError when too large. */
export function compileProg(node: Node, groups: number, pattern: string): Prog {
  const b = new Builder(pattern);
  const match = b.emit(Op.Match, 0, -1);
  const close = b.emit(Op.Save, 1, match);
  const start = b.emit(Op.Save, 0, b.node(node, close));
  const lit = literalPrefix(node);
  const op = Uint8Array.from(b.op);
  const arg = Int32Array.from(b.arg);
  const out = Int32Array.from(b.out);
  const out1 = Int32Array.from(b.out1);
  return {
    op,
    arg,
    out,
    out1,
    classes: b.classes,
    start,
    ...firstChars(op, arg, out, out1, b.classes, start),
    nslots: 2 * (groups + 1),
    anchored: anchoredAtStart(node),
    prefix: lit.text,
    literal: lit.whole && groups === 0 ? lit.text : undefined,
  };
}
