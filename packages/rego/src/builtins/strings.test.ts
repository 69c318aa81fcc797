import { describe, expect, it } from 'vitest';
import { makeObject, SetValue } from '../value.ts';
import { call, errorOf } from './test-support.ts';

describe('basic string functions', () => {
  it('concat / contains / startswith / endswith', () => {
    expect(call('concat', ', ', ['a', 'b'])).toBe('a, b');
    expect(call('concat', '-', new SetValue(['b', 'a']))).toBe('a-b');
    expect(errorOf('concat', ',', ['a', 1])).toEqual({ code: 'eval_type_error', message: 'concat: operand 2 must be array of strings but got array containing number' });
    expect(call('contains', 'abc', 'bc')).toBe(true);
    expect(call('startswith', 'abc', 'ab')).toBe(true);
    expect(call('endswith', 'abc', 'x')).toBe(false);
    expect(errorOf('contains', 1, 'a')).toEqual({ code: 'eval_type_error', message: 'contains: operand 1 must be string but got number' });
  });
  it('counts positions in code points', () => {
    expect(call('indexof', 'a😀bc', 'b')).toBe(2);
    expect(call('indexof', 'abc', 'x')).toBe(-1);
    expect(call('indexof_n', 'aaa', 'aa')).toEqual([0, 1]);
    expect(errorOf('indexof', 'a', '')).toEqual({ code: 'eval_builtin_error', message: 'indexof: empty search character' });
    expect(call('substring', 'héllo😀x', 5, 1)).toBe('😀');
    expect(call('substring', 'abc', 1, -1)).toBe('bc');
    expect(call('substring', 'abc', 10, 1)).toBe('');
    expect(errorOf('substring', 'abc', -1, 1)).toEqual({ code: 'eval_builtin_error', message: 'substring: negative offset' });
    expect(call('strings.reverse', 'a😀b')).toBe('b😀a');
    expect(errorOf('strings.reverse', 1).message).toBe('strings.reverse: operand 1 must be string but got number');
  });
  it('format_int', () => {
    expect(call('format_int', 15.5, 16)).toBe('f');
    expect(call('format_int', -255, 16)).toBe('-ff');
    expect(call('format_int', 5, 2)).toBe('101');
    expect(errorOf('format_int', 5, 3)).toEqual({ code: 'eval_type_error', message: 'format_int: operand 2 must be one of {2, 8, 10, 16}' });
  });
  it('case mapping is one code point to one', () => {
    expect(call('upper', 'straße')).toBe('STRAßE');
    expect(call('lower', 'ÀB')).toBe('àb');
  });
});

describe('split / replace', () => {
  it('split like Go', () => {
    expect(call('split', 'a.b', '.')).toEqual(['a', 'b']);
    expect(call('split', 'a😀', '')).toEqual(['a', '😀']);
    expect(call('strings.split_n', 'a.b.c.d', '.', 2)).toEqual(['a', 'b']);
    expect(call('strings.split_n', 'a.b.c.d', '.', -2)).toEqual(['c', 'd']);
    expect(call('strings.split_n', 'a.b', '.', 0)).toEqual([]);
    expect(errorOf('strings.split_n', 'a', '.', 1.5).message).toBe('strings.split_n: operand 3 must be integer number but got floating-point number');
  });
  it('replace and replace_n', () => {
    expect(call('replace', 'aaa', 'a', 'b')).toBe('bbb');
    expect(call('replace', 'abc', '', '-')).toBe('-a-b-c-');
    expect(call('strings.replace_n', makeObject({ a: 'b', b: 'c' }), 'ab')).toBe('bc');
    expect(errorOf('strings.replace_n', makeObject({ a: 1 }), 'a')).toEqual({
      code: 'eval_type_error',
      message: 'strings.replace_n: operand 1 non-string value found in pattern object',
    });
    expect(errorOf('strings.replace_n', makeObject({}), 1).message).toBe('strings.replace_n: operand 2 must be string but got number');
  });
});

describe('trim family', () => {
  it('trims rune sets, prefixes, suffixes and Go whitespace', () => {
    expect(call('trim', '!!a!b!!', '!')).toBe('a!b');
    expect(call('trim_left', 'xxyab', 'xy')).toBe('ab');
    expect(call('trim_right', 'abyy', 'y')).toBe('ab');
    expect(call('trim_prefix', 'prefix-x', 'prefix-')).toBe('x');
    expect(call('trim_suffix', 'x.txt', '.txt')).toBe('x');
    expect(call('trim_space', ' \t\u00a0x\n')).toBe('x');
    // Go does not treat U+FEFF as space.
    expect(call('trim_space', '\ufeffx')).toBe('\ufeffx');
  });
  it('any_prefix_match / any_suffix_match', () => {
    expect(call('strings.any_prefix_match', 'foobar', ['x', 'foo'])).toBe(true);
    expect(call('strings.any_suffix_match', new SetValue(['a.com', 'b.org']), '.org')).toBe(true);
    expect(errorOf('strings.any_prefix_match', 1, 'a').message).toBe('strings.any_prefix_match: operand 1 must be one of {string, set, array} but got number');
  });
  it('strings.count', () => {
    expect(call('strings.count', 'cheese', 'e')).toBe(3);
    expect(call('strings.count', 'five', '')).toBe(5);
  });
});

describe('sprintf (Go fmt)', () => {
  const f = (format: string, ...args: Parameters<typeof call>[1][]) => call('sprintf', format, args);
  it('formats by Go type', () => {
    expect(f('hi %s', 'there')).toBe('hi there');
    expect(f('hi %s', true)).toBe('hi true');
    expect(f('%v', ['there', 5, 3.14])).toBe('["there", 5, 3.14]');
    expect(f('%v', new SetValue())).toBe('set()');
    expect(f('%d %d', 42, -7)).toBe('42 -7');
    expect(f('%s', 5)).toBe('%!s(int=5)');
    expect(f('%d', 'x')).toBe('%!d(string=x)');
    expect(f('%s', 123456789123456789123n)).toBe('123456789123456789123');
    expect(f('%T %T %T', 1, 1.5, 'a')).toBe('int float64 string');
  });
  it('floats', () => {
    expect(f('%.2f', 3.14159)).toBe('3.14');
    expect(f('%f', 1.5)).toBe('1.500000');
    expect(f('%e', 123456.789)).toBe('1.234568e+05');
    expect(f('%v', 1000000.5)).toBe('1.0000005e+06');
    expect(f('%v', 0.00001234)).toBe('1.234e-05');
    expect(f('%g', 100.25)).toBe('100.25');
    expect(f('%.3g', 3.14159)).toBe('3.14');
    expect(f('%8.3f|', 3.14159)).toBe('   3.142|');
  });
  it('flags, width, bases and quoting', () => {
    expect(f('%5d|%-5d|%05d', 7, 7, -7)).toBe('    7|7    |-0007');
    expect(f('%+d % d', 5, 5)).toBe('+5  5');
    expect(f('%x %X %o %b %#x', 255, 255, 8, 5, 255)).toBe('ff FF 10 101 0xff');
    expect(f('%x', 'hi')).toBe('6869');
    expect(f('%q', 'a"b\n')).toBe('"a\\"b\\n"');
    expect(f('%c', 65)).toBe('A');
    expect(f('%.2s', 'abc')).toBe('ab');
    expect(f('%5s|%-5s|', 'ab', 'ab')).toBe('   ab|ab   |');
    expect(f('%*d', 4, 1)).toBe('   1');
    expect(f('%[2]d %[1]d', 1, 2)).toBe('2 1');
  });
  it("reports missing, extra and bad arguments as Go does", () => {
    expect(f('%d %d', 1)).toBe('1 %!d(MISSING)');
    expect(f('%d', 1, 'a')).toBe('1%!(EXTRA string=a)');
    expect(f('100%%')).toBe('100%');
    expect(f('%!')).toBe('%!!(MISSING)');
    expect(f('50%')).toBe('50%!(NOVERB)');
    expect(f('x')).toBe('x');
  });
  it('rejects a non-array argument list', () => {
    expect(errorOf('sprintf', '%s', 'a')).toEqual({ code: 'eval_type_error', message: 'sprintf: operand 2 must be array but got string' });
  });
});
