import { describe, expect, it } from 'vitest';
import { equals, fromJSON, makeObject, makeSet, type Value } from '../value.ts';
import { call, errorOf } from './test-support.ts';

const same = (a: Value | undefined, b: Value): boolean => a !== undefined && equals(a, b);

describe('graph', () => {
  const g = makeObject({ a: makeSet(['b', 'c']), b: makeSet(['d']), c: makeSet(['d']), d: makeSet([]), e: makeSet(['f']), f: makeSet(['e']) });
  it('reachable follows edges and ignores unknown nodes', () => {
    expect(same(call('graph.reachable', g, makeSet(['b', 'e'])), makeSet(['b', 'd', 'e', 'f']))).toBe(true);
    expect(same(call('graph.reachable', fromJSON({ a: null }), ['a']), makeSet(['a']))).toBe(true);
    expect(errorOf('graph.reachable', fromJSON({ a: [] }), 'a')).toEqual({
      code: 'eval_type_error',
      message: 'graph.reachable: operand 2 must be {array, set} but got string',
    });
  });
  it('reachable_paths stops at cycles and missing nodes', () => {
    expect(same(call('graph.reachable_paths', fromJSON({ a: ['b'], b: ['c'], c: ['a'] }), ['a']), makeSet([['a', 'b', 'c']]))).toBe(true);
    expect(same(call('graph.reachable_paths', fromJSON({ a: ['b'], b: ['nonexistent'] }), makeSet(['a', 'b'])), makeSet([['a', 'b'], ['b']]))).toBe(true);
    expect(same(call('graph.reachable_paths', fromJSON({ a: ['b', 'c'], b: ['c'], c: [] }), ['a']), makeSet([['a', 'b', 'c'], ['a', 'c']]))).toBe(true);
  });
  it('walk yields every [path, value], root first', () => {
    expect(call('walk', fromJSON({ a: [1] }))).toEqual([
      [[], fromJSON({ a: [1] })],
      [['a'], [1]],
      [['a', 0], 1],
    ]);
    expect(call('walk', makeSet([2]))).toEqual([
      [[], makeSet([2])],
      [[2], 2],
    ]);
  });
});
