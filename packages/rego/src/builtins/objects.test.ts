import { describe, expect, it } from 'vitest';
import { makeObject, ObjectValue, SetValue, type Value } from '../value.ts';
import { call, errorOf } from './test-support.ts';

const o = makeObject;

describe('object.get / keys', () => {
  it('gets keys and paths with a default', () => {
    expect(call('object.get', o({ a: 1 }), 'a', 0)).toBe(1);
    expect(call('object.get', o({ a: 1 }), 'b', 'd')).toBe('d');
    expect(call('object.get', o({ a: [o({ b: true })] }), ['a', 0, 'b'], false)).toBe(true);
    expect(call('object.get', o({ a: [1] }), ['a', 5], 'd')).toBe('d');
    expect(call('object.get', o({ a: new SetValue(['x']) }), ['a', 'x'], 'd')).toBe('x');
    expect(call('object.get', o({ a: 1 }), [], 'd')).toEqual(o({ a: 1 }));
    expect(errorOf('object.get', 'x', 'a', 1)).toEqual({ code: 'eval_type_error', message: 'object.get: operand 1 must be object but got string' });
  });
  it('keys returns a set, including non-string keys', () => {
    const obj = ObjectValue.fromEntries([
      ['a', 1],
      [[7], 2],
    ]);
    expect(call('object.keys', obj)).toEqual(new SetValue(['a', [7]]));
  });
});

describe('object.remove / filter', () => {
  const obj = ObjectValue.fromEntries([
    ['a', 1],
    ['b', 2],
    [[[7]], 3],
  ] as [Value, Value][]);
  it('accept arrays, sets and objects of keys', () => {
    expect(call('object.remove', obj, ['a', [[7]]])).toEqual(o({ b: 2 }));
    expect(call('object.remove', obj, o({ b: 0 }))).toEqual(ObjectValue.fromEntries([['a', 1], [[[7]], 3]] as [Value, Value][]));
    expect(call('object.filter', obj, new SetValue(['a', 'zz']))).toEqual(o({ a: 1 }));
  });
  it('report bad operands', () => {
    expect(errorOf('object.remove', [], ['a'])).toEqual({ code: 'eval_type_error', message: 'object.remove: operand 1 must be object but got array' });
    expect(errorOf('object.filter', obj, 1).message).toBe('object.filter: operand 2 must be one of {object, set, array} but got number');
  });
});

describe('object.union / union_n / subset', () => {
  it('merges recursively, right wins', () => {
    expect(call('object.union', o({ a: 1, b: 2, c: o({ d: 3 }) }), o({ a: 7, c: o({ d: 4, e: 5 }) }))).toEqual(
      o({ a: 7, b: 2, c: o({ d: 4, e: 5 }) }),
    );
    expect(call('object.union_n', [o({ a: o({ b: 2 }) }), o({ a: 4 }), o({ a: o({ c: 3 }) })])).toEqual(o({ a: o({ c: 3 }) }));
    expect(call('object.union_n', [])).toEqual(o({}));
    expect(errorOf('object.union', o({}), []).message).toBe('object.union: operand 2 must be object but got array');
    expect(errorOf('object.union_n', [1]).message).toBe('object.union_n: operand 1 must be array of objects but got array containing number');
  });
  it('subset on objects, sets, arrays and array/set', () => {
    expect(call('object.subset', o({ a: 'b', c: o({ x: new SetValue([10, 15, 20, 25]), y: 'z' }) }), o({ c: o({ x: new SetValue([10, 15]) }) }))).toBe(true);
    expect(call('object.subset', o({ a: 1 }), o({ a: 2 }))).toBe(false);
    expect(call('object.subset', new SetValue([1, 2]), new SetValue([2]))).toBe(true);
    expect(call('object.subset', [1, 2, 3, 4], [2, 3])).toBe(true);
    expect(call('object.subset', [1, 2, 3, 4], [2, 4])).toBe(false);
    expect(call('object.subset', [1, 2, 3], new SetValue([3, 1]))).toBe(true);
    expect(errorOf('object.subset', 1, 2).code).toBe('eval_type_error');
  });
});

describe('json.filter / json.remove', () => {
  const doc = o({ a: o({ b: o({ c: 7, d: 8, x: 0 }) }), e: 9 });
  it('filter keeps the listed paths', () => {
    expect(call('json.filter', doc, new SetValue(['a/b/d', ['a', 'b', 'c']]))).toEqual(o({ a: o({ b: o({ c: 7, d: 8 }) }) }));
    expect(call('json.filter', o({ a: [o({ b: 7, c: 8 }), o({ d: 9 })] }), ['a/0/b', 'a/1'])).toEqual(o({ a: [o({ b: 7 }), o({ d: 9 })] }));
    expect(call('json.filter', o({ 'a/b': 1, c: 2 }), ['a~1b'])).toEqual(o({ 'a/b': 1 }));
  });
  it('remove drops the listed paths and closes array gaps', () => {
    expect(call('json.remove', doc, ['a/b/c', 'e'])).toEqual(o({ a: o({ b: o({ d: 8, x: 0 }) }) }));
    expect(call('json.remove', o({ a: [o({ b: 7, c: 8 }), o({ d: 9 })] }), new SetValue(['a/0/b', 'a/1']))).toEqual(o({ a: [o({ c: 8 })] }));
    expect(call('json.remove', o({ a: o({ b: 7 }), c: 1 }), new SetValue(['a', 'a/b']))).toEqual(o({ c: 1 }));
  });
  it('report bad path operands', () => {
    expect(errorOf('json.remove', o({}), 'a')).toEqual({ code: 'eval_type_error', message: 'json.remove: operand 2 must be one of {set, array} but got string' });
    expect(errorOf('json.remove', o({}), [1]).message).toBe(
      'json.remove: operand 2 must be one of {set, array} containing string paths or array of path segments but got number',
    );
    expect(errorOf('json.filter', 1, []).message).toBe('json.filter: operand 1 must be object but got number');
  });
});

describe('json.patch', () => {
  const patch = (doc: Value, ...ops: Record<string, Value>[]) => call('json.patch', doc, ops.map((x) => o(x)));
  it('applies RFC 6902 operations', () => {
    expect(patch(o({ foo: 'bar' }), { op: 'add', path: '/baz', value: 'qux' })).toEqual(o({ foo: 'bar', baz: 'qux' }));
    expect(patch(o({ foo: ['bar', 'baz'] }), { op: 'add', path: '/foo/1', value: 'qux' })).toEqual(o({ foo: ['bar', 'qux', 'baz'] }));
    expect(patch([1, 2], { op: 'add', path: '/-', value: 3 })).toEqual([1, 2, 3]);
    expect(patch(o({ a: 1, b: 2 }), { op: 'remove', path: '/a' })).toEqual(o({ b: 2 }));
    expect(patch(o({ a: 1 }), { op: 'replace', path: '/a', value: 2 })).toEqual(o({ a: 2 }));
    expect(patch(o({ foo: ['all', 'grass', 'cows', 'eat'] }), { op: 'move', from: '/foo/1', path: '/foo/3' })).toEqual(o({ foo: ['all', 'cows', 'eat', 'grass'] }));
    expect(patch(o({ a: o({ b: 1 }) }), { op: 'copy', from: '/a', path: '/c' })).toEqual(o({ a: o({ b: 1 }), c: o({ b: 1 }) }));
    expect(patch(o({ a: 1 }), { op: 'add', path: '', value: [] })).toEqual([]);
  });
  it('is undefined when a patch cannot apply', () => {
    expect(patch(o({ q: o({}) }), { op: 'add', path: '/a/b', value: 1 })).toBeUndefined();
    expect(patch(['a', 'b'], { op: 'add', path: '/3', value: 1 })).toBeUndefined();
    expect(patch(['a', 'b'], { op: 'test', path: '/01', value: 'b' })).toBeUndefined();
    expect(patch(o({ a: 1 }), { op: 'test', path: '/a', value: '1' })).toBeUndefined();
    expect(patch(o({ a: 1 }), { op: 'spam', path: '/a' })).toBeUndefined();
    expect(patch(o({}), { op: 'add', value: 1 })).toBeUndefined();
  });
  it('treats set members as their own paths', () => {
    expect(patch(o({ foo: new SetValue(['a', 'b']) }), { op: 'remove', path: 'foo/b' })).toEqual(o({ foo: new SetValue(['a']) }));
    expect(patch(o({ foo: new SetValue(['a']) }), { op: 'add', path: 'foo/d', value: 'e' })).toBeUndefined();
    expect(patch(new SetValue([[1]]), { op: 'add', path: [[1], 1], value: 2 })).toEqual(new SetValue([[1, 2]]));
  });
});
