import { describe, expect, it } from 'vitest';
import { makeObject, SetValue } from '../value.ts';
import { call, errorOf } from './test-support.ts';

describe('aggregates', () => {
  it('count counts elements, keys and code points', () => {
    expect(call('count', [1, 2, 3])).toBe(3);
    expect(call('count', new SetValue([1, 2]))).toBe(2);
    expect(call('count', makeObject({ a: 1 }))).toBe(1);
    expect(call('count', 'a😀é')).toBe(3);
    expect(errorOf('count', null)).toEqual({
      code: 'eval_type_error',
      message: 'count: operand 1 must be one of {array, object, set, string} but got null',
    });
  });
  it('sum and product', () => {
    expect(call('sum', [1, 2, 3, 4])).toBe(10);
    expect(call('sum', new SetValue([0.1, 0.2]))).toBe(0.3);
    expect(call('sum', [])).toBe(0);
    expect(call('product', new SetValue([1, 2, 3, 4]))).toBe(24);
    expect(errorOf('sum', ['a'])).toEqual({ code: 'eval_type_error', message: 'sum: operand 1 must be array of numbers but got array containing string' });
    expect(errorOf('sum', 1).message).toBe('sum: operand 1 must be one of {set, array} but got number');
  });
  it('max, min (undefined when empty) and sort', () => {
    expect(call('max', [1, 4, 2])).toBe(4);
    expect(call('min', [3, 2, 1, 4, 6, -7, 10])).toBe(-7);
    expect(call('max', [1, 'a'])).toBe('a');
    expect(call('max', [])).toBeUndefined();
    expect(call('sort', [4, 3, 2, 1])).toEqual([1, 2, 3, 4]);
    expect(call('sort', new SetValue(['b', 1, null]))).toEqual([null, 1, 'b']);
  });
  it('deprecated all/any', () => {
    expect(call('all', [true, true])).toBe(true);
    expect(call('all', [true, 1])).toBe(false);
    expect(call('any', new SetValue([false, true]))).toBe(true);
    expect(call('any', [])).toBe(false);
  });
});
