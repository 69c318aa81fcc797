/**
 * Hostile policies against built-ins whose output or work is set by a small argument: each
 * must count that size against the evaluation limits before allocating, and fail with a
 * clean eval_limit_error (never crash the process or hang) — while ordinary sizes still work.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../index.ts';
import { regoErrorOf } from './test-support.ts';

function evaluate(body: string): unknown {
  const policy = compile({ modules: { 'p.rego': `package p\n\nresult := x if {\n\t${body}\n}` } });
  return policy.evaluate('data.p.result', { limits: { timeoutMs: 20_000 }, strictBuiltinErrors: true });
}

describe('sized built-ins count their output before allocating', () => {
  it('numbers.range of a billion is a limit error, not a crash', () => {
    const e = regoErrorOf(() => evaluate('x := count(numbers.range(1, 1000000000))'));
    expect(e.code).toBe('eval_limit_error');
    expect(evaluate('x := count(numbers.range(1, 1000))')).toBe(1000);
    expect(regoErrorOf(() => evaluate('x := count(numbers.range_step(1, 1000000000000, 7))')).code).toBe('eval_limit_error');
    expect(evaluate('x := numbers.range_step(1, 1000000000000, 500000000000)')).toEqual([1, 500000000001]);
  });

  it('net.cidr_expand of a whole address space', () => {
    expect(regoErrorOf(() => evaluate('x := count(net.cidr_expand("0.0.0.0/0"))')).code).toBe('eval_limit_error');
    expect(regoErrorOf(() => evaluate('x := count(net.cidr_expand("2001:db8::/64"))')).code).toBe('eval_limit_error');
    expect(evaluate('x := count(net.cidr_expand("10.0.0.0/24"))')).toBe(256);
  });

  it('sprintf widths and precisions above Go\'s million are refused as Go refuses them', () => {
    expect(evaluate('x := sprintf("%*d", [100000000, 1])')).toBe('%!(BADWIDTH)1');
    expect(evaluate('x := sprintf("%.*f", [100000000, 1.5])')).toBe('%!(BADPREC)1.500000');
    expect(evaluate('x := sprintf("%999999999d", [1])')).toBe('%!(NOVERB)%!(EXTRA int=1)');
    expect(evaluate('x := sprintf("%5d|%.2f", [1, 1.5])')).toBe('    1|1.50');
  });

  it('strings.render_template with a huge range', () => {
    expect(regoErrorOf(() => evaluate('x := strings.render_template("{{range 100000000}}x{{end}}", {})')).code).toBe('eval_limit_error');
    expect(regoErrorOf(() => evaluate('x := strings.render_template("{{range 5000}}{{range 5000}}x{{end}}{{end}}", {})')).code).toBe('eval_limit_error');
    expect(evaluate('x := strings.render_template("{{range 3}}x{{end}}", {})')).toBe('xxx');
  });

  it('graph.reachable_paths over a dense graph', () => {
    const nodes = 'abcdefghijklmnop'.split('');
    const graph = JSON.stringify(Object.fromEntries(nodes.map((n) => [n, nodes.filter((m) => m !== n)])));
    expect(regoErrorOf(() => evaluate(`x := count(graph.reachable_paths(${graph}, ["a"]))`)).code).toBe('eval_limit_error');
    expect(evaluate('x := graph.reachable_paths({"a": ["b"], "b": []}, ["a"])')).toEqual([['a', 'b']]);
  });
});
