/**
 * Glob built-ins: `glob.match` and `glob.quote_meta`, with the syntax of the Go library
 * OPA uses (gobwas/glob): `*` any run of non-delimiter characters, `**` any run at all,
 * `?` one non-delimiter character, `[abc]` `[a-z]` `[!abc]` `[!a-z]` one character,
 * `{a,b}` alternatives (which may nest), `\` escapes. Delimiters default to `["."]` for an
 * empty array; `null` means no delimiters.
 *
 * Patterns compile to anchored programs for the linear-time regexp engine (regexp/), so a
 * pattern with many `*` cannot make matching super-linear (`*.example.com` and the like run
 * on V8, which regexp/safety.ts proves linear for them); compiled patterns are kept in a
 * bounded LRU cache, and matching work is charged to the evaluation's step budget.
 */
import { isArray, type Value } from '../value.ts';
import { arg, elementTypeError, expectString, oneOfTypeError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';
import { budgetOf } from './regexp/budget.ts';
import { CharClass, MAX_CP, type Range } from './regexp/charclass.ts';
import type { Node } from './regexp/parse.ts';
import { matchRe2, re2FromNode, Re2SyntaxError, type Re2 } from './regexp/regexp.ts';

const category = 'glob';

class GlobError extends Error {}

const char = (c: string): Node => ({ op: 'char', cp: c.codePointAt(0)! });

/** Parse a glob into a regexp AST matching the whole string. */
export function globToNode(pattern: string, delimiters: string[]): Node {
  const rs = [...pattern];
  const notDelim: Node = {
    op: 'class',
    cls: new CharClass(
      delimiters.map((d): Range => [d.codePointAt(0)!, d.codePointAt(0)!]),
      [],
      true,
    ),
  };
  const anything: Node = { op: 'class', cls: new CharClass([[0, MAX_CP]]) };
  const star = (sub: Node): Node => ({ op: 'rep', min: 0, max: -1, greedy: true, sub });
  let i = 0;
  let depth = 0;

  const seq = (): Node => {
    const subs: Node[] = [];
    while (i < rs.length) {
      const c = rs[i]!;
      if (depth > 0 && (c === ',' || c === '}')) break;
      i++;
      switch (c) {
        case '*':
          if (rs[i] === '*') {
            i++;
            subs.push(star(anything));
          } else subs.push(star(notDelim));
          break;
        case '?':
          subs.push(notDelim);
          break;
        case '[':
          subs.push(charList());
          break;
        case '{': {
          depth++;
          const alts = [seq()];
          while (rs[i] === ',') {
            i++;
            alts.push(seq());
          }
          if (rs[i] !== '}') throw new GlobError('unexpected end of input');
          i++;
          depth--;
          subs.push({ op: 'alt', subs: alts });
          break;
        }
        case '\\':
          if (i >= rs.length) throw new GlobError('unexpected end of input');
          subs.push(char(rs[i++]!));
          break;
        default:
          subs.push(char(c));
      }
    }
    return { op: 'cat', subs };
  };

  const charList = (): Node => {
    let negated = false;
    if (rs[i] === '!') {
      negated = true;
      i++;
    }
    const ranges: Range[] = [];
    let closed = false;
    while (i < rs.length) {
      const c = rs[i++]!;
      if (c === ']') {
        closed = true;
        break;
      }
      const lo = c.codePointAt(0)!;
      if (rs[i] === '-' && rs[i + 1] !== undefined && rs[i + 1] !== ']') {
        const hi = rs[i + 1]!.codePointAt(0)!;
        i += 2;
        if (hi < lo) throw new GlobError('hi character should be greater than lo character');
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    if (!closed) throw new GlobError('unexpected end of input');
    if (ranges.length === 0) throw new GlobError('empty character list');
    return { op: 'class', cls: new CharClass(ranges, [], negated) };
  };

  const body = seq();
  if (i < rs.length) throw new GlobError(`unexpected '${rs[i]}'`);
  return { op: 'cat', subs: [{ op: 'assert', kind: 'bot' }, body, { op: 'assert', kind: 'eot' }] };
}

const CACHE_SIZE = 100;
const cache = new Map<string, Re2 | GlobError>();

function compileGlob(pattern: string, delimiters: string[]): Re2 {
  const id = pattern + '\u0000' + delimiters.join('');
  let hit = cache.get(id);
  if (hit !== undefined) cache.delete(id);
  else {
    try {
      hit = re2FromNode(globToNode(pattern, delimiters), [''], pattern);
    } catch (e) {
      if (e instanceof GlobError) hit = e;
      else if (e instanceof Re2SyntaxError) hit = new GlobError('pattern too large');
      else throw e;
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(id, hit);
  if (hit instanceof GlobError) throw hit;
  return hit;
}

function delimitersOperand(fn: string, args: Value[]): string[] {
  const v = arg(args, 1);
  if (v === null) return [];
  if (!isArray(v)) throw oneOfTypeError(fn, 1, ['array', 'null'], v);
  const out: string[] = [];
  for (const d of v) {
    if (typeof d !== 'string') throw elementTypeError(fn, 1, v, d, ['string']);
    // Each delimiter is one character; OPA takes the first rune of each string.
    const first = [...d][0];
    if (first !== undefined) out.push(first);
  }
  return out.length === 0 ? ['.'] : out;
}

/** Go-glob's QuoteMeta: escape every special character. */
function quoteMeta(s: string): string {
  return s.replace(/[*?\\[\]{},]/g, '\\$&');
}

export const globBuiltins: BuiltinDecl[] = [
  {
    name: 'glob.match',
    category,
    args: [
      { name: 'pattern', type: t.string, description: 'glob pattern' },
      {
        name: 'delimiters',
        type: t.union(t.array(t.string), t.null),
        description: 'glob pattern delimiters, e.g. `[".", ":"]`, defaults to `["."]` if unset. If `delimiters` is `null`, glob match without delimiter.',
      },
      { name: 'match', type: t.string, description: 'string to match against `pattern`' },
    ],
    result: t.boolean,
    description: 'Parses and matches strings against the glob notation. Not to be confused with `regex.globs_match`.',
    impl: (args, ctx) => {
      const fn = 'glob.match';
      const pattern = expectString(fn, args, 0);
      const delimiters = delimitersOperand(fn, args);
      const match = expectString(fn, args, 2);
      try {
        return matchRe2(compileGlob(pattern, delimiters), match, budgetOf(ctx));
      } catch (e) {
        if (e instanceof GlobError) throw builtinError(fn, e.message);
        throw e;
      }
    },
  },
  {
    name: 'glob.quote_meta',
    category,
    args: [{ name: 'pattern', type: t.string, description: 'glob pattern' }],
    result: t.string,
    description: 'Returns a string which represents a version of the pattern where all asterisks have been escaped.',
    impl: (args) => quoteMeta(expectString('glob.quote_meta', args, 0)),
  },
];
