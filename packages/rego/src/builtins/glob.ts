/**
 * Glob built-ins: `glob.match` and `glob.quote_meta`, with the syntax of the Go library
 * OPA uses (gobwas/glob): `*` any run of non-delimiter characters, `**` any run at all,
 * `?` one non-delimiter character, `[abc]` `[a-z]` `[!abc]` `[!a-z]` one character,
 * `{a,b}` alternatives (which may nest), `\` escapes. Delimiters default to `["."]` for an
 * empty array; `null` means no delimiters.
 *
 * Patterns compile to anchored JS regexps, kept in a bounded LRU cache.
 */
import { isArray, type Value } from '../value.ts';
import { arg, elementTypeError, expectString, oneOfTypeError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';

const category = 'glob';

class GlobError extends Error {}

const cpEscape = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/** Translate a glob into the source of an anchored JS regexp (with the `u` flag). */
export function globToRegExpSource(pattern: string, delimiters: string[]): string {
  const rs = [...pattern];
  const notDelim = delimiters.length > 0 ? `[^${delimiters.map(cpEscape).join('')}]` : '[^]';
  let i = 0;
  let depth = 0;

  const seq = (): string => {
    let out = '';
    while (i < rs.length) {
      const c = rs[i]!;
      if (depth > 0 && (c === ',' || c === '}')) break;
      i++;
      switch (c) {
        case '*':
          if (rs[i] === '*') {
            i++;
            out += '[^]*';
          } else out += `${notDelim}*`;
          break;
        case '?':
          out += notDelim;
          break;
        case '[':
          out += charList();
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
          out += `(?:${alts.join('|')})`;
          break;
        }
        case '\\':
          if (i >= rs.length) throw new GlobError('unexpected end of input');
          out += cpEscape(rs[i++]!);
          break;
        default:
          out += cpEscape(c);
      }
    }
    return out;
  };

  const charList = (): string => {
    let negated = false;
    if (rs[i] === '!') {
      negated = true;
      i++;
    }
    let body = '';
    let closed = false;
    while (i < rs.length) {
      const c = rs[i++]!;
      if (c === ']') {
        closed = true;
        break;
      }
      if (rs[i] === '-' && rs[i + 1] !== undefined && rs[i + 1] !== ']') {
        const hi = rs[i + 1]!;
        i += 2;
        if (hi.codePointAt(0)! < c.codePointAt(0)!) throw new GlobError('hi character should be greater than lo character');
        body += `${cpEscape(c)}-${cpEscape(hi)}`;
      } else body += cpEscape(c);
    }
    if (!closed) throw new GlobError('unexpected end of input');
    if (body === '') throw new GlobError('empty character list');
    return `[${negated ? '^' : ''}${body}]`;
  };

  const src = seq();
  if (i < rs.length) throw new GlobError(`unexpected '${rs[i]}'`);
  return `^(?:${src})$`;
}

const CACHE_SIZE = 100;
const cache = new Map<string, RegExp | GlobError>();

function compileGlob(pattern: string, delimiters: string[]): RegExp {
  const id = pattern + '\u0000' + delimiters.join('');
  let hit = cache.get(id);
  if (hit !== undefined) cache.delete(id);
  else {
    try {
      hit = new RegExp(globToRegExpSource(pattern, delimiters), 'u');
    } catch (e) {
      if (e instanceof GlobError) hit = e;
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
    impl: (args) => {
      const fn = 'glob.match';
      const pattern = expectString(fn, args, 0);
      const delimiters = delimitersOperand(fn, args);
      const match = expectString(fn, args, 2);
      try {
        return compileGlob(pattern, delimiters).test(match);
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
