/**
 * Intersection of two glob-style regular expressions, for `regex.globs_match`. The
 * expressions are implicitly anchored and use a small syntax: `.` (any character), `[…]`
 * sets with `-` ranges, `+` and `*` after a token, and `\` to escape. Two globs intersect
 * when some non-empty string matches both.
 *
 * We decide this exactly with a product-automaton search over (position in glob 1,
 * position in glob 2), rather than by the greedy heuristics of the Go library OPA uses;
 * syntax errors are reported with that library's wording so messages match OPA's.
 */
import { normalize, type Range } from './regexp/charclass.ts';

export class GlobSyntaxError extends Error {
  constructor(input: string, pos: number, message: string) {
    super(`input:${input}, pos:${pos}, ${message}: the input provided is invalid`);
    this.name = 'GlobSyntaxError';
  }
}

/** A set is kept as sorted, merged ranges: `[\x00-\x{10FFFF}]` must not list a million characters. */
type Matcher = { kind: 'char'; c: number } | { kind: 'dot' } | { kind: 'set'; ranges: Range[] };

interface Token {
  m: Matcher;
  /** `*` (zero or more) when true; `+` is expanded to a plain token followed by a starred one. */
  star: boolean;
}

function tokenize(input: string): Token[] {
  const rs = [...input];
  const out: Token[] = [];
  let i = 0;
  /** The next rune and whether it was escaped; advances i. */
  const next = (): { r: string; escaped: boolean } => {
    if (rs[i] === '\\') {
      if (i === rs.length - 1) throw new GlobSyntaxError(input, i, 'input ends with a \\ (escape) character');
      i += 2;
      return { r: rs[i - 1]!, escaped: true };
    }
    i += 1;
    return { r: rs[i - 1]!, escaped: false };
  };
  while (i < rs.length) {
    const { r, escaped } = next();
    let m: Matcher;
    if (!escaped && r === '.') m = { kind: 'dot' };
    else if (!escaped && r === ']') throw new GlobSyntaxError(input, i, "set-close ']' with no preceding '['");
    else if (!escaped && r === '[') m = { kind: 'set', ranges: normalize(readSet()) };
    else if (!escaped && (r === '+' || r === '*')) throw new GlobSyntaxError(input, i, `flag '${r}' must be preceded by a non-flag`);
    else m = { kind: 'char', c: r.codePointAt(0)! };
    // An unescaped flag right after the token applies to it.
    const f = rs[i];
    if (f === '+' || f === '*') {
      i++;
      if (f === '+') out.push({ m, star: false });
      out.push({ m, star: true });
    } else out.push({ m, star: false });
  }
  return out;

  function readSet(): Range[] {
    const chars: Range[] = [];
    let prev: string | undefined;
    while (i < rs.length) {
      const { r, escaped } = next();
      if (!escaped && r === ']') return chars;
      if (!escaped && r === '-') {
        if (prev === undefined) throw new GlobSyntaxError(input, i, "range character '-' must be preceded by a Unicode character");
        if (i >= rs.length - 1) throw new GlobSyntaxError(input, i, "range character '-' must be followed by a Unicode character");
        const hi = next();
        if (!hi.escaped && (hi.r === ']' || hi.r === '-')) throw new GlobSyntaxError(input, i, "range character '-' cannot be followed by a special symbol");
        const lo = prev.codePointAt(0)!;
        const top = hi.r.codePointAt(0)!;
        if (top < lo) throw new GlobSyntaxError(input, i, `range is out of order: '${hi.r}' comes before '${prev}' in Unicode`);
        chars.push([lo, top]);
        prev = undefined;
        continue;
      }
      chars.push([r.codePointAt(0)!, r.codePointAt(0)!]);
      prev = r;
    }
    throw new GlobSyntaxError(input, i, 'found [ without matching ]');
  }
}

const inRanges = (c: number, rs: Range[]): boolean => rs.some(([lo, hi]) => lo <= c && c <= hi);

/** Whether some character matches both matchers. */
function overlap(a: Matcher, b: Matcher): boolean {
  if (a.kind === 'dot') return b.kind !== 'set' || b.ranges.length > 0;
  if (b.kind === 'dot') return overlap(b, a);
  if (a.kind === 'char') return b.kind === 'char' ? a.c === b.c : inRanges(a.c, b.ranges);
  if (b.kind === 'char') return inRanges(b.c, a.ranges);
  // Both sorted and disjoint: walk them together.
  let i = 0;
  let j = 0;
  while (i < a.ranges.length && j < b.ranges.length) {
    const [alo, ahi] = a.ranges[i]!;
    const [blo, bhi] = b.ranges[j]!;
    if (alo <= bhi && blo <= ahi) return true;
    if (ahi < bhi) i++;
    else j++;
  }
  return false;
}

/** True if a non-empty string matches both globs. Throws GlobSyntaxError. */
export function globsIntersect(g1: string, g2: string): boolean {
  const a = tokenize(g1);
  const b = tokenize(g2);
  // States (i, j, consumed): positions in each glob and whether a character was read.
  const key = (i: number, j: number, c: boolean): number => (i * (b.length + 1) + j) * 2 + (c ? 1 : 0);
  const seen = new Set<number>();
  const stack: [number, number, boolean][] = [];
  const push = (i: number, j: number, c: boolean): void => {
    const k = key(i, j, c);
    if (seen.has(k)) return;
    seen.add(k);
    stack.push([i, j, c]);
  };
  push(0, 0, false);
  while (stack.length > 0) {
    const [i, j, c] = stack.pop()!;
    if (i === a.length && j === b.length && c) return true;
    // Skipping a starred token consumes nothing.
    if (i < a.length && a[i]!.star) push(i + 1, j, c);
    if (j < b.length && b[j]!.star) push(i, j + 1, c);
    // Both read one common character.
    if (i < a.length && j < b.length && overlap(a[i]!.m, b[j]!.m)) {
      push(a[i]!.star ? i : i + 1, b[j]!.star ? j : j + 1, true);
    }
  }
  return false;
}
