/**
 * The RE2 parser: Go `regexp/syntax` patterns into a small AST. OPA's regex built-ins use Go's
 * `regexp`, whose syntax policies rely on: inline flags `(?i)`, `(?s)`, `(?m)`, `(?U)` and
 * scoped `(?i:…)`; `(?P<name>…)` and `(?<name>…)`; `\A`, `\z`, `\Q…\E`, `\pL`, `\p{Greek}`,
 * POSIX classes `[[:alpha:]]`, `\x{…}`; a lone `{` or `}` is a literal and `]` first in a class
 * is a literal. Backreferences, lookaround and atomic groups are rejected with Go's wording,
 * e.g. "error parsing regexp: invalid escape sequence: `\1`".
 *
 * Flags are resolved here, so the AST has no flags: `.` becomes a class with or without `\n`,
 * `^`/`$` become line or text assertions, case folding becomes classes, `(?U)` swaps greediness.
 */
import type { Assert } from './assertions.ts';
import { CharClass, ClassError, caseVariants, foldRanges, MAX_CP, negate, perlClasses, posixClasses, unicodeProperty, type Range } from './charclass.ts';

/** Zero-width assertions: `^`/`$` in multi-line mode, `\A` (and `^`), `\z` (and `$`), `\b`, `\B`. */
export type Assertion = keyof typeof Assert;

export type Node =
  | { op: 'empty' }
  | { op: 'char'; cp: number }
  | { op: 'class'; cls: CharClass }
  | { op: 'assert'; kind: Assertion }
  | { op: 'cap'; index: number; sub: Node }
  | { op: 'cat'; subs: Node[] }
  | { op: 'alt'; subs: Node[] }
  /** `max` is -1 for no upper bound. */
  | { op: 'rep'; min: number; max: number; greedy: boolean; sub: Node };

export interface Parsed {
  node: Node;
  /** Capture group names by group number (index 0 unused); '' for unnamed groups. */
  names: string[];
}

export class Re2SyntaxError extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
    this.name = 'Re2SyntaxError';
  }
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

/** Go rejects `{n,m}` with n or m above 1,000. */
export const MAX_REPEAT = 1000;
/** Go rejects nesting deeper than 1,000; it also keeps our recursive passes off the stack limit. */
const MAX_DEPTH = 1000;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordChar = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_]$/.test(c);

const ANY = new CharClass([[0, MAX_CP]]);
const ANY_BUT_NL = new CharClass([
  [0, 0x09],
  [0x0b, MAX_CP],
]);

/** A class member parsed from an escape: a code point, ranges, or a Unicode property's JS source. */
type ClassItem = number | Range[] | string;

class Parser {
  private pos = 0;
  private readonly names: string[] = [''];
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): Parsed {
    const node = this.alternation({ i: false, m: false, s: false, U: false });
    if (this.pos < this.src.length) throw new Re2SyntaxError('unexpected )', this.src);
    return { node, names: this.names };
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  /** The next code point (not UTF-16 unit). */
  private nextChar(): string {
    const cp = this.src.codePointAt(this.pos)!;
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    return ch;
  }

  private alternation(flags: Flags): Node {
    const subs: Node[] = [this.sequence(flags)];
    while (this.peek() === '|') {
      this.pos++;
      subs.push(this.sequence(flags));
    }
    return subs.length === 1 ? subs[0]! : { op: 'alt', subs };
  }

  /** A sequence of quantified atoms, up to `|`, `)` or the end. */
  private sequence(flags: Flags): Node {
    const subs: Node[] = [];
    // Whether the last item may take a quantifier, and where its quantifier began.
    let canRepeat = false;
    let lastQuantStart = -1;
    while (this.pos < this.src.length) {
      const c = this.peek()!;
      if (c === '|' || c === ')') break;
      const qStart = this.pos;
      const q = this.quantifier(flags);
      if (q !== undefined) {
        if (lastQuantStart >= 0) throw new Re2SyntaxError('invalid nested repetition operator', this.src.slice(lastQuantStart, this.pos));
        if (!canRepeat) throw new Re2SyntaxError('missing argument to repetition operator', this.src.slice(qStart, this.pos));
        subs.push({ op: 'rep', ...q, sub: subs.pop()! });
        lastQuantStart = qStart;
        continue;
      }
      const atom = this.atom(flags);
      if (atom === undefined) continue; // a flag group: nothing to quantify
      subs.push(...atom);
      // After `\Q…\E` a quantifier applies to the last literal, as in Go.
      canRepeat = atom.length > 0;
      lastQuantStart = -1;
    }
    if (subs.length === 0) return { op: 'empty' };
    return subs.length === 1 ? subs[0]! : { op: 'cat', subs };
  }

  /** A quantifier at the current position, or undefined (a `{` that is not one is a literal). */
  private quantifier(flags: Flags): { min: number; max: number; greedy: boolean } | undefined {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : -1;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 16));
      if (!m) return undefined;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : -1;
      if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) throw new Re2SyntaxError('invalid repeat count', m[0]);
      this.pos += m[0].length;
    } else return undefined;
    let greedy = true;
    if (this.peek() === '?') {
      this.pos++;
      greedy = false;
    }
    // (?U) swaps greedy and lazy.
    if (flags.U) greedy = !greedy;
    return { min, max, greedy };
  }

  private literal(cp: number, flags: Flags): Node {
    if (flags.i) {
      const vs = caseVariants(cp);
      if (vs.length > 1) return { op: 'class', cls: new CharClass(vs.map((v): Range => [v, v])) };
    }
    return { op: 'char', cp };
  }

  /** One atom (a literal run from `\Q…\E` gives several), or undefined for a flag group. */
  private atom(flags: Flags): Node[] | undefined {
    const start = this.pos;
    const c = this.nextChar();
    switch (c) {
      case '.':
        return [{ op: 'class', cls: flags.s ? ANY : ANY_BUT_NL }];
      case '^':
        return [{ op: 'assert', kind: flags.m ? 'bol' : 'bot' }];
      case '$':
        return [{ op: 'assert', kind: flags.m ? 'eol' : 'eot' }];
      case '[':
        return [this.charClass(flags, start)];
      case '(': {
        const g = this.group(flags, start);
        return g === undefined ? undefined : [g];
      }
      case '\\':
        return this.escape(flags, start);
      default:
        return [this.literal(c.codePointAt(0)!, flags)];
    }
  }

  private group(flags: Flags, start: number): Node | undefined {
    let name: string | undefined;
    let capture = true;
    let inner: Flags = flags;
    if (this.peek() === '?') {
      const rest = this.src.slice(this.pos, this.pos + 256);
      const named = /^\?P?<([^>]*)>/.exec(rest);
      const flagGroup = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
      if (rest.startsWith('?:')) {
        this.pos += 2;
        capture = false;
      } else if (named && !rest.startsWith('?<=') && !rest.startsWith('?<!')) {
        if (!/^[A-Za-z0-9_]+$/.test(named[1]!)) throw new Re2SyntaxError('invalid named capture', this.src.slice(start, this.pos + named[0].length));
        if (this.names.includes(named[1]!)) throw new Re2SyntaxError('duplicate capture group name', named[1]!);
        name = named[1]!;
        this.pos += named[0].length;
      } else if (flagGroup && (flagGroup[1] !== '' || (flagGroup[2] ?? '') !== '')) {
        const next: Flags = { ...flags };
        for (const f of flagGroup[1]!) next[f as keyof Flags] = true;
        for (const f of flagGroup[2] ?? '') next[f as keyof Flags] = false;
        this.pos += flagGroup[0].length;
        if (flagGroup[3] === ')') {
          // `(?flags)` changes the flags for the rest of the enclosing group.
          Object.assign(flags, next);
          return undefined;
        }
        capture = false;
        inner = next;
      } else {
        // Lookaround, atomic groups, comments and anything else Perl has but RE2 lacks.
        throw new Re2SyntaxError('invalid or unsupported Perl syntax', this.src.slice(start, Math.min(this.src.length, this.pos + 2)));
      }
    }
    const index = capture ? this.names.push(name ?? '') - 1 : -1;
    if (++this.depth > MAX_DEPTH) throw new Re2SyntaxError('expression nests too deeply', this.src);
    const body = this.alternation({ ...inner });
    this.depth--;
    if (this.peek() !== ')') throw new Re2SyntaxError('missing closing )', this.src.slice(start));
    this.pos++;
    return capture ? { op: 'cap', index, sub: body } : body;
  }

  /** An escape outside a class. */
  private escape(flags: Flags, start: number): Node[] {
    if (this.pos >= this.src.length) throw new Re2SyntaxError('trailing backslash at end of expression', '');
    const c = this.peek()!;
    switch (c) {
      case 'A':
        this.pos++;
        return [{ op: 'assert', kind: 'bot' }];
      case 'z':
        this.pos++;
        return [{ op: 'assert', kind: 'eot' }];
      case 'b':
        this.pos++;
        return [{ op: 'assert', kind: 'word' }];
      case 'B':
        this.pos++;
        return [{ op: 'assert', kind: 'nonword' }];
      case 'Q': {
        this.pos++;
        const end = this.src.indexOf('\\E', this.pos);
        const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
        this.pos = end < 0 ? this.src.length : end + 2;
        const lits = [...text].map((ch) => this.literal(ch.codePointAt(0)!, flags));
        return lits.length === 0 ? [{ op: 'empty' }] : lits;
      }
    }
    const item = this.classEscape(start);
    if (typeof item === 'number') return [this.literal(item, flags)];
    return [this.classNode(typeof item === 'string' ? [] : item, typeof item === 'string' ? [item] : [], false, flags)];
  }

  private classNode(ranges: Range[], props: string[], negated: boolean, flags: Flags): Node {
    return { op: 'class', cls: new CharClass(flags.i ? foldRanges(ranges) : ranges, props, negated, flags.i) };
  }

  /**
   * An escape usable inside or outside a class (the backslash already consumed): a single
   * code point, a set of ranges (`\d`), or a Unicode property's JS source (`\p{…}`).
   */
  private classEscape(start: number): ClassItem {
    const c = this.nextChar();
    switch (c) {
      case 'a':
        return 0x07;
      case 'f':
        return 0x0c;
      case 't':
        return 0x09;
      case 'n':
        return 0x0a;
      case 'r':
        return 0x0d;
      case 'v':
        return 0x0b;
      case 'd':
      case 's':
      case 'w':
        return perlClasses[c]!;
      case 'D':
      case 'S':
      case 'W':
        return negate(perlClasses[c.toLowerCase()]!);
      case 'p':
      case 'P':
        return this.property(c === 'P', start);
      case 'x': {
        if (this.peek() === '{') {
          const end = this.src.indexOf('}', this.pos);
          const hex = end < 0 ? '' : this.src.slice(this.pos + 1, end);
          if (!/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > MAX_CP) throw new Re2SyntaxError('invalid escape sequence', this.src.slice(start, end < 0 ? undefined : end + 1));
          this.pos = end + 1;
          return parseInt(hex, 16);
        }
        const hex = this.src.slice(this.pos, this.pos + 2);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Re2SyntaxError('invalid escape sequence', this.src.slice(start, this.pos + hex.length));
        this.pos += 2;
        return parseInt(hex, 16);
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        // A single non-zero digit would be a backreference, which RE2 does not support.
        if (c !== '0' && !isDigit(this.peek())) throw new Re2SyntaxError('invalid escape sequence', this.src.slice(start, this.pos));
        let digits = c;
        while (digits.length < 3 && this.peek() !== undefined && this.peek()! >= '0' && this.peek()! <= '7') digits += this.nextChar();
        return parseInt(digits, 8);
      }
      default:
        // Any punctuation may be escaped to stand for itself; letters and digits may not.
        if (c.codePointAt(0)! < 0x80 && !isWordChar(c)) return c.codePointAt(0)!;
        throw new Re2SyntaxError('invalid escape sequence', this.src.slice(start, this.pos));
    }
  }

  /** `\pL`, `\p{Greek}`, `\P{^L}` (after the `p`/`P`). */
  private property(negatedEscape: boolean, start: number): ClassItem {
    let name: string;
    if (this.peek() === '{') {
      const end = this.src.indexOf('}', this.pos);
      if (end < 0) throw new Re2SyntaxError('invalid character class range', this.src.slice(start));
      name = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      if (this.pos >= this.src.length) throw new Re2SyntaxError('invalid character class range', this.src.slice(start));
      name = this.nextChar();
    }
    let negated = negatedEscape;
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    if (name === 'Any') return negated ? [] : [[0, MAX_CP]];
    try {
      return unicodeProperty(name, negated);
    } catch (e) {
      if (e instanceof ClassError) throw new Re2SyntaxError(e.message, this.src.slice(start, this.pos));
      throw e;
    }
  }

  /** A bracketed class, from just after `[`. */
  private charClass(flags: Flags, start: number): Node {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    const props: string[] = [];
    let first = true;
    for (;;) {
      if (this.pos >= this.src.length) throw new Re2SyntaxError('missing closing ]', this.src.slice(start));
      const c = this.peek()!;
      // `]` closes the class, except as its first member, where it is a literal.
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      const itemStart = this.pos;
      if (c === '[' && this.peek(1) === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos, this.pos + 16));
        if (m) {
          const cls = posixClasses[m[2]!];
          if (!cls) throw new Re2SyntaxError('invalid character class range', m[0]);
          ranges.push(...(m[1] ? negate(cls) : cls));
          this.pos += m[0].length;
          continue;
        }
      }
      const lo = this.classAtom(start);
      if (typeof lo !== 'number') {
        if (typeof lo === 'string') props.push(lo);
        else ranges.push(...lo);
        continue;
      }
      // A range `a-z` (a `-` before `]` is a literal).
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const hi = this.classAtom(start);
        if (typeof hi !== 'number' || hi < lo) throw new Re2SyntaxError('invalid character class range', this.src.slice(itemStart, this.pos));
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    return this.classNode(ranges, props, negated, flags);
  }

  private classAtom(start: number): ClassItem {
    const atomStart = this.pos;
    const c = this.nextChar();
    if (c === '\\') {
      if (this.pos >= this.src.length) throw new Re2SyntaxError('missing closing ]', this.src.slice(start));
      return this.classEscape(atomStart);
    }
    return c.codePointAt(0)!;
  }
}

/** Parse a Go RE2 pattern; throws Re2SyntaxError when Go would reject it. */
export function parseRe2(pattern: string): Parsed {
  return new Parser(pattern).parse();
}
