/**
 * Regular-expression built-ins with Go RE2 syntax and semantics, on our linear-time engine
 * (regexp/, which hands V8 the patterns it proves linear there): `regex.match` (and the deprecated `re_match`), `regex.is_valid`,
 * `regex.split`, `regex.find_n`, `regex.find_all_string_submatch_n`, `regex.replace`,
 * `regex.template_match`, and `regex.globs_match` (whether two glob-like regexes share a
 * non-empty match; see globs-intersect.ts).
 *
 * An invalid pattern is an eval_builtin_error with Go's message, e.g.
 * `regex.match: error parsing regexp: missing closing ]: `[[[``. Matching work is charged
 * to the evaluation's step budget, so long inputs still honour its step and time limits.
 */
import { type Value } from '../value.ts';
import { expectSafeInt, expectString, expectInteger } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { builtinError } from './errors.ts';
import { globsIntersect, GlobSyntaxError } from './globs-intersect.ts';
import { budgetOf } from './regexp/budget.ts';
import { compileRe2, findAll, matchRe2, quoteMeta, Re2SyntaxError, replaceAll, split, type Re2 } from './regexp/regexp.ts';

const category = 'regex';

/** Compile a pattern for `fn`, reporting syntax errors as OPA does. */
function compile(fn: string, pattern: string): Re2 {
  try {
    return compileRe2(pattern);
  } catch (e) {
    if (e instanceof Re2SyntaxError) throw builtinError(fn, e.message);
    throw e;
  }
}

function matchDecl(name: string, deprecated: boolean): BuiltinDecl {
  return {
    name,
    category,
    ...(deprecated ? { deprecated: true } : {}),
    args: [
      { name: 'pattern', type: t.string, description: 'regular expression' },
      { name: 'value', type: t.string, description: 'value to match against `pattern`' },
    ],
    result: t.boolean,
    description: 'Matches a string against a regular expression.',
    impl: (args, ctx) => {
      const pattern = expectString(name, args, 0);
      const value = expectString(name, args, 1);
      return matchRe2(compile(name, pattern), value, budgetOf(ctx));
    },
  };
}

/** Delimiters of regex.template_match must be one byte (one ASCII character). */
function delimiter(s: string): boolean {
  return s.length === 1 && s.charCodeAt(0) < 0x80;
}

/**
 * The regex of a template like `urn:foo:{.*}`: text outside the delimiters is literal, text
 * inside is a regex, and the whole is anchored. Delimiters must balance.
 */
function templateRegex(fn: string, tpl: string, open: string, close: string): Re2 {
  let level = 0;
  let idx = 0;
  const spans: [number, number][] = [];
  for (let i = 0; i < tpl.length; i++) {
    if (tpl[i] === open) {
      if (++level === 1) idx = i;
    } else if (tpl[i] === close) {
      if (--level === 0) spans.push([idx, i + 1]);
      else if (level < 0) throw builtinError(fn, `unbalanced braces in ${JSON.stringify(tpl)}`);
    }
  }
  if (level !== 0) throw builtinError(fn, `unbalanced braces in ${JSON.stringify(tpl)}`);
  let pattern = '^';
  let end = 0;
  for (const [s, e] of spans) {
    const inner = tpl.slice(s + 1, e - 1);
    // Each embedded expression must be a valid regex on its own.
    compile(fn, `^${inner}$`);
    pattern += `${quoteMeta(tpl.slice(end, s))}(${inner})`;
    end = e;
  }
  pattern += quoteMeta(tpl.slice(end)) + '$';
  return compile(fn, pattern);
}

export const regexBuiltins: BuiltinDecl[] = [
  matchDecl('regex.match', false),
  matchDecl('re_match', true),
  {
    name: 'regex.is_valid',
    category,
    args: [{ name: 'pattern', type: t.any, description: 'regular expression' }],
    result: t.boolean,
    description: 'Checks if a string is a valid regular expression: the detailed syntax for patterns is defined by https://github.com/google/re2/wiki/Syntax. Any non-string input is invalid.',
    impl: (args: Value[]) => {
      const p = args[0];
      if (typeof p !== 'string') return false;
      try {
        compileRe2(p);
        return true;
      } catch (e) {
        if (e instanceof Re2SyntaxError) return false;
        throw e;
      }
    },
  },
  {
    name: 'regex.split',
    category,
    args: [
      { name: 'pattern', type: t.string, description: 'regular expression' },
      { name: 'value', type: t.string, description: 'string to match' },
    ],
    result: t.array(t.string),
    description: 'Splits the input string by the occurrences of the given pattern.',
    impl: (args, ctx) => {
      const pattern = expectString('regex.split', args, 0);
      const value = expectString('regex.split', args, 1);
      return split(compile('regex.split', pattern), pattern, value, budgetOf(ctx));
    },
  },
  {
    name: 'regex.find_n',
    category,
    args: [
      { name: 'pattern', type: t.string, description: 'regular expression' },
      { name: 'value', type: t.string, description: 'string to match' },
      { name: 'number', type: t.number, description: 'number of matches to return; `-1` means all matches' },
    ],
    result: t.array(t.string),
    description: 'Returns the specified number of matches when matching the input against the pattern.',
    impl: (args, ctx) => {
      const fn = 'regex.find_n';
      const pattern = expectString(fn, args, 0);
      const value = expectString(fn, args, 1);
      expectInteger(fn, args, 2);
      const n = expectSafeInt(fn, args, 2);
      return findAll(compile(fn, pattern), value, n, false, budgetOf(ctx)).map((m) => value.slice(m.start, m.end));
    },
  },
  {
    name: 'regex.find_all_string_submatch_n',
    category,
    args: [
      { name: 'pattern', type: t.string, description: 'regular expression' },
      { name: 'value', type: t.string, description: 'string to match' },
      { name: 'number', type: t.number, description: 'number of matches to return; `-1` means all matches' },
    ],
    result: t.array(t.array(t.string)),
    description: 'Returns all successive matches of the expression, each with its submatches (unmatched groups are "").',
    impl: (args, ctx) => {
      const fn = 'regex.find_all_string_submatch_n';
      const pattern = expectString(fn, args, 0);
      const value = expectString(fn, args, 1);
      expectInteger(fn, args, 2);
      const n = expectSafeInt(fn, args, 2);
      return findAll(compile(fn, pattern), value, n, true, budgetOf(ctx)).map((m) => m.groups.map((g) => g ?? ''));
    },
  },
  {
    name: 'regex.replace',
    category,
    args: [
      { name: 's', type: t.string, description: 'string being processed' },
      { name: 'pattern', type: t.string, description: 'regex pattern to be applied' },
      { name: 'value', type: t.string, description: 'regex value; `$1`, `${name}` refer to submatches' },
    ],
    result: t.string,
    description: 'Find and replaces the text using the regular expression pattern.',
    impl: (args, ctx) => {
      const fn = 'regex.replace';
      const s = expectString(fn, args, 0);
      const pattern = expectString(fn, args, 1);
      const value = expectString(fn, args, 2);
      return replaceAll(compile(fn, pattern), s, value, budgetOf(ctx));
    },
  },
  {
    name: 'regex.template_match',
    category,
    args: [
      { name: 'template', type: t.string, description: 'template expression containing `0..n` regular expressions' },
      { name: 'value', type: t.string, description: 'string to match' },
      { name: 'delimiter_start', type: t.string, description: 'start delimiter of the regular expression in `template`' },
      { name: 'delimiter_end', type: t.string, description: 'end delimiter of the regular expression in `template`' },
    ],
    result: t.boolean,
    description:
      'Matches a string against a pattern, where there pattern may be glob-like: regular expressions are written between the delimiters, everything else is literal.',
    impl: (args, ctx) => {
      const fn = 'regex.template_match';
      const tpl = expectString(fn, args, 0);
      const value = expectString(fn, args, 1);
      const open = expectString(fn, args, 2);
      const close = expectString(fn, args, 3);
      const bytes = (s: string): number => new TextEncoder().encode(s).length;
      if (!delimiter(open)) throw builtinError(fn, `start delimiter has to be exactly one character long but is ${bytes(open)} long`);
      if (!delimiter(close)) throw builtinError(fn, `end delimiter has to be exactly one character long but is ${bytes(close)} long`);
      return matchRe2(templateRegex(fn, tpl, open, close), value, budgetOf(ctx));
    },
  },
  {
    name: 'regex.globs_match',
    category,
    args: [
      { name: 'glob1', type: t.string, description: 'first glob-style regular expression' },
      { name: 'glob2', type: t.string, description: 'second glob-style regular expression' },
    ],
    result: t.boolean,
    description:
      'Checks if the intersection of two glob-style regular expressions matches a non-empty set of non-empty strings. The set of regex symbols is limited for this builtin: only `.`, `*`, `+`, `[`, `-`, `]` and `\\` are treated as special symbols.',
    impl: (args) => {
      const fn = 'regex.globs_match';
      const a = expectString(fn, args, 0);
      const b = expectString(fn, args, 1);
      try {
        return globsIntersect(a, b);
      } catch (e) {
        if (e instanceof GlobSyntaxError) throw builtinError(fn, e.message);
        throw e;
      }
    },
  },
];
