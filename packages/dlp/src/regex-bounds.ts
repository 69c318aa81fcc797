/**
 * Upper bound on how many characters a regular expression can match, read off its source.
 *
 * The scan engine runs a keyword-gated pattern only in a window around each keyword occurrence
 * (scan.ts). When the keyword is part of the match, a window of the pattern's longest possible
 * match on either side of the keyword provably holds every match the whole-text scan would find,
 * so the engine sizes windows from this bound instead of trusting hand-written numbers.
 * Look-arounds and assertions count as zero width; a back-reference counts as its group's bound;
 * `*`, `+` and open `{n,}` make the bound infinite (the engine then scans the whole text).
 */

interface Parser {
  src: string;
  i: number;
  /** Max length of each capture group, by group number (1-based). */
  groups: number[];
  unicode: boolean;
}

/** Longest match of `re` in UTF-16 code units; `Infinity` when unbounded. */
export function maxMatchLength(re: RegExp): number {
  const p: Parser = { src: re.source, i: 0, groups: [], unicode: re.flags.includes('u') || re.flags.includes('v') };
  try {
    const n = alternation(p);
    return p.i === p.src.length ? n : Infinity;
  } catch {
    return Infinity; // unknown syntax: be safe, scan the whole text
  }
}

function alternation(p: Parser): number {
  let best = sequence(p);
  while (p.src[p.i] === '|') {
    p.i++;
    best = Math.max(best, sequence(p));
  }
  return best;
}

function sequence(p: Parser): number {
  let total = 0;
  while (p.i < p.src.length && p.src[p.i] !== '|' && p.src[p.i] !== ')') {
    const atomLen = atom(p);
    total += atomLen * quantifier(p);
  }
  return total;
}

/** Multiplier for the quantifier after an atom (1 when none). */
function quantifier(p: Parser): number {
  const c = p.src[p.i];
  let max: number;
  if (c === '*' || c === '+') {
    p.i++;
    max = Infinity;
  } else if (c === '?') {
    p.i++;
    max = 1;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.src.slice(p.i));
    if (!m) return 1; // a literal '{' (non-unicode mode)
    p.i += m[0].length;
    max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  } else {
    return 1;
  }
  if (p.src[p.i] === '?') p.i++; // lazy
  return max;
}

function atom(p: Parser): number {
  const c = p.src[p.i]!;
  if (c === '(') return group(p);
  if (c === '[') {
    charClass(p);
    return p.unicode ? 2 : 1;
  }
  if (c === '\\') return escape(p);
  if (c === '^' || c === '$') {
    p.i++;
    return 0;
  }
  p.i++;
  return 1;
}

function group(p: Parser): number {
  p.i++; // (
  let capture = true;
  let zeroWidth = false;
  if (p.src[p.i] === '?') {
    const rest = p.src.slice(p.i, p.i + 4);
    if (rest.startsWith('?:')) {
      capture = false;
      p.i += 2;
    } else if (rest.startsWith('?=') || rest.startsWith('?!')) {
      capture = false;
      zeroWidth = true;
      p.i += 2;
    } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
      capture = false;
      zeroWidth = true;
      p.i += 3;
    } else if (rest.startsWith('?<')) {
      const close = p.src.indexOf('>', p.i);
      if (close < 0) throw new Error('bad group');
      p.i = close + 1;
    } else {
      throw new Error('unsupported group');
    }
  }
  const index = capture ? p.groups.push(0) : 0;
  const len = alternation(p);
  if (p.src[p.i] !== ')') throw new Error('unbalanced');
  p.i++;
  if (capture) p.groups[index - 1] = len;
  return zeroWidth ? 0 : len;
}

function charClass(p: Parser): void {
  p.i++; // [
  if (p.src[p.i] === '^') p.i++;
  if (p.src[p.i] === ']') p.i++; // leading ']' is literal
  while (p.i < p.src.length && p.src[p.i] !== ']') p.i += p.src[p.i] === '\\' ? 2 : 1;
  if (p.src[p.i] !== ']') throw new Error('unterminated class');
  p.i++;
}

function escape(p: Parser): number {
  const c = p.src[p.i + 1];
  if (c === undefined) throw new Error('trailing backslash');
  if (c === 'b' || c === 'B') {
    p.i += 2;
    return 0;
  }
  if (c >= '1' && c <= '9') {
    const m = /^\d+/.exec(p.src.slice(p.i + 1))!;
    p.i += 1 + m[0].length;
    return p.groups[Number(m[0]) - 1] ?? Infinity;
  }
  if (c === 'k') {
    throw new Error('named back-reference');
  }
  if (c === 'x') {
    p.i += 4;
    return 1;
  }
  if (c === 'u') {
    if (p.src[p.i + 2] === '{') p.i = p.src.indexOf('}', p.i) + 1;
    else p.i += 6;
    return 2;
  }
  if (c === 'p' || c === 'P') {
    p.i = p.src.indexOf('}', p.i) + 1;
    return 2;
  }
  if (c === 'c') {
    p.i += 3;
    return 1;
  }
  p.i += 2;
  return 1;
}
