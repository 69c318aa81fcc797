import { describe, expect, it } from 'vitest';
import { SetValue } from '../value.ts';
import { call, errorOf } from './test-support.ts';

describe('to_number', () => {
  it('converts null, booleans, numbers and numeric strings', () => {
    expect(call('to_number', null)).toBe(0);
    expect(call('to_number', true)).toBe(1);
    expect(call('to_number', 2.5)).toBe(2.5);
    expect(call('to_number', '3')).toBe(3);
    expect(call('to_number', '-1.5e3')).toBe(-1500);
    expect(call('to_number', '123456789012345678901234')).toBe(123456789012345678901234n);
    expect(call('to_number', '0x1p-2')).toBe(0.25);
  });
  it('rejects NaN/Inf as type errors and garbage as builtin errors', () => {
    for (const s of ['nan', '-NaN', 'inf', '-Inf', 'Infinity']) {
      expect(errorOf('to_number', s)).toEqual({ code: 'eval_type_error', message: 'to_number: operand 1 must be valid number string but got string' });
    }
    expect(errorOf('to_number', 'abc')).toEqual({ code: 'eval_builtin_error', message: 'to_number: strconv.ParseFloat: parsing "abc": invalid syntax' });
    expect(errorOf('to_number', []).message).toBe('to_number: operand 1 must be one of {null, boolean, number, string} but got array');
  });
});

describe('deprecated cast_*', () => {
  it('casts or fails', () => {
    expect(call('cast_array', new SetValue([2, 1]))).toEqual([1, 2]);
    expect(call('cast_set', [1, 1])).toEqual(new SetValue([1]));
    expect(call('cast_string', 'a')).toBe('a');
    expect(errorOf('cast_boolean', 1).message).toBe('cast_boolean: operand 1 must be boolean but got number');
  });
});
