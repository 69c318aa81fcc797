import { describe, expect, it } from 'vitest';
import { makeObject, SetValue } from '../value.ts';
import { call } from './test-support.ts';

describe('comparison', () => {
  it('uses Rego equality (1 == 1.0, structural composites)', () => {
    expect(call('equal', 1, 1.0)).toBe(true);
    expect(call('equal', [1, [2.0]], [1, [2]])).toBe(true);
    expect(call('equal', makeObject({ a: 1 }), makeObject({ a: 1 }))).toBe(true);
    expect(call('neq', new SetValue([1, 2]), new SetValue([2, 1]))).toBe(false);
  });
  it('orders across kinds: null < boolean < number < string < array < object < set (OPA ast/compare.go)', () => {
    expect(call('lt', null, false)).toBe(true);
    expect(call('lt', true, 0)).toBe(true);
    expect(call('lt', 99, 'a')).toBe(true);
    expect(call('lt', 'z', [])).toBe(true);
    expect(call('lt', [], makeObject({}))).toBe(true);
    expect(call('lt', makeObject({}), new SetValue())).toBe(true);
  });
  it('compares numbers and strings', () => {
    expect(call('gt', 2, 1.5)).toBe(true);
    expect(call('gte', 2, 2)).toBe(true);
    expect(call('lte', 'abc', 'abd')).toBe(true);
    expect(call('lt', 28857836529306024611912n, 28857836529306024611913n)).toBe(true);
  });
});
