/**
 * The evaluator's fast paths decide exactly like the general ones: lazily converted input
 * (equality, hashing, iteration, `with input`, inherited properties), constant rules and
 * defaults (with `with` overrides and coverage), `some x in coll` loops and runs of tests.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../index.ts';
import { NOT_PLAIN, SetValue, equals, fromJSON, fromJSONLazy, fromJSONShared, jsonPathReader, readJSONPath, toJSON, valueKey } from '../value.ts';

const mod = (src: string): Record<string, string> => ({ 'p.rego': src });

describe('lazy input', () => {
  const input = { a: { b: 1, c: [1, { d: 'x' }] }, s: 'str', n: null, u: undefined, t: true, xs: [3, 1, 2] };

  it('converts to the same value as fromJSON (equality, hashing, JSON)', () => {
    const lazy = fromJSONLazy(input);
    const eager = fromJSON(input);
    expect(equals(lazy, eager)).toBe(true);
    expect(valueKey(fromJSONLazy(input))).toBe(valueKey(eager));
    expect(toJSON(fromJSONLazy(input))).toEqual(toJSON(eager));
    // After some members were read lazily.
    const part = fromJSONLazy(input);
    const p = compile({ modules: mod('package t\nx := input.a.c[1].d') });
    expect(p.evaluate('data.t.x', { input })).toBe('x');
    expect(equals(part, eager)).toBe(true);
  });

  it('reads members, missing members, null and undefined like fromJSON', () => {
    const p = compile({
      modules: mod(`package t
b := input.a.b
missing := input.a.zz
n := input.n
u := input.u
whole := input.a
eq if input.a == {"b": 1, "c": [1, {"d": "x"}]}
inset if {input.a} == {{"c": [1, {"d": "x"}], "b": 1}}
keys := {k | some k, _ in input}
total := sum([x | some x in input.xs])
n_members := count(input)
`),
    });
    const ev = (r: string): unknown => p.evaluate(`data.t.${r}`, { input });
    expect(ev('b')).toBe(1);
    expect(ev('missing')).toBeUndefined();
    expect(ev('n')).toBeNull();
    expect(ev('u')).toBeNull();
    expect(ev('whole')).toEqual({ b: 1, c: [1, { d: 'x' }] });
    expect(ev('eq')).toBe(true);
    expect(ev('inset')).toBe(true);
    expect(ev('keys')).toEqual(['a', 'n', 's', 't', 'u', 'xs']);
    expect(ev('total')).toBe(6);
    expect(ev('n_members')).toBe(6);
  });

  it('never reads inherited properties (a polluted Object.prototype)', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = true;
    try {
      const p = compile({ modules: mod('package t\nallow if input.polluted\nctor := input.constructor') });
      expect(p.evaluate('data.t.allow', { input: {} })).toBeUndefined();
      expect(p.evaluate('data.t.ctor', { input: { a: 1 } })).toBeUndefined();
    } finally {
      delete proto.polluted;
    }
    const q = compile({ modules: mod('package t\nv := input.k') });
    const nullProto = Object.create(null) as Record<string, unknown>;
    nullProto.k = 'v';
    expect(q.evaluate('data.t.v', { input: nullProto })).toBe('v');
  });

  it('reads nested paths straight from JSON like the converted value', () => {
    const p = compile({
      modules: mod(`package t
scalar := input.a.b
undef_member := input.a.u
missing := input.a.zz
through_scalar := input.s.x
through_array := input.a.c.length
composite := input.a.c
nested_value := input.v.k
deep := input.a.o.p
`),
    });
    const input = { a: { b: 1, u: undefined, c: [1, 2], o: { p: false } }, s: 'str', v: { k: 'x' } };
    const ev = (r: string): unknown => p.evaluate(`data.t.${r}`, { input });
    expect(ev('scalar')).toBe(1);
    expect(ev('undef_member')).toBeNull();
    expect(ev('missing')).toBeUndefined();
    expect(ev('through_scalar')).toBeUndefined();
    expect(ev('through_array')).toBeUndefined();
    expect(ev('composite')).toEqual([1, 2]);
    expect(ev('deep')).toBe(false);
    // A Rego value inside the JSON is read as the value it is.
    expect(p.evaluate('data.t.nested_value', { input: { v: fromJSON({ k: 'y' }) } })).toBe('y');
    const fn = { a: { b: () => 1 } };
    expect(() => p.evaluate('data.t.scalar', { input: fn })).toThrow(TypeError);
  });

  it('a per-path reader decides like the shared one (own members, plain objects, scalars)', () => {
    const nullProto = Object.create(null) as Record<string, unknown>;
    nullProto.k = 'n';
    class Box {
      k = 'boxed';
    }
    const odd = 'x"); throw new Error("injected"); ("\u2028*/';
    const srcs: Record<string, unknown>[] = [
      { a: { b: 1, u: undefined, n: null, c: [1], o: { p: 'deep' }, big: 10n } },
      { a: nullProto, s: 'str', f: { g: () => 1 } },
      { a: new Box(), [odd]: { [odd]: 'odd' } },
      { a: { toString: 'own' } },
      {},
    ];
    const paths = [['a'], ['a', 'b'], ['a', 'u'], ['a', 'n'], ['a', 'c'], ['a', 'o', 'p'], ['a', 'big'], ['a', 'k'], ['a', 'zz'], ['s', 'x'], ['f', 'g', 'h'], ['a', 'toString'], ['constructor'], ['a', 'constructor', 'name'], [odd, odd], ['a', 'c', 'length']];
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'leak';
    try {
      for (const keys of [...paths, ['polluted'], ['a', 'polluted'], 'abcdefghi'.split('')]) {
        const read = jsonPathReader(keys);
        for (const src of srcs) expect(read(src), keys.join('.')).toBe(readJSONPath(src, keys));
      }
      expect(jsonPathReader(['a', 'polluted'])({ a: {} })).toBeUndefined();
    } finally {
      delete proto.polluted;
    }
    expect(jsonPathReader([odd, odd])(srcs[2]!)).toBe('odd');
    // Polluted after the reader has run many times: it still reads own members only.
    const late = jsonPathReader(['a', 'late']);
    for (let i = 0; i < 5000; i++) late({ a: i % 2 ? {} : { late: i } });
    proto.late = 'leak';
    try {
      expect(late({ a: {} })).toBeUndefined();
      expect(late({ a: { late: 1 } })).toBe(1);
      expect(jsonPathReader(['late'])({})).toBeUndefined();
    } finally {
      delete proto.late;
    }
    expect(jsonPathReader(['a', 'c'])(srcs[0]!)).toBe(NOT_PLAIN);
  });

  it('base data converted with shared strings is the value fromJSON gives', () => {
    const data = { roles: { 'role-1': [{ a: 'role-1', n: 1, b: 10n ** 20n }], r2: [] }, bindings: { u: ['role-1', `role-${1}`] }, x: [null, undefined, true, 1.5], s: fromJSON({ k: 'v' }) };
    expect(equals(fromJSONShared(data), fromJSON(data))).toBe(true);
    expect(valueKey(fromJSONShared(data))).toBe(valueKey(fromJSON(data)));
    expect(toJSON(fromJSONShared(data))).toEqual(toJSON(fromJSON(data)));
    expect(() => fromJSONShared({ f: () => 1 })).toThrow(TypeError);
  });

  it('`with input` replaces lazily converted input', () => {
    const p = compile({
      modules: mod(`package t
role := input.user.role
r1 := x if x := role with input.user.role as "admin"
r2 := x if x := role with input as {"user": {"role": "guest"}}
`),
    });
    const input = { user: { role: 'dev', name: 'ann' } };
    expect(p.evaluate('data.t.r1', { input })).toBe('admin');
    expect(p.evaluate('data.t.r2', { input })).toBe('guest');
    expect(p.evaluate('data.t.role', { input })).toBe('dev');
  });
});

describe('constant rules and defaults', () => {
  const p = compile({
    modules: mod(`package t
cap := 10
default allow := false
allow if input.n < cap
over if input.n > cap
over_low if over with data.t.cap as 1
`),
  });
  it('read a constant rule directly, and honour `with data` overrides of it', () => {
    expect(p.evaluate('data.t.allow', { input: { n: 5 } })).toBe(true);
    expect(p.evaluate('data.t.allow', { input: { n: 50 } })).toBe(false);
    expect(p.evaluate('data.t.over', { input: { n: 5 } })).toBeUndefined();
    expect(p.evaluate('data.t.over_low', { input: { n: 5 } })).toBe(true);
  });
  it('still record coverage of the constant rules', () => {
    const coverage = new Set<string>();
    expect(p.evaluate('data.t.allow', { input: { n: 50 }, coverage })).toBe(false);
    expect(coverage.has('p.rego:2')).toBe(true);
    expect(coverage.has('p.rego:3')).toBe(true);
  });
});

describe('`some x in coll` and runs of tests', () => {
  const p = compile({
    modules: mod(`package t
hits contains x if {
  some x in input.xs
  x > 1
  x < 10
  not x == 5
}
any_big if {
  some x in input.xs
  x > 100
}
vals contains v if {
  some v in input.obj
}
members contains v if {
  some v in {1, 2}
  v != 2
}
`),
  });
  it('binds each element of arrays, objects and sets', () => {
    expect(p.evaluate('data.t.hits', { input: { xs: [1, 2, 5, 7, 12] } })).toEqual([2, 7]);
    expect(p.evaluate('data.t.any_big', { input: { xs: [1, 200, 300] } })).toBe(true);
    expect(p.evaluate('data.t.any_big', { input: { xs: [1] } })).toBeUndefined();
    expect(p.evaluate('data.t.any_big', { input: { xs: 'not a collection' } })).toBeUndefined();
    expect(p.evaluate('data.t.vals', { input: { obj: { a: 'x', b: 'y' } } })).toEqual(['x', 'y']);
    expect(p.evaluate('data.t.members', {})).toEqual([1]);
  });
});

describe('a Policy reuses its finished evaluation context', () => {
  const p = compile({
    modules: mod(`package t
x := input.x
n := count([i | some i in numbers.range(1, 3000)])
shown if print("x is", input.x)
deny contains "a" if input.a
deny contains "b" if input.b
deny contains "a" if input.c
`),
  });

  it('starts each evaluation afresh: input, cached rule values, limits, coverage and print sink', () => {
    expect(p.evaluate('data.t.x', { input: { x: 1 } })).toBe(1);
    expect(p.evaluate('data.t.x', { input: { x: 2 } })).toBe(2);
    expect(() => p.evaluate('data.t.n', { limits: { maxSteps: 100 } })).toThrow(/step limit/);
    expect(p.evaluate('data.t.n', {})).toBe(3000);
    expect(() => p.evaluate('data.t.n', { limits: { maxSteps: 100 } })).toThrow(/step limit/);
    const coverage = new Set<string>();
    expect(p.evaluate('data.t.x', { input: { x: 3 }, coverage })).toBe(3);
    const seen = coverage.size;
    expect(seen).toBeGreaterThan(0);
    expect(p.evaluate('data.t.deny', { input: { a: true } })).toEqual(['a']);
    expect(coverage.size).toBe(seen);
  });

  it('gives a nested evaluation (from a print sink) its own context', () => {
    const lines: string[] = [];
    const print = (line: string): void => {
      lines.push(line);
      lines.push(String(p.evaluate('data.t.x', { input: { x: 'inner' } })));
    };
    expect(p.evaluate('data.t.shown', { input: { x: 'outer' }, print })).toBe(true);
    expect(lines).toEqual(['x is outer', 'inner']);
    expect(p.evaluate('data.t.x', { input: { x: 'after' } })).toBe('after');
  });

  it('builds constant-element sets in order, whichever definitions succeed', () => {
    expect(p.evaluate('data.t.deny', { input: { b: true, c: true } })).toEqual(['a', 'b']);
    expect(p.evaluate('data.t.deny', { input: { b: true } })).toEqual(['b']);
    expect(p.evaluate('data.t.deny', { input: {} })).toEqual([]);
    expect(p.query('data.t.deny == {"b", "a"}', { input: { a: true, b: true } })).toEqual([{}]);
    const v = p.evaluateValue('data.t.deny', { input: { a: true, b: true } }) as SetValue;
    const built = new SetValue(['b', 'a']);
    expect(v.size).toBe(2);
    expect(v.sorted()).toEqual(['a', 'b']);
    expect(valueKey(v)).toBe(valueKey(built));
    expect(v.has('a') && !v.has('c')).toBe(true);
    expect([...v]).toEqual(['a', 'b']);
  });

  it('counts a definition of a constant-element set by its own solutions, not those of a set it reads', () => {
    const q = compile({
      modules: mod(`package t
inner contains "x" if input.x
inner contains "y" if input.y
outer contains "many" if count(inner) > 5
outer contains "some" if {
	count(inner) > 0
	input.z
}
outer contains "z" if input.z`),
    });
    expect(q.evaluate('data.t.outer', { input: { x: true, y: true } })).toEqual([]);
    expect(q.evaluate('data.t.outer', { input: { x: true, z: true } })).toEqual(['some', 'z']);
    expect(q.evaluate('data.t.outer', { input: { z: true } })).toEqual(['z']);
  });

  it('decides a constant-value rule by its own solutions, not those of a rule it reads', () => {
    const q = compile({ modules: mod('package t\ninner if input.a\nouter if {\n\tinner\n\tinput.b\n}\nf(x) := true if {\n\touter\n\tx > 1\n}\ncalled if f(input.n)') });
    expect(q.evaluate('data.t.outer', { input: { a: true, b: false } })).toBeUndefined();
    expect(q.evaluate('data.t.outer', { input: { a: true, b: true } })).toBe(true);
    expect(q.evaluate('data.t.called', { input: { a: true, b: true, n: 1 } })).toBeUndefined();
    expect(q.evaluate('data.t.called', { input: { a: true, b: true, n: 2 } })).toBe(true);
  });

  it('hands out a fresh result for a set built before (the caller may change it)', () => {
    const first = p.evaluate('data.t.deny', { input: { a: true, b: true } }) as string[];
    first.push('changed');
    expect(p.evaluate('data.t.deny', { input: { a: true, b: true } })).toEqual(['a', 'b']);
  });

  it('membership in an array compares by Rego equality', () => {
    const q = compile({ modules: mod('package t\nin_strs if input.s in ["a", "b"]\nin_nums if input.n in [1, 2.5]\nin_mixed if input.v in [null, false, "1", [1]]') });
    expect(q.evaluate('data.t.in_strs', { input: { s: 'b' } })).toBe(true);
    expect(q.evaluate('data.t.in_strs', { input: { s: 'c' } })).toBeUndefined();
    expect(q.evaluate('data.t.in_nums', { input: { n: 1.0 } })).toBe(true);
    expect(q.evaluate('data.t.in_nums', { input: { n: 2.5 } })).toBe(true);
    expect(q.evaluate('data.t.in_mixed', { input: { v: null } })).toBe(true);
    expect(q.evaluate('data.t.in_mixed', { input: { v: false } })).toBe(true);
    expect(q.evaluate('data.t.in_mixed', { input: { v: 1 } })).toBeUndefined();
    expect(q.evaluate('data.t.in_mixed', { input: { v: [1.0] } })).toBe(true);
    expect(q.evaluate('data.t.in_mixed', { input: { v: true } })).toBeUndefined();
  });
});
