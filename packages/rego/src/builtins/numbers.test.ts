import { describe, expect, it } from 'vitest';
import { SetValue } from '../value.ts';
import { call, callWith, errorOf, newContext } from './test-support.ts';

describe('arithmetic', () => {
  it('adds, subtracts and multiplies exactly', () => {
    expect(call('plus', 2, 3)).toBe(5);
    expect(call('plus', 0.1, 0.2)).toBe(0.3);
    expect(call('plus', 1, 2.5)).toBe(3.5);
    expect(call('minus', 0.3, 0.1)).toBe(0.2);
    expect(call('mul', 2.5, 2)).toBe(5);
    expect(call('mul', 1.1, 1.1)).toBe(1.21);
    expect(call('plus', 49649733057, 1)).toBe(49649733058);
  });

  it('switches to bigint beyond 2^53 and folds back', () => {
    expect(call('plus', 18446744073709551617n, 1)).toBe(18446744073709551618n);
    expect(call('mul', 9007199254740991, 2)).toBe(18014398509481982n);
    expect(call('minus', 9007199254740992n, 1)).toBe(9007199254740991);
  });

  it('divides, keeping exact integer quotients', () => {
    expect(call('div', 10, 4)).toBe(2.5);
    expect(call('div', 4, 2)).toBe(2);
    expect(call('div', 0.3, 0.1)).toBe(3);
    expect(call('div', 36893488147419103234n, 2)).toBe(18446744073709551617n);
    expect(errorOf('div', 1, 0)).toEqual({ code: 'eval_builtin_error', message: 'div: divide by zero' });
  });

  it('takes truncated remainders of integers only', () => {
    expect(call('rem', 7, 3)).toBe(1);
    expect(call('rem', -7, 3)).toBe(-1);
    expect(call('rem', 100, -18446744073709551616n)).toBe(100);
    expect(call('rem', 18446744073709551617n, 18446744073709551616n)).toBe(1);
    expect(errorOf('rem', 7, 0)).toEqual({ code: 'eval_builtin_error', message: 'rem: modulo by zero' });
    expect(errorOf('rem', 1.1, 1)).toEqual({ code: 'eval_builtin_error', message: 'rem: modulo on floating-point number' });
  });

  it('minus is set difference on sets, with OPA operand errors', () => {
    expect(call('minus', new SetValue([1, 2, 3]), new SetValue([2]))).toEqual(new SetValue([1, 3]));
    expect(errorOf('minus', new SetValue([1]), 1)).toEqual({ code: 'eval_type_error', message: 'minus: operand 2 must be set but got number' });
    expect(errorOf('minus', 1, new SetValue([1]))).toEqual({ code: 'eval_type_error', message: 'minus: operand 2 must be number but got set' });
    expect(errorOf('minus', 'a', 1).message).toBe('minus: operand 1 must be one of {number, set} but got string');
  });

  it('reports non-number operands', () => {
    expect(errorOf('plus', 'a', 1)).toEqual({ code: 'eval_type_error', message: 'plus: operand 1 must be number but got string' });
    expect(errorOf('mul', 1, null).message).toBe('mul: operand 2 must be number but got null');
  });
});

describe('rounding', () => {
  it('rounds halves away from zero', () => {
    expect(call('round', 2.5)).toBe(3);
    expect(call('round', -2.5)).toBe(-3);
    expect(call('round', 1.4999)).toBe(1);
    expect(call('round', -0.4)).toBe(0);
  });
  it('ceil, floor, abs', () => {
    expect(call('ceil', 1.01)).toBe(2);
    expect(call('ceil', -1.99999)).toBe(-1);
    expect(call('floor', -1.001)).toBe(-2);
    expect(call('abs', -10)).toBe(10);
    expect(call('abs', -18446744073709551617n)).toBe(18446744073709551617n);
  });
});

describe('numbers.range', () => {
  it('counts up or down, inclusive', () => {
    expect(call('numbers.range', -2, 1)).toEqual([-2, -1, 0, 1]);
    expect(call('numbers.range', 2, -1)).toEqual([2, 1, 0, -1]);
  });
  it('rejects floats', () => {
    expect(errorOf('numbers.range', 3, 3.14)).toEqual({
      code: 'eval_type_error',
      message: 'numbers.range: operand 2 must be integer number but got floating-point number',
    });
  });
  it('range_step stops at or before the end', () => {
    expect(call('numbers.range_step', 0, 10, 4)).toEqual([0, 4, 8]);
    expect(call('numbers.range_step', 10, 3, 2)).toEqual([10, 8, 6, 4]);
    expect(call('numbers.range_step', 0, 10, 99999999999999999999n)).toEqual([0]);
    expect(errorOf('numbers.range_step', 0, 10, -2)).toEqual({
      code: 'eval_builtin_error',
      message: 'numbers.range_step: step must be a positive integer',
    });
  });
});

describe('rand.intn', () => {
  it('is memoised per query and bounded', () => {
    const ctx = newContext();
    const first = callWith(ctx, 'rand.intn', 'k', 100);
    for (let i = 0; i < 20; i++) expect(callWith(ctx, 'rand.intn', 'k', 100)).toBe(first);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(100);
    expect(call('rand.intn', 'k', 0)).toBe(0);
    const neg = call('rand.intn', 'k', -5) as number;
    expect(neg >= 0 && neg < 5).toBe(true);
  });
});
