/**
 * Behaviour tests of the evaluator: undefined vs false, conflicts, default/else, with,
 * every, comprehensions, limits, cancellation, and a fuzz-style run of random inputs.
 */
import { describe, expect, it } from 'vitest';
import { compile, evalQuery, RegoError } from '../index.ts';
import { regoErrorOf } from '../builtins/test-support.ts';

const mod = (src: string): Record<string, string> => ({ 'p.rego': src });

describe('undefined vs false', () => {
  const p = compile({
    modules: mod(`package t
allow if input.role == "admin"
default deny := false
deny if input.role == "guest"
`),
  });
  it('a rule with no true body is undefined, not false', () => {
    expect(p.evaluate('data.t.allow', { input: { role: 'dev' } })).toBeUndefined();
    expect(p.evaluate('data.t.allow', { input: { role: 'admin' } })).toBe(true);
  });
  it('default gives a value when no body holds', () => {
    expect(p.evaluate('data.t.deny', { input: { role: 'dev' } })).toBe(false);
    expect(p.evaluate('data.t.deny', { input: { role: 'guest' } })).toBe(true);
  });
  it('undefined rules are omitted from the package document', () => {
    expect(p.evaluate('data.t', { input: {} })).toEqual({ deny: false });
  });
  it('not of an undefined expression succeeds', () => {
    expect(evalQuery({ modules: {}, query: 'not input.missing', input: {} })).toEqual([{}]);
  });
});

describe('conflicts', () => {
  it('complete rules must not produce multiple outputs', () => {
    const p = compile({ modules: mod('package t\np := 1 if true\np := 2 if true') });
    const e = regoErrorOf(() => p.evaluate('data.t.p'));
    expect(e.code).toBe('eval_conflict_error');
    expect(e.message).toContain('complete rules must not produce multiple outputs');
  });
  it('functions must not produce multiple outputs for same inputs', () => {
    const p = compile({ modules: mod('package t\nf(x) := 1 if x > 0\nf(x) := 2 if x > 1\nr := f(5)') });
    const e = regoErrorOf(() => p.evaluate('data.t.r'));
    expect(e.code).toBe('eval_conflict_error');
    expect(e.message).toContain('functions must not produce multiple outputs for same inputs');
  });
  it('object keys must be unique', () => {
    const p = compile({ modules: mod('package t\no[k] := v if { some k in ["a"]; some v in [1, 2] }') });
    expect(regoErrorOf(() => p.evaluate('data.t.o')).message).toContain('object keys must be unique');
  });
});

describe('rules', () => {
  it('else chains pick the first body that holds', () => {
    const p = compile({ modules: mod('package t\np := 1 if input.x > 10 else := 2 if input.x > 5 else := 3') });
    expect([20, 7, 1].map((x) => p.evaluate('data.t.p', { input: { x } }))).toEqual([1, 2, 3]);
  });
  it('partial sets and objects, ref heads', () => {
    const p = compile({
      modules: mod('package t\ns contains x if some x in [3, 1, 3]\no[k] := k * 2 if some k in [1, 2]\na.b[c] := 1 if some c in ["x", "y"]'),
    });
    expect(p.evaluate('data.t', {})).toEqual({ s: [1, 3], o: { '1': 2, '2': 4 }, a: { b: { x: 1, y: 1 } } });
  });
  it('virtual documents merge with base data', () => {
    const p = compile({ modules: mod('package t\np := 1'), data: { t: { q: 2 } } });
    expect(p.evaluate('data.t')).toEqual({ p: 1, q: 2 });
  });
  it('big integers stay exact', () => {
    expect(evalQuery({ modules: {}, query: 'x := 9007199254740993 + 0' })[0]).toBeDefined();
  });
});

describe('with', () => {
  const p = compile({
    modules: mod(`package t
allow if input.user == "ann"
check if allow with input as {"user": "ann"}
data_mock if data.t.limit == 5 with data.t.limit as 5
count_mock if count([1, 2, 3]) == 7 with count as 7
f(_) := 9
fn_mock := x if { x := count([]) with count as f }
`),
  });
  it('replaces input, data and functions for one expression', () => {
    expect(p.evaluate('data.t.check', { input: { user: 'bob' } })).toBe(true);
    expect(p.evaluate('data.t.data_mock')).toBe(true);
    expect(p.evaluate('data.t.count_mock')).toBe(true);
    expect(p.evaluate('data.t.fn_mock')).toBe(9);
  });
  it('does not leak into the rest of the body', () => {
    const q = compile({ modules: mod('package t\nr := [a, b] if { a := input.x with input.x as 1; b := input.x }') });
    expect(q.evaluate('data.t.r', { input: { x: 2 } })).toEqual([1, 2]);
  });
});

describe('every, some-in, comprehensions', () => {
  it('every holds over empty and fails on a counter-example', () => {
    const p = compile({ modules: mod('package t\nok if every x in input.xs { x > 0 }') });
    expect(p.evaluate('data.t.ok', { input: { xs: [] } })).toBe(true);
    expect(p.evaluate('data.t.ok', { input: { xs: [1, 2] } })).toBe(true);
    expect(p.evaluate('data.t.ok', { input: { xs: [1, -2] } })).toBeUndefined();
  });
  it('comprehensions and some … in', () => {
    expect(evalQuery({ modules: {}, query: 'xs := [y | some x in [1, 2, 3]; x != 2; y := x * 2]' })).toEqual([{ xs: [2, 6] }]);
    expect(evalQuery({ modules: {}, query: 'some k, v in {"a": 1}' })).toEqual([{ k: 'a', v: 1 }]);
  });
});

describe('compile errors', () => {
  it('reports unsafe variables', () => {
    expect(() => compile({ modules: mod('package t\np if { x > 1 }') })).toThrow(/rego_unsafe_var_error: var x is unsafe/);
  });
  it('reports recursion', () => {
    expect(() => compile({ modules: mod('package t\np if q\nq if p') })).toThrow(/rego_recursion_error/);
  });
  it('reports wrong arity', () => {
    expect(() => compile({ modules: mod('package t\np := count(1, 2, 3)') })).toThrow(/rego_type_error/);
  });
  it('reports undefined functions', () => {
    expect(() => compile({ modules: mod('package t\np := nope(1)') })).toThrow(/undefined function nope/);
  });
});

describe('limits and cancellation', () => {
  const heavy = compile({
    modules: mod('package t\nr := numbers.range(1, 2000)\nn := count([s | some a in r; some b in r; some c in r; s := a + b + c])'),
  });
  it('stops a huge comprehension with a limit error after a bounded number of steps', () => {
    // 2000³ iterations unless stopped. The deadline is out of reach, so only the step count
    // can stop it: the message names the step limit, whatever the machine's speed.
    for (const maxSteps of [1_000, 200_000]) {
      const e = regoErrorOf(() => heavy.evaluate('data.t.n', { limits: { maxSteps, timeoutMs: 3_600_000 } }));
      expect(e.code).toBe('eval_limit_error');
      expect(e.message).toContain(`evaluation exceeded the step limit (${maxSteps})`);
    }
  });
  it('enforces the deadline', () => {
    const e = regoErrorOf(() => heavy.evaluate('data.t.n', { limits: { timeoutMs: 50, maxOutputItems: 1e12, maxSteps: 1e12 } }));
    expect(e.code).toBe('eval_limit_error');
  });
  it('enforces the output size limit', () => {
    const e = regoErrorOf(() => heavy.evaluate('data.t.n', { limits: { maxOutputItems: 1000 } }));
    expect(e.message).toContain('output size');
  });
  it('honours an AbortSignal', () => {
    const ac = new AbortController();
    ac.abort();
    const e = regoErrorOf(() => heavy.evaluate('data.t.n', { signal: ac.signal }));
    expect(e.code).toBe('eval_cancel_error');
  });
  it('turns deep nesting into a limit error, not a crash', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20000; i++) deep = [deep];
    const p = compile({ modules: mod('package t\nn := count([x | walk(input, [_, x])])') });
    let err: unknown;
    try {
      p.evaluate('data.t.n', { input: { deep } });
    } catch (e) {
      err = e;
    }
    if (err) expect((err as RegoError).code).toBe('eval_limit_error');
  });
});

describe('built-in errors', () => {
  const p = compile({ modules: mod('package t\nq := 1 / input.d\nr := x if { x := 1 / 0 } else := "fallback"') });
  it('make the call undefined by default, as in OPA', () => {
    expect(p.evaluate('data.t.q', { input: { d: 0 } })).toBeUndefined();
    expect(p.evaluate('data.t.r')).toBe('fallback');
  });
  it('abort the query with the built-in error code when strict', () => {
    const e = regoErrorOf(() => p.evaluate('data.t.q', { input: { d: 0 }, strictBuiltinErrors: true }));
    expect(e.code).toBe('eval_builtin_error');
    expect(e.message).toContain('div: divide by zero');
  });
});

describe('with: mocks', () => {
  it('a mock may call the function it replaces, and never another mock', () => {
    const p = compile({
      modules: mod(`package t
mock_count(x) := count(x) + 100
p := x if { x := count([1, 2]) with count as mock_count }
`),
    });
    expect(p.evaluate('data.t.p')).toBe(102);
  });
});

describe('print', () => {
  it('sends output to the sink', () => {
    const lines: string[] = [];
    const p = compile({ modules: mod('package t\np if { print("hello", input.x, input.missing) }') });
    p.evaluate('data.t.p', { input: { x: [1] }, print: (l) => lines.push(l) });
    expect(lines).toEqual(['hello [1] <undefined>']);
  });
});

describe('fuzz: random inputs never crash a compiled policy', () => {
  const p = compile({
    modules: mod(`package t
import rego.v1
default allow := false
allow if { input.user.role == "admin" }
allow if { some g in input.groups; startswith(g, "ops-"); input.action in {"read", "list"} }
deny contains msg if { some k, v in input.labels; not is_string(v); msg := sprintf("label %v must be a string", [k]) }
score := sum([x | some x in input.nums; is_number(x)])
`),
  });
  let seed = 7;
  const rand = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const randomValue = (depth: number): unknown => {
    const r = rand();
    if (depth > 3 || r < 0.3) return [null, true, false, 0, -1.5, 'x', 'ops-a', 'admin', 1e300][Math.floor(rand() * 9)];
    if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(depth + 1));
    const o: Record<string, unknown> = {};
    for (const k of ['user', 'role', 'groups', 'action', 'labels', 'nums', 'z']) if (rand() < 0.4) o[k] = randomValue(depth + 1);
    return o;
  };
  it('evaluates 2,000 random inputs without throwing', () => {
    for (let i = 0; i < 2000; i++) {
      const input = randomValue(0);
      for (const q of ['data.t.allow', 'data.t.deny', 'data.t.score']) p.evaluate(q, { input });
    }
  });
});
