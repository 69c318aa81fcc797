import { describe, expect, it } from 'vitest';
import { makeObject, SetValue } from '../value.ts';
import { call } from './test-support.ts';

describe('type tests', () => {
  it('is_* return false (never undefined) for other kinds', () => {
    expect(call('is_number', -42.0)).toBe(true);
    expect(call('is_number', 18446744073709551617n)).toBe(true);
    expect(call('is_number', null)).toBe(false);
    expect(call('is_string', 'x')).toBe(true);
    expect(call('is_boolean', false)).toBe(true);
    expect(call('is_array', new SetValue([1]))).toBe(false);
    expect(call('is_set', new SetValue([1]))).toBe(true);
    expect(call('is_object', makeObject({}))).toBe(true);
    expect(call('is_null', null)).toBe(true);
  });
  it('type_name', () => {
    expect(call('type_name', null)).toBe('null');
    expect(call('type_name', 'x')).toBe('string');
    expect(call('type_name', new SetValue())).toBe('set');
    expect(call('type_name', makeObject({}))).toBe('object');
    expect(call('type_name', [])).toBe('array');
  });
});
