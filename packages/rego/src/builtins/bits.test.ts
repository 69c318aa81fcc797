import { describe, expect, it } from 'vitest';
import { call, errorOf } from './test-support.ts';

describe('bits', () => {
  it('and / or / xor / negate', () => {
    expect(call('bits.and', 42, 3)).toBe(2);
    expect(call('bits.or', 50, 0)).toBe(50);
    expect(call('bits.xor', 42, 3)).toBe(41);
    expect(call('bits.negate', 42)).toBe(-43);
    expect(call('bits.and', 2n ** 70n + 5n, 7)).toBe(5);
  });
  it('shifts without overflow', () => {
    expect(call('bits.lsh', 1, 3)).toBe(8);
    expect(call('bits.lsh', 2147483647, 1)).toBe(4294967294);
    expect(call('bits.lsh', 1, 64)).toBe(18446744073709551616n);
    expect(call('bits.rsh', 8, 3)).toBe(1);
    expect(call('bits.rsh', -8, 100)).toBe(-1);
  });
  it('rejects floats and negative shifts', () => {
    expect(errorOf('bits.and', 7.2, 42)).toEqual({
      code: 'eval_type_error',
      message: 'bits.and: operand 1 must be integer number but got floating-point number',
    });
    expect(errorOf('bits.lsh', 7, -1)).toEqual({
      code: 'eval_type_error',
      message: 'bits.lsh: operand 2 must be an unsigned integer number but got a negative integer',
    });
    expect(errorOf('bits.or', 'a', 1).message).toBe('bits.or: operand 1 must be number but got string');
  });
});
