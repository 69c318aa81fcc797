import { describe, expect, it } from 'vitest';
import { makeObject, SetValue } from '../value.ts';
import { BuiltinError } from './errors.ts';
import { elementTypeError, expectInteger, expectOneOf, expectSetOrArray, expectString, expectStrings } from './args.ts';

function err(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof BuiltinError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('no error');
}

describe('argument helpers', () => {
  it('name the function and the 1-based operand', () => {
    expect(expectString('f', [1, 'a'], 1)).toBe('a');
    expect(err(() => expectString('f', [1, 'a'], 0))).toEqual({ code: 'eval_type_error', message: 'f: operand 1 must be string but got number' });
  });
  it('distinguish floats from non-numbers for integers', () => {
    expect(expectInteger('f', [3], 0)).toBe(3);
    expect(err(() => expectInteger('f', [3.5], 0)).message).toBe('f: operand 1 must be integer number but got floating-point number');
    expect(err(() => expectInteger('f', ['3'], 0)).message).toBe('f: operand 1 must be number but got string');
  });
  it('list alternatives in the given order', () => {
    expect(err(() => expectSetOrArray('f', [makeObject({})], 0)).message).toBe('f: operand 1 must be one of {set, array} but got object');
    expect(err(() => expectOneOf('f', [1], 0, ['array', 'object'])).message).toBe('f: operand 1 must be one of {array, object} but got number');
  });
  it('describe bad elements of collections', () => {
    expect(expectStrings('f', [new SetValue(['b', 'a'])], 0)).toEqual(['a', 'b']);
    expect(err(() => expectStrings('f', [[1]], 0)).message).toBe('f: operand 1 must be array of strings but got array containing number');
    expect(elementTypeError('f', 1, new SetValue(), 1, ['a', 'b']).message).toBe('f: operand 2 must be set of (any of) {a, b} but got set containing number');
  });
});
