import { describe, expect, it } from 'vitest';
import { makeObject } from '../value.ts';
import { call, errorOf } from './test-support.ts';

describe('arrays', () => {
  it('concat', () => {
    expect(call('array.concat', [1, 2], [3])).toEqual([1, 2, 3]);
    expect(errorOf('array.concat', [1], makeObject({}))).toEqual({
      code: 'eval_type_error',
      message: 'array.concat: operand 2 must be array but got object',
    });
  });
  it('slice clamps its bounds', () => {
    expect(call('array.slice', [1, 2, 3, 4], 1, 3)).toEqual([2, 3]);
    expect(call('array.slice', [1, 2, 3], -5, 10)).toEqual([1, 2, 3]);
    expect(call('array.slice', [1, 2, 3], 2, 1)).toEqual([]);
    expect(call('array.slice', [1, 2, 3], 1000, 2000)).toEqual([]);
  });
  it('reverse and flatten', () => {
    expect(call('array.reverse', [1, 2, 3])).toEqual([3, 2, 1]);
    expect(call('array.flatten', [[1], [2, [3]], 4])).toEqual([1, 2, [3], 4]);
    expect(errorOf('array.reverse', makeObject({})).message).toBe('array.reverse: operand 1 must be array but got object');
  });
});
