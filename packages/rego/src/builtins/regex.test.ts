import { describe, expect, it } from 'vitest';
import { call, errorOf } from './test-support.ts';

describe('regex.match: RE2 syntax on JS', () => {
  it('matches unanchored, with RE2 flags and escapes', () => {
    expect(call('regex.match', '^[a-z]+\\[[0-9]+\\]$', 'foo[1]')).toBe(true);
    expect(call('regex.match', '', 'x')).toBe(true);
    expect(call('re_match', 'b', 'abc')).toBe(true);
    expect(call('regex.match', '(?i)^ABC$', 'abc')).toBe(true);
    expect(call('regex.match', 'a(?i:b)c', 'aBc')).toBe(true);
    expect(call('regex.match', 'a(?i:b)c', 'aBC')).toBe(false);
    expect(call('regex.match', '(?s)a.b', 'a\nb')).toBe(true);
    expect(call('regex.match', '(?m)^b$', 'a\nb\nc')).toBe(true);
    expect(call('regex.match', '^b$', 'a\nb\nc')).toBe(false);
    expect(call('regex.match', '\\Aab\\z', 'ab')).toBe(true);
    expect(call('regex.match', '(?P<x>a)b', 'ab')).toBe(true);
    expect(call('regex.match', '^[[:alpha:]]+$', 'abc')).toBe(true);
    expect(call('regex.match', '\\pL', 'é')).toBe(true);
    expect(call('regex.match', '\\p{Greek}', 'α')).toBe(true);
    expect(call('regex.match', '\\Qa.b\\E', 'axb')).toBe(false);
    expect(call('regex.match', 'a{', 'a{')).toBe(true);
    expect(call('regex.match', '[]a]', ']')).toBe(true);
  });
  it('keeps Go semantics where JS differs', () => {
    // `.` only excludes \n; \s excludes \v.
    expect(call('regex.match', 'a.b', 'a\rb')).toBe(true);
    expect(call('regex.match', '\\s', '\u000b')).toBe(false);
  });
  it('rejects what RE2 rejects, with Go messages', () => {
    expect(errorOf('regex.match', '$^[[[', 'x')).toEqual({
      code: 'eval_builtin_error',
      message: 'regex.match: error parsing regexp: missing closing ]: `[[[`',
    });
    expect(errorOf('regex.match', '(a)\\1', 'aa').message).toBe('regex.match: error parsing regexp: invalid escape sequence: `\\1`');
    expect(errorOf('regex.match', 'a(?=b)', 'ab').message).toBe('regex.match: error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    expect(errorOf('regex.match', 'a**', 'a').message).toBe('regex.match: error parsing regexp: invalid nested repetition operator: `**`');
    expect(errorOf('regex.match', '*a', 'a').message).toBe('regex.match: error parsing regexp: missing argument to repetition operator: `*`');
    expect(errorOf('regex.match', 'x{1001}', 'x').message).toBe('regex.match: error parsing regexp: invalid repeat count: `{1001}`');
    expect(errorOf('regex.match', '(a', 'a').message).toBe('regex.match: error parsing regexp: missing closing ): `(a`');
    expect(errorOf('regex.match', 1, 'a')).toEqual({ code: 'eval_type_error', message: 'regex.match: operand 1 must be string but got number' });
  });
  it('is_valid never fails', () => {
    expect(call('regex.is_valid', '.+')).toBe(true);
    expect(call('regex.is_valid', '++')).toBe(false);
    expect(call('regex.is_valid', 5)).toBe(false);
  });
});

describe('find, split and replace follow Go for empty matches', () => {
  it('split', () => {
    expect(call('regex.split', 'a', 'banana')).toEqual(['b', 'n', 'n', '']);
    expect(call('regex.split', '^[a-z ]+$', 'foobar baz')).toEqual(['', '']);
    expect(call('regex.split', '', 'abc')).toEqual(['a', 'b', 'c']);
    expect(call('regex.split', 'x', '')).toEqual(['']);
  });
  it('find_n and submatches', () => {
    expect(call('regex.find_n', 'a.', 'paranormal', 2)).toEqual(['ar', 'an']);
    expect(call('regex.find_n', 'a*', 'baaac', -1)).toEqual(['', 'aaa', '']);
    expect(call('regex.find_n', 'a', 'aaa', 0)).toEqual([]);
    expect(call('regex.find_all_string_submatch_n', 'a(x*)b', '-ab-axb-', -1)).toEqual([
      ['ab', ''],
      ['axb', 'x'],
    ]);
    expect(call('regex.find_all_string_submatch_n', 'a(x)?b', '-ab-', -1)).toEqual([['ab', '']]);
  });
  it('replace with $n / ${name} templates', () => {
    expect(call('regex.replace', '-wy-wxxy-', 'w(x*)y', '0')).toBe('-0-0-');
    expect(call('regex.replace', 'foo', '(foo)', '$1$1')).toBe('foofoo');
    expect(call('regex.replace', 'foo', '^[a-z]', 'F')).toBe('Foo');
    expect(call('regex.replace', 'baaac', 'a*', 'X')).toBe('XbXcX');
    expect(call('regex.replace', 'foo', '(?P<n>o)', '[${n}]$1x')).toBe('f[o][o]');
    expect(errorOf('regex.replace', 'foo', '[', '$1').code).toBe('eval_builtin_error');
  });
});

describe('template_match and globs_match', () => {
  it('template_match treats text outside delimiters literally', () => {
    expect(call('regex.template_match', 'urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}')).toBe(true);
    expect(call('regex.template_match', 'urn:foo.<[0-9]{2}>', 'urn:fooX12', '<', '>')).toBe(false);
    expect(errorOf('regex.template_match', 'a{', 'a', '{', '}').message).toBe('regex.template_match: unbalanced braces in "a{"');
    expect(errorOf('regex.template_match', 'a', 'a', '{{', '}').message).toBe(
      'regex.template_match: start delimiter has to be exactly one character long but is 2 long',
    );
  });
  it('globs_match decides whether two globs share a non-empty match', () => {
    expect(call('regex.globs_match', 'a.a.[0-9]+z', '.b.b2359825792*594823z')).toBe(true);
    expect(call('regex.globs_match', '[a-z]+', '[0-9]*')).toBe(false);
    expect(call('regex.globs_match', '[a-z]+\\[[0-9]+\\]', 'foo\\[1\\]')).toBe(true);
    expect(call('regex.globs_match', 'a*', 'b*')).toBe(false);
    expect(errorOf('regex.globs_match', 'pqrs]', '[a-b]+')).toEqual({
      code: 'eval_builtin_error',
      message: "regex.globs_match: input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
    });
  });
});
