import { describe, expect, it } from 'vitest';
import { call, errorOf } from './test-support.ts';

describe('glob.match', () => {
  it('* stops at delimiters, ** does not', () => {
    expect(call('glob.match', '*.github.com', ['.'], 'api.github.com')).toBe(true);
    expect(call('glob.match', '*.github.com', ['.'], 'a.b.github.com')).toBe(false);
    expect(call('glob.match', 'api.**.com', ['.'], 'api.a.b.com')).toBe(true);
    expect(call('glob.match', '*', [], 'foo.bar')).toBe(false);
    expect(call('glob.match', '*', null, 'foo.bar')).toBe(true);
    expect(call('glob.match', '*:*', [':'], 'a:b')).toBe(true);
  });
  it('?, classes and alternatives', () => {
    expect(call('glob.match', '?at', [], 'at')).toBe(false);
    expect(call('glob.match', '?at', ['f'], 'bat')).toBe(true);
    expect(call('glob.match', '[abc]at', [], 'cat')).toBe(true);
    expect(call('glob.match', '[!a-c]at', [], 'bat')).toBe(false);
    expect(call('glob.match', '[!a-c]at', [], 'fat')).toBe(true);
    expect(call('glob.match', '{cat,bat,[fr]at}', [], 'rat')).toBe(true);
    expect(call('glob.match', '{cat,bat,[fr]at}', [], 'at')).toBe(false);
    expect(call('glob.match', 'a\\*b', [], 'a*b')).toBe(true);
    expect(call('glob.match', 'a\\*b', [], 'axb')).toBe(false);
  });
  it('reports bad operands and patterns', () => {
    expect(errorOf('glob.match', '*', 1, 'a')).toEqual({ code: 'eval_type_error', message: 'glob.match: operand 2 must be one of {array, null} but got number' });
    expect(errorOf('glob.match', '[abc', null, 'a').code).toBe('eval_builtin_error');
  });
  it('quote_meta escapes glob syntax', () => {
    expect(call('glob.quote_meta', '*.github.com')).toBe('\\*.github.com');
    expect(call('glob.quote_meta', '{a,b}[c]?')).toBe('\\{a\\,b\\}\\[c\\]\\?');
  });
});
