/**
 * Character classes for the RE2 engine: sets of code points as sorted ranges, the named sets
 * Go defines (POSIX `[:alpha:]`, Perl `\d \s \w`, all ASCII-only as in Go), simple case
 * folding for `(?i)`, and Unicode properties (`\pL`, `\p{Greek}`).
 *
 * Unicode property tables are not shipped: a class keeps a single-character JS RegExp made of
 * `\p{…}` items and asks it about code points outside its ranges. That RegExp has no
 * quantifier, so each question is constant time; matching stays the engine's.
 */

/** An inclusive range of code points. */
export type Range = [number, number];

export const MAX_CP = 0x10ffff;

/** Thrown by class helpers; the parser turns it into an RE2 syntax error with the pattern text. */
export class ClassError extends Error {}

/** POSIX classes Go supports inside brackets, as ASCII ranges. */
export const posixClasses: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

/** Perl classes (`\d \s \w`) as Go defines them: ASCII only (`\s` has no `\v`). */
export const perlClasses: Record<string, Range[]> = {
  d: posixClasses.digit!,
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: posixClasses.word!,
};

export function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

export function negate(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

/** Members of simple case-folding orbits that toLowerCase/toUpperCase miss (Kelvin, long s). */
const foldExtras: Record<number, number[]> = {
  0x6b: [0x212a],
  0x4b: [0x212a],
  0x212a: [0x6b, 0x4b],
  0x73: [0x17f],
  0x53: [0x17f],
  0x17f: [0x73, 0x53],
};

/** The code points equal to `c` under simple case folding, `c` first. */
export function caseVariants(c: number): number[] {
  const ch = String.fromCodePoint(c);
  const out = new Set<number>([c]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    const cps = [...v];
    if (cps.length === 1) out.add(cps[0]!.codePointAt(0)!);
  }
  for (const x of foldExtras[c] ?? []) out.add(x);
  return [...out];
}

/**
 * Add case variants to ranges. Ranges wider than 2,000 code points are taken as they are:
 * such ranges already hold (nearly) both cases, and folding them one by one would make a
 * hostile `(?i)[\x{0}-\x{10FFFF}]` cost a million look-ups.
 */
export function foldRanges(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    if (hi - lo > 2000) continue;
    for (let c = lo; c <= hi; c++) for (const v of caseVariants(c)) if (v !== c) out.push([v, v]);
  }
  return normalize(out);
}

/**
 * JS source for a Unicode class as Go spells it (`L`, `Lu`, `Greek`; `Any` is handled by the
 * caller). Throws ClassError for a name JS does not know either.
 */
export function unicodeProperty(name: string, negated: boolean): string {
  let js: string;
  if (/^[A-Z][a-z]?$/.test(name)) js = name;
  else if (/^[A-Z][A-Za-z_]+$/.test(name)) js = `Script=${name}`;
  else throw new ClassError('invalid character class range');
  const src = `\\${negated ? 'P' : 'p'}{${js}}`;
  try {
    new RegExp(src, 'u');
  } catch {
    throw new ClassError('invalid character class range');
  }
  return src;
}

/** A code point as JS RegExp source (with the `u` flag): letters and digits as they are. */
export function jsCodePoint(c: number): string {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? String.fromCharCode(c) : `\\u{${c.toString(16)}}`;
}

/**
 * A set of code points: sorted disjoint ranges, optional Unicode property items, and a
 * negation applied last. ASCII answers come from a precomputed table, since policies mostly
 * match ASCII text.
 */
export class CharClass {
  private readonly bounds: Int32Array;
  private readonly props: RegExp | undefined;
  private readonly ascii = new Uint8Array(128);

  constructor(
    ranges: Range[],
    private readonly propSources: string[] = [],
    readonly negated = false,
    private readonly fold = false,
  ) {
    const norm = normalize(ranges);
    this.bounds = new Int32Array(norm.length * 2);
    norm.forEach(([lo, hi], i) => {
      this.bounds[2 * i] = lo;
      this.bounds[2 * i + 1] = hi;
    });
    this.props = propSources.length > 0 ? new RegExp(`^[${propSources.join('')}]$`, fold ? 'iu' : 'u') : undefined;
    for (let c = 0; c < 128; c++) this.ascii[c] = this.slowHas(c) ? 1 : 0;
  }

  /** The ranges, when the class is exactly a set of ranges (no properties, not negated). */
  get plainRanges(): Range[] | undefined {
    if (this.props || this.negated) return undefined;
    const out: Range[] = [];
    for (let i = 0; i < this.bounds.length; i += 2) out.push([this.bounds[i]!, this.bounds[i + 1]!]);
    return out;
  }

  /**
   * The members as ranges, negation applied; undefined when Unicode properties are involved,
   * since their tables live only inside V8.
   */
  get exactRanges(): Range[] | undefined {
    if (this.props) return undefined;
    const own: Range[] = [];
    for (let i = 0; i < this.bounds.length; i += 2) own.push([this.bounds[i]!, this.bounds[i + 1]!]);
    return this.negated ? negate(own) : own;
  }

  /**
   * The class as JS source for a RegExp with the `u` flag (and no `i`), or undefined when it
   * cannot be written so: folding a Unicode property needs the `i` flag on the property.
   */
  jsSource(): string | undefined {
    if (this.props && this.fold) return undefined;
    const own: Range[] = [];
    for (let i = 0; i < this.bounds.length; i += 2) own.push([this.bounds[i]!, this.bounds[i + 1]!]);
    let negated = this.negated;
    let ranges = own;
    if (!this.props) {
      // `.` is far shorter as [^\n] than as its two ranges, and V8 scans it faster.
      const complement = negate(own);
      if (complement.length < own.length) {
        ranges = complement;
        negated = !negated;
      }
    }
    const body = ranges.map(([lo, hi]) => (lo === hi ? jsCodePoint(lo) : `${jsCodePoint(lo)}-${jsCodePoint(hi)}`)).join('');
    return `[${negated ? '^' : ''}${body}${this.propSources.join('')}]`;
  }

  has(c: number): boolean {
    return c < 128 ? this.ascii[c] === 1 : this.slowHas(c);
  }

  private slowHas(c: number): boolean {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length / 2 - 1;
    let inRanges = false;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (c < b[2 * mid]!) hi = mid - 1;
      else if (c > b[2 * mid + 1]!) lo = mid + 1;
      else {
        inRanges = true;
        break;
      }
    }
    if (!inRanges && this.props) inRanges = this.props.test(String.fromCodePoint(c));
    return inRanges !== this.negated;
  }
}
