/**
 * Go RE2 regular expressions on top of JS RegExp. OPA's regex built-ins use Go's `regexp`
 * package, whose syntax and semantics differ from JS in ways policies notice:
 *   - `.` excludes only `\n` (JS also excludes `\r`, U+2028, U+2029); `\s` is ASCII
 *     whitespace without `\v`; `^`/`$` in multi-line mode break only at `\n`;
 *   - inline flags `(?i)`, `(?s)`, `(?m)`, `(?U)` and scoped `(?i:…)`; `(?P<name>…)`;
 *     `\A`, `\z`, `\Q…\E`, `\pL`, `\p{Greek}`, POSIX classes `[[:alpha:]]`, `\x{…}`;
 *   - a lone `{` or `}` is a literal, and `]` first in a class is a literal;
 *   - backreferences, lookaround and atomic groups are rejected, with Go's wording:
 *     "error parsing regexp: invalid escape sequence: `\1`".
 * We translate a pattern into an equivalent JS source (always with the `u` flag) and
 * compile that, so matching itself is the JS engine's; "find all" and "replace all" loops
 * follow Go's rules for empty matches (see `findAll`, `replaceAll`).
 *
 * Compiled patterns are kept in a bounded module-level LRU cache.
 */

/** A Go-compatible compiled regular expression. */
export interface Re2 {
  /** A global (`g`) JS RegExp; callers reset `lastIndex` before use. */
  re: RegExp;
  /** Capture group names by group number (index 0 unused); '' for unnamed groups. */
  names: string[];
  /** Number of capture groups. */
  groups: number;
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

type Range = [number, number];

const MAX_CP = 0x10ffff;
const MAX_REPEAT = 1000;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWordChar = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_]$/.test(c);

/** POSIX classes Go supports inside brackets, as ASCII ranges. */
const posixClasses: Record<string, Range[]> = {
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

/** Perl classes (`\d \s \w`) as Go defines them: ASCII only. */
const perlClasses: Record<string, Range[]> = {
  d: posixClasses.digit!,
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: posixClasses.word!,
};

function negate(ranges: Range[]): Range[] {
  const sorted = normalize(ranges);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Extra members of simple case-folding orbits that toLowerCase/toUpperCase miss. */
const foldExtras: Record<number, number[]> = {
  0x6b: [0x212a],
  0x4b: [0x212a],
  0x212a: [0x6b, 0x4b],
  0x73: [0x17f],
  0x53: [0x17f],
  0x17f: [0x73, 0x53],
};

/** The code points equal to `c` under simple case folding. */
function caseVariants(c: number): number[] {
  const ch = String.fromCodePoint(c);
  const out = new Set<number>([c]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    const cps = [...v];
    if (cps.length === 1) out.add(cps[0]!.codePointAt(0)!);
  }
  for (const x of foldExtras[c] ?? []) out.add(x);
  return [...out];
}

/** Add case variants to ranges (for a scoped `(?i:…)`); large ranges are left as they are. */
function foldRanges(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    if (hi - lo > 2000) continue;
    for (let c = lo; c <= hi; c++) for (const v of caseVariants(c)) if (v !== c) out.push([v, v]);
  }
  return normalize(out);
}

function cpEscape(c: number): string {
  return `\\u{${c.toString(16)}}`;
}

function classSource(ranges: Range[], props: string[], negated: boolean): string {
  const body = normalize(ranges)
    .map(([lo, hi]) => (lo === hi ? cpEscape(lo) : `${cpEscape(lo)}-${cpEscape(hi)}`))
    .join('');
  return `[${negated ? '^' : ''}${body}${props.join('')}]`;
}

/** JS source for a Unicode class name as Go spells it (`L`, `Lu`, `Greek`, `Any`). */
function unicodeProperty(name: string, negated: boolean, expr: string): string | Range[] {
  if (name === 'Any') return negated ? [] : [[0, MAX_CP]];
  let js: string;
  if (/^[A-Z][a-z]?$/.test(name)) js = name;
  else if (/^[A-Z][A-Za-z_]+$/.test(name)) js = `Script=${name}`;
  else throw new Re2SyntaxError('invalid character class range', expr);
  const src = `\\${negated ? 'P' : 'p'}{${js}}`;
  try {
    new RegExp(src, 'u');
  } catch {
    throw new Re2SyntaxError('invalid character class range', expr);
  }
  return src;
}

/** Characters that must be escaped to be literal in a JS `u` regexp outside classes. */
const jsSyntax = new Set('^$\\.*+?()[]{}|/'.split(''));

class Translator {
  private pos = 0;
  private readonly names: string[] = [''];
  private depth = 0;
  /** JS `i` flag: set when the whole pattern is case-insensitive. */
  globalI = false;

  constructor(private readonly src: string) {}

  translate(): { source: string; names: string[] } {
    const flags: Flags = { i: false, m: false, s: false, U: false };
    // Flags set at the very start apply to everything: use the engine's own `i` for them.
    const lead = /^\(\?([imsU]+)\)/.exec(this.src);
    if (lead && lead[1]!.includes('i')) this.globalI = true;
    const source = this.alternation(flags);
    if (this.pos < this.src.length) throw new Re2SyntaxError('unexpected )', this.src);
    return { source, names: this.names };
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

  private alternation(flags: Flags): string {
    const parts: string[] = [this.sequence(flags)];
    while (this.peek() === '|') {
      this.pos++;
      parts.push(this.sequence(flags));
    }
    return parts.join('|');
  }

  /** A sequence of quantified atoms, up to `|`, `)` or the end. */
  private sequence(flags: Flags): string {
    let out = '';
    // The last atom's source, and whether it may take a quantifier.
    let lastAtom: string | undefined;
    let lastQuantStart = -1;
    while (this.pos < this.src.length) {
      const c = this.peek()!;
      if (c === '|' || c === ')') break;
      const qStart = this.pos;
      const q = this.quantifier(flags);
      if (q !== undefined) {
        if (lastQuantStart >= 0) throw new Re2SyntaxError('invalid nested repetition operator', this.src.slice(lastQuantStart, this.pos));
        if (lastAtom === undefined) throw new Re2SyntaxError('missing argument to repetition operator', this.src.slice(qStart, this.pos));
        out += q;
        lastQuantStart = qStart;
        continue;
      }
      const atom = this.atom(flags);
      if (atom === undefined) continue; // a flag group: no output, nothing to quantify
      out += atom.js;
      lastAtom = atom.quantifiable ? atom.js : undefined;
      lastQuantStart = -1;
    }
    return out;
  }

  /** A quantifier at the current position, or undefined (a `{` that is not one is a literal). */
  private quantifier(flags: Flags): string | undefined {
    const c = this.peek();
    let js: string;
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      js = c;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return undefined;
      const min = Number(m[1]);
      const max = m[3] ? Number(m[3]) : undefined;
      if (min > MAX_REPEAT || (max !== undefined && (max > MAX_REPEAT || max < min))) {
        throw new Re2SyntaxError('invalid repeat count', m[0]);
      }
      this.pos += m[0].length;
      js = m[0];
    } else return undefined;
    let lazy = false;
    if (this.peek() === '?') {
      this.pos++;
      lazy = true;
    }
    // (?U) swaps greedy and lazy.
    if (flags.U) lazy = !lazy;
    return js + (lazy ? '?' : '');
  }

  private literal(ch: string, flags: Flags): string {
    const cp = ch.codePointAt(0)!;
    if (flags.i && !this.globalI) {
      const vs = caseVariants(cp);
      if (vs.length > 1) return classSource(vs.map((v) => [v, v] as Range), [], false);
    }
    if (jsSyntax.has(ch)) return '\\' + ch;
    if (ch === '-') return '-';
    return cp < 0x20 || cp > 0x7e ? cpEscape(cp) : ch;
  }

  private atom(flags: Flags): { js: string; quantifiable: boolean } | undefined {
    const start = this.pos;
    const c = this.nextChar();
    switch (c) {
      case '.':
        return { js: flags.s ? '[^]' : '[^\\n]', quantifiable: true };
      case '^':
        return { js: flags.m ? '(?:^|(?<=\\n))' : '^', quantifiable: false };
      case '$':
        return { js: flags.m ? '(?:$|(?=\\n))' : '$', quantifiable: false };
      case '[':
        return { js: this.charClass(flags, start), quantifiable: true };
      case '(':
        return this.group(flags, start);
      case '\\':
        return this.escape(flags, start);
      default:
        return { js: this.literal(c, flags), quantifiable: true };
    }
  }

  private group(flags: Flags, start: number): { js: string; quantifiable: boolean } | undefined {
    let name: string | undefined;
    let capture = true;
    let inner: Flags = flags;
    if (this.peek() === '?') {
      const rest = this.src.slice(this.pos);
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
    return this.groupBody(inner, start, capture, name);
  }

  private groupBody(flags: Flags, start: number, capture: boolean, name: string | undefined): { js: string; quantifiable: boolean } {
    if (capture) this.names.push(name ?? '');
    this.depth++;
    const body = this.alternation({ ...flags });
    this.depth--;
    if (this.peek() !== ')') throw new Re2SyntaxError('missing closing )', this.src.slice(start));
    this.pos++;
    return { js: `(${capture ? '' : '?:'}${body})`, quantifiable: true };
  }

  /** An escape outside a class. */
  private escape(flags: Flags, start: number): { js: string; quantifiable: boolean } {
    if (this.pos >= this.src.length) throw new Re2SyntaxError('trailing backslash at end of expression', '');
    const c = this.peek()!;
    switch (c) {
      case 'A':
        this.pos++;
        return { js: '(?<![^])', quantifiable: false };
      case 'z':
        this.pos++;
        return { js: '(?![^])', quantifiable: false };
      case 'b':
      case 'B':
        this.pos++;
        return { js: '\\' + c, quantifiable: false };
      case 'Q': {
        this.pos++;
        const end = this.src.indexOf('\\E', this.pos);
        const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
        this.pos = end < 0 ? this.src.length : end + 2;
        return { js: [...text].map((ch) => this.literal(ch, flags)).join(''), quantifiable: true };
      }
    }
    const item = this.classEscape(start);
    if (typeof item === 'number') return { js: this.literal(String.fromCodePoint(item), flags), quantifiable: true };
    if (typeof item === 'string') return { js: item, quantifiable: true };
    return { js: classSource(flags.i && !this.globalI ? foldRanges(item) : item, [], false), quantifiable: true };
  }

  /**
   * An escape usable inside or outside a class (the backslash already consumed): a single
   * code point, a set of ranges (`\d`, `\pL` when expressible), or JS source (`\p{…}`).
   */
  private classEscape(start: number): number | Range[] | string {
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
      case 'P': {
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
        let negated = c === 'P';
        if (name.startsWith('^')) {
          negated = !negated;
          name = name.slice(1);
        }
        return unicodeProperty(name, negated, this.src.slice(start, this.pos));
      }
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

  /** A bracketed class, from just after `[`. */
  private charClass(flags: Flags, start: number): string {
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
      // POSIX class `[:alpha:]` / `[:^alpha:]`.
      if (c === '[' && this.peek(1) === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos));
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
    const folded = flags.i && !this.globalI ? foldRanges(ranges) : ranges;
    return classSource(folded, props, negated);
  }

  private classAtom(start: number): number | Range[] | string {
    const atomStart = this.pos;
    const c = this.nextChar();
    if (c === '\\') {
      if (this.pos >= this.src.length) throw new Re2SyntaxError('missing closing ]', this.src.slice(start));
      return this.classEscape(atomStart);
    }
    return c.codePointAt(0)!;
  }
}

/** Translate a Go RE2 pattern into JS source; throws Re2SyntaxError when Go would. */
export function translateRe2(pattern: string): { source: string; flags: string; names: string[] } {
  const t = new Translator(pattern);
  const { source, names } = t.translate();
  return { source, flags: t.globalI ? 'giu' : 'gu', names };
}

const CACHE_SIZE = 100;
const cache = new Map<string, Re2 | Re2SyntaxError>();

/** Compile (or fetch from the LRU cache) a Go regular expression. Throws Re2SyntaxError. */
export function compileRe2(pattern: string): Re2 {
  let hit = cache.get(pattern);
  if (hit !== undefined) {
    // Refresh recency: a Map iterates in insertion order, so the first key is the oldest.
    cache.delete(pattern);
  } else {
    try {
      const { source, flags, names } = translateRe2(pattern);
      const re = new RegExp(source, flags);
      hit = { re, names, groups: names.length - 1 };
    } catch (e) {
      if (e instanceof Re2SyntaxError) hit = e;
      else if (e instanceof SyntaxError) hit = new Re2SyntaxError('invalid or unsupported Perl syntax', pattern);
      else throw e;
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(pattern, hit);
  if (hit instanceof Re2SyntaxError) throw hit;
  return hit;
}

/** One match: [start, end] offsets (UTF-16) and the groups (undefined when unmatched). */
export interface Match {
  start: number;
  end: number;
  groups: (string | undefined)[];
}

function execAt(r: Re2, s: string, pos: number): Match | undefined {
  r.re.lastIndex = pos;
  const m = r.re.exec(s);
  if (!m) return undefined;
  return { start: m.index, end: m.index + m[0].length, groups: [...m] };
}

function charWidth(s: string, pos: number): number {
  const cp = s.codePointAt(pos);
  return cp === undefined ? 1 : cp > 0xffff ? 2 : 1;
}

/**
 * Up to `n` successive matches (all if n < 0), following Go: after an empty match the search
 * moves on one character, and an empty match right after the previous match is skipped.
 */
export function findAll(r: Re2, s: string, n: number): Match[] {
  const out: Match[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    const m = execAt(r, s, pos);
    if (!m) break;
    let accept = true;
    if (m.end === m.start) {
      if (m.start === prevEnd) accept = false;
      pos = m.end + (m.end < s.length ? charWidth(s, m.end) : 1);
    } else pos = m.end;
    prevEnd = m.end;
    if (accept) out.push(m);
  }
  return out;
}

/** Go's Regexp.Split(s, -1). */
export function split(r: Re2, pattern: string, s: string): string[] {
  if (pattern.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(r, s, -1)) {
    end = m.start;
    if (m.end !== 0) out.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
export function expand(r: Re2, template: string, m: Match): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const close = template.indexOf('}', i);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (/^[A-Za-z0-9_]+$/.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i));
      if (mm) {
        name = mm[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      // Malformed reference: the `$` is kept as text.
      out += '$';
      continue;
    }
    const idx = /^\d+$/.test(name) ? Number(name) : r.names.indexOf(name);
    if (idx >= 0 && idx < m.groups.length) out += m.groups[idx] ?? '';
  }
  return out;
}

/** Go's Regexp.ReplaceAllString(s, template). */
export function replaceAll(r: Re2, s: string, template: string): string {
  let out = '';
  let lastEnd = 0;
  let pos = 0;
  while (pos <= s.length) {
    const m = execAt(r, s, pos);
    if (!m) break;
    out += s.slice(lastEnd, m.start);
    // No replacement for an empty match right after the previous match.
    if (m.end > lastEnd || m.start === 0) out += expand(r, template, m);
    lastEnd = m.end;
    const w = pos < s.length ? charWidth(s, pos) : 1;
    pos = pos + w > m.end ? pos + w : m.end;
  }
  return out + s.slice(lastEnd);
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
