/**
 * String built-ins. Positions and lengths count Unicode code points (OPA counts runes), never
 * UTF-16 units, so `substring("héllo😀", 5, 1)` is the emoji. Trimming, splitting and
 * replacing follow Go's `strings` package, which OPA calls directly; `sprintf` follows Go's
 * `fmt` (see gofmt.ts).
 */
import { isArray, isSet, type Value } from '../value.ts';
import {
  arg,
  expectArray,
  expectInteger,
  expectNumber,
  expectObject,
  expectSafeInt,
  expectString,
  expectStrings,
  oneOfTypeError,
  operandError,
} from './args.ts';
import { t, type BuiltinDecl, type RegoType } from './decl.ts';
import { builtinError } from './errors.ts';
import { goSprintf, toGoArg } from './gofmt.ts';

const category = 'strings';

const stringOrStrings = t.union(t.string, t.array(t.string), t.set(t.string));

/** Code points of a string. */
const runes = (s: string): string[] => [...s];

/** Go's unicode.IsSpace. (JS's trim also strips U+FEFF, which Go does not.) */
const goSpace = '\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function trimLeftSet(s: string, cut: Set<string>): string {
  const rs = runes(s);
  let i = 0;
  while (i < rs.length && cut.has(rs[i]!)) i++;
  return rs.slice(i).join('');
}

function trimRightSet(s: string, cut: Set<string>): string {
  const rs = runes(s);
  let j = rs.length;
  while (j > 0 && cut.has(rs[j - 1]!)) j--;
  return rs.slice(0, j).join('');
}

/**
 * Map each code point through `f` unless that would change the number of code points: Go's
 * ToUpper/ToLower use simple one-to-one case mappings (so "ß" stays "ß").
 */
function mapCase(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += runes(m).length === 1 ? m : c;
  }
  return out;
}

/**
 * Go's strings.Replacer: scan left to right; at each position the first (old, new) pair, in
 * argument order, whose `old` matches is applied; otherwise one code point is copied. An
 * empty `old` matches between every pair of code points and at both ends.
 */
export function replaceAll(s: string, pairs: [string, string][]): string {
  if (pairs.length === 1 && pairs[0]![0] !== '') return s.split(pairs[0]![0]).join(pairs[0]![1]);
  let out = '';
  let i = 0;
  for (;;) {
    let matched = false;
    for (const [from, to] of pairs) {
      if (s.startsWith(from, i)) {
        out += to;
        if (from === '') {
          // An empty match emits once, then the next code point is copied.
          if (i >= s.length) return out;
          const c = String.fromCodePoint(s.codePointAt(i)!);
          out += c;
          i += c.length;
        } else i += from.length;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (i >= s.length) return out;
    const c = String.fromCodePoint(s.codePointAt(i)!);
    out += c;
    i += c.length;
  }
}

/** Split like Go's strings.Split: an empty separator splits into code points. */
function split(s: string, sep: string): string[] {
  return sep === '' ? runes(s) : s.split(sep);
}

/** Index (in code points) of every occurrence of `needle` in `hay`, overlapping. */
function runeIndexes(hay: string, needle: string, first: boolean): number[] {
  const out: number[] = [];
  const hs = runes(hay);
  const ns = runes(needle);
  for (let i = 0; i + ns.length <= hs.length; i++) {
    let ok = true;
    for (let j = 0; j < ns.length && ok; j++) ok = hs[i + j] === ns[j];
    if (ok) {
      out.push(i);
      if (first) break;
    }
  }
  return out;
}

/** A string, or an array/set of strings, as a list (for any_prefix_match etc.). */
function stringList(fn: string, args: Value[], i: number): string[] {
  const v = arg(args, i);
  if (typeof v === 'string') return [v];
  if (isArray(v) || isSet(v)) return expectStrings(fn, args, i);
  throw oneOfTypeError(fn, i, ['string', 'set', 'array'], v);
}

function twoStrings(fn: string, args: Value[]): [string, string] {
  return [expectString(fn, args, 0), expectString(fn, args, 1)];
}

function simple(name: string, description: string, argNames: [string, string][], result: RegoType, impl: BuiltinDecl['impl']): BuiltinDecl {
  return {
    name,
    category,
    args: argNames.map(([n, d]) => ({ name: n, type: t.string, description: d })),
    result,
    description,
    impl,
  };
}

function trimmer(name: string, description: string, second: string, f: (s: string, c: string) => string): BuiltinDecl {
  return simple(
    name,
    description,
    [
      ['value', 'string to trim'],
      [second, 'string of characters (or prefix/suffix) to cut'],
    ],
    t.string,
    (args) => {
      const [s, c] = twoStrings(name, args);
      return f(s, c);
    },
  );
}

export const stringsBuiltins: BuiltinDecl[] = [
  {
    name: 'concat',
    category,
    args: [
      { name: 'delimiter', type: t.string, description: 'string to use as a delimiter' },
      { name: 'collection', type: t.union(t.array(t.string), t.set(t.string)), description: 'strings to join' },
    ],
    result: t.string,
    description: 'Joins a set or array of strings with a delimiter.',
    impl: (args) => {
      const sep = expectString('concat', args, 0);
      return expectStrings('concat', args, 1).join(sep);
    },
  },
  simple(
    'contains',
    'Returns `true` if the search string is included in the base string',
    [
      ['haystack', 'string to search in'],
      ['needle', 'substring to look for'],
    ],
    t.boolean,
    (args) => {
      const [s, sub] = twoStrings('contains', args);
      return s.includes(sub);
    },
  ),
  simple(
    'startswith',
    'Returns true if the search string begins with the base string.',
    [
      ['search', 'search string'],
      ['base', 'base string'],
    ],
    t.boolean,
    (args) => {
      const [s, p] = twoStrings('startswith', args);
      return s.startsWith(p);
    },
  ),
  simple(
    'endswith',
    'Returns true if the search string ends with the base string.',
    [
      ['search', 'search string'],
      ['base', 'base string'],
    ],
    t.boolean,
    (args) => {
      const [s, p] = twoStrings('endswith', args);
      return s.endsWith(p);
    },
  ),
  {
    name: 'format_int',
    category,
    args: [
      { name: 'number', type: t.number, description: 'number to format' },
      { name: 'base', type: t.number, description: 'base of number representation to use' },
    ],
    result: t.string,
    description: 'Returns the string representation of the number in the given base after rounding it down to an integer value.',
    impl: (args) => {
      const n = expectNumber('format_int', args, 0);
      const base = expectNumber('format_int', args, 1);
      if (base !== 2 && base !== 8 && base !== 10 && base !== 16) throw operandError('format_int', 1, 'must be one of {2, 8, 10, 16}');
      // Fractions are truncated toward zero (Go's big.Float.Int).
      const i = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
      return i.toString(base);
    },
  },
  {
    name: 'indexof',
    category,
    args: [
      { name: 'haystack', type: t.string, description: 'string to search in' },
      { name: 'needle', type: t.string, description: 'substring to look for' },
    ],
    result: t.number,
    description: 'Returns the index of a substring contained inside a string (in code points), or -1 if absent.',
    impl: (args) => {
      const [s, sub] = twoStrings('indexof', args);
      if (sub === '') throw builtinError('indexof', 'empty search character');
      return runeIndexes(s, sub, true)[0] ?? -1;
    },
  },
  {
    name: 'indexof_n',
    category,
    args: [
      { name: 'haystack', type: t.string, description: 'string to search in' },
      { name: 'needle', type: t.string, description: 'substring to look for' },
    ],
    result: t.array(t.number),
    description: 'Returns a list of all the indexes of a substring contained inside a string.',
    impl: (args) => {
      const [s, sub] = twoStrings('indexof_n', args);
      if (sub === '') throw builtinError('indexof_n', 'empty search character');
      return runeIndexes(s, sub, false);
    },
  },
  simple('lower', 'Returns the input string but with all characters in lower-case.', [['x', 'string that is converted to lower-case']], t.string, (args) =>
    mapCase(expectString('lower', args, 0), (c) => c.toLowerCase()),
  ),
  simple('upper', 'Returns the input string but with all characters in upper-case.', [['x', 'string that is converted to upper-case']], t.string, (args) =>
    mapCase(expectString('upper', args, 0), (c) => c.toUpperCase()),
  ),
  {
    name: 'replace',
    category,
    args: [
      { name: 'x', type: t.string, description: 'string being processed' },
      { name: 'old', type: t.string, description: 'substring to replace' },
      { name: 'new', type: t.string, description: 'string to replace `old` with' },
    ],
    result: t.string,
    description: 'Replace replaces all instances of a sub-string.',
    impl: (args) => {
      const s = expectString('replace', args, 0);
      const from = expectString('replace', args, 1);
      const to = expectString('replace', args, 2);
      return replaceAll(s, [[from, to]]);
    },
  },
  {
    name: 'strings.replace_n',
    category,
    args: [
      { name: 'patterns', type: t.object(t.string, t.string), description: 'replacement pairs' },
      { name: 'value', type: t.string, description: 'string to replace substring matches in' },
    ],
    result: t.string,
    description:
      'Replaces a string from a list of old, new string pairs. Replacements are performed in the order they appear in the target string, without overlapping matches. The old string comparisons are done in argument order.',
    impl: (args) => {
      const fn = 'strings.replace_n';
      const patterns = expectObject(fn, args, 0);
      const s = expectString(fn, args, 1);
      const pairs: [string, string][] = [];
      // Keys are applied in sorted order, as OPA does.
      for (const [k, v] of patterns.sortedEntries()) {
        if (typeof k !== 'string') throw operandError(fn, 0, 'non-string key found in pattern object');
        if (typeof v !== 'string') throw operandError(fn, 0, 'non-string value found in pattern object');
        pairs.push([k, v]);
      }
      return pairs.length === 0 ? s : replaceAll(s, pairs);
    },
  },
  {
    name: 'split',
    category,
    args: [
      { name: 'x', type: t.string, description: 'string that is split' },
      { name: 'delimiter', type: t.string, description: 'delimiter used for splitting' },
    ],
    result: t.array(t.string),
    description: 'Split returns an array containing elements of the input string split on a delimiter.',
    impl: (args) => {
      const [s, sep] = twoStrings('split', args);
      return split(s, sep);
    },
  },
  {
    name: 'strings.split_n',
    category,
    args: [
      { name: 'x', type: t.string, description: 'string that is split' },
      { name: 'delimiter', type: t.string, description: 'delimiter used for splitting' },
      { name: 'n', type: t.number, description: 'number of parts to keep: the first n if positive, the last -n if negative' },
    ],
    result: t.array(t.string),
    description:
      'Splits the input string on a delimiter and keeps the first `n` parts (or, for negative `n`, the last `-n` parts). `n == 0` gives an empty array.',
    impl: (args) => {
      const fn = 'strings.split_n';
      const [s, sep] = twoStrings(fn, args);
      expectInteger(fn, args, 2);
      const n = expectSafeInt(fn, args, 2);
      const parts = split(s, sep);
      if (n === 0) return [];
      return n > 0 ? parts.slice(0, n) : parts.slice(Math.max(parts.length + n, 0));
    },
  },
  {
    name: 'sprintf',
    category,
    args: [
      { name: 'format', type: t.string, description: 'string with formatting verbs' },
      { name: 'values', type: t.array(), description: 'arguments to format into formatting verbs' },
    ],
    result: t.string,
    description:
      "Returns the given string, formatted. This function uses Go's fmt package's formatting: numbers are integers (`int`, or `*big.Int` beyond 64 bits) or `float64`, strings are strings, and other values are given as their Rego text.",
    impl: (args) => {
      const format = expectString('sprintf', args, 0);
      const values = expectArray('sprintf', args, 1);
      return goSprintf(format, values.map(toGoArg));
    },
  },
  {
    name: 'substring',
    category,
    args: [
      { name: 'value', type: t.string, description: 'string to extract substring from' },
      { name: 'offset', type: t.number, description: 'offset, must be positive' },
      { name: 'length', type: t.number, description: 'length of the substring starting from `offset`; negative means to the end' },
    ],
    result: t.string,
    description:
      'Returns the  portion of a string for a given `offset` and a `length`.  If `length < 0`, `output` is the remainder of the string.',
    impl: (args) => {
      const fn = 'substring';
      const s = expectString(fn, args, 0);
      expectInteger(fn, args, 1);
      expectInteger(fn, args, 2);
      const start = expectSafeInt(fn, args, 1);
      const len = expectSafeInt(fn, args, 2);
      if (start < 0) throw builtinError(fn, 'negative offset');
      const rs = runes(s);
      if (start >= rs.length) return '';
      return (len < 0 ? rs.slice(start) : rs.slice(start, start + len)).join('');
    },
  },
  trimmer('trim', 'Returns `value` with all leading or trailing instances of the `cutset` characters removed.', 'cutset', (s, c) => {
    const cut = new Set(runes(c));
    return trimRightSet(trimLeftSet(s, cut), cut);
  }),
  trimmer('trim_left', 'Returns `value` with all leading instances of the `cutset` characters removed.', 'cutset', (s, c) => trimLeftSet(s, new Set(runes(c)))),
  trimmer('trim_right', 'Returns `value` with all trailing instances of the `cutset` characters removed.', 'cutset', (s, c) => trimRightSet(s, new Set(runes(c)))),
  trimmer('trim_prefix', 'Returns `value` without the prefix. If `value` doesn\'t start with `prefix`, it is returned unchanged.', 'prefix', (s, p) =>
    s.startsWith(p) ? s.slice(p.length) : s,
  ),
  trimmer('trim_suffix', 'Returns `value` without the suffix. If `value` doesn\'t end with `suffix`, it is returned unchanged.', 'suffix', (s, p) =>
    p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s,
  ),
  simple('trim_space', 'Return the given string with all leading and trailing white space removed.', [['value', 'string to trim']], t.string, (args) => {
    const cut = new Set(runes(goSpace));
    return trimRightSet(trimLeftSet(expectString('trim_space', args, 0), cut), cut);
  }),
  {
    name: 'strings.any_prefix_match',
    category,
    args: [
      { name: 'search', type: stringOrStrings, description: 'search string(s)' },
      { name: 'base', type: stringOrStrings, description: 'base string(s)' },
    ],
    result: t.boolean,
    description: 'Returns true if any of the search strings begins with any of the base strings.',
    impl: (args) => {
      const fn = 'strings.any_prefix_match';
      const strs = stringList(fn, args, 0);
      const prefixes = stringList(fn, args, 1);
      return strs.some((s) => prefixes.some((p) => s.startsWith(p)));
    },
  },
  {
    name: 'strings.any_suffix_match',
    category,
    args: [
      { name: 'search', type: stringOrStrings, description: 'search string(s)' },
      { name: 'base', type: stringOrStrings, description: 'base string(s)' },
    ],
    result: t.boolean,
    description: 'Returns true if any of the search strings ends with any of the base strings.',
    impl: (args) => {
      const fn = 'strings.any_suffix_match';
      const strs = stringList(fn, args, 0);
      const suffixes = stringList(fn, args, 1);
      return strs.some((s) => suffixes.some((p) => s.endsWith(p)));
    },
  },
  {
    name: 'strings.count',
    category,
    args: [
      { name: 'search', type: t.string, description: 'string to search in' },
      { name: 'substring', type: t.string, description: 'substring to look for' },
    ],
    result: t.number,
    description: 'Returns the number of non-overlapping instances of a substring in a string.',
    impl: (args) => {
      const [s, sub] = twoStrings('strings.count', args);
      // Go counts an empty substring once per code point, plus one.
      if (sub === '') return runes(s).length + 1;
      return s.split(sub).length - 1;
    },
  },
  simple('strings.reverse', 'Reverses a given string.', [['x', 'string to reverse']], t.string, (args) =>
    runes(expectString('strings.reverse', args, 0)).reverse().join(''),
  ),
];
