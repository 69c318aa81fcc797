/**
 * Hostile policies against the built-ins that take a pattern: catastrophic regexes (which
 * took minutes on a backtracking engine) and globs with many `*`. Each must
 * answer (or fail with a clean limit error) through the public API. Nothing here measures
 * wall time: a super-linear engine would hang these tests until vitest's timeout.
 */
import { describe, expect, it } from 'vitest';
import { compile, RegoError } from '../index.ts';
import { compileRe2, findAll, matchRe2 } from './regexp/regexp.ts';

const limits = { timeoutMs: 20_000 };

function evaluate(body: string, input: unknown): unknown {
  const policy = compile({ modules: { 'p.rego': `package p\n\nresult := x if {\n\t${body}\n}` } });
  return policy.evaluate('data.p.result', { input, limits, strictBuiltinErrors: true });
}

function errorOf(f: () => unknown): RegoError {
  try {
    f();
  } catch (e) {
    if (e instanceof RegoError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const catastrophic = ['^(a+)+$', '(a|a)*b', '(a*)*b', '(.*a){20}z', '(x+x+)+y', '^(\\w+\\s?)*$'];
const sizes = [30, 1_000, 100_000];

describe('catastrophic patterns run in linear time in every regex built-in', () => {
  for (const n of sizes) {
    // `a…a!`: no pattern above matches it, which is what makes backtracking explode.
    const s = 'a'.repeat(n) + '!';
    for (const p of catastrophic) {
      it(`${p} on ${n} characters`, () => {
        const input = { p, s };
        expect(evaluate('x := regex.match(input.p, input.s)', input)).toBe(false);
        expect(evaluate('x := regex.find_n(input.p, input.s, -1)', input)).toEqual([]);
        expect(evaluate('x := regex.find_all_string_submatch_n(input.p, input.s, 1)', input)).toEqual([]);
        expect(evaluate('x := regex.replace(input.s, input.p, "$1")', input)).toBe(s);
        expect(evaluate('x := regex.split(input.p, input.s)', input)).toEqual([s]);
        expect(evaluate('x := regex.template_match(concat("", ["{", input.p, "}"]), input.s, "{", "}")', input)).toBe(false);
      });
    }
  }

  it('regex.globs_match with huge sets and many stars', () => {
    // Each set spans every code point from `a` up.
    const g = `${'[a-\u{10FFFF}]*'.repeat(50)}b`;
    expect(evaluate('x := regex.globs_match(input.a, input.b)', { a: g, b: `${'a*'.repeat(50)}c` })).toBe(false);
    expect(evaluate('x := regex.globs_match(input.a, input.b)', { a: g, b: `${'.*'.repeat(50)}b` })).toBe(true);
  });
});

describe('glob.match with many stars', () => {
  const pattern = `${'*a'.repeat(50)}*b`;
  for (const n of sizes) {
    it(`50 stars on ${n} characters`, () => {
      const s = 'a'.repeat(n);
      expect(evaluate('x := glob.match(input.p, [], input.s)', { p: pattern, s })).toBe(false);
      expect(evaluate('x := glob.match(input.p, null, input.s)', { p: `${'**a'.repeat(50)}`, s })).toBe(n >= 50);
      expect(evaluate('x := glob.match(input.p, ["."], input.s)', { p: `${'{a,*}'.repeat(50)}b`, s })).toBe(false);
    });
  }
});

describe('matching work is charged to the evaluation', () => {
  it('a long scan stops at the step limit', () => {
    const policy = compile({ modules: { 'p.rego': 'package p\n\nx := regex.match(`(a|b|c|d)*e`, input.s)' } });
    const e = errorOf(() => policy.evaluate('data.p.x', { input: { s: 'abcd'.repeat(250_000) }, limits: { maxSteps: 5_000 } }));
    expect(e.code).toBe('eval_limit_error');
    expect(policy.evaluate('data.p.x', { input: { s: 'abcd'.repeat(250_000) } })).toBe(false);
  });

  /** Work units reported by the engine for one call. */
  const workOf = (f: (budget: (w: number) => void) => void): number => {
    let total = 0;
    f((w) => (total += w));
    return total;
  };

  // Doubling the input at most doubles the work (2.5 leaves room for fixed costs).
  for (const p of ['^(a+)+$', '(a|a)*b', '(.*a){20}z', '(?:a?){30}a{30}$']) {
    it(`work grows linearly with the input: ${p}`, () => {
      const r = compileRe2(p);
      // 500 and 1,000 characters go to the backtracker, 50,000 and 100,000 to the Pike VM.
      for (const n of [500, 50_000]) {
        const w1 = workOf((b) => matchRe2(r, 'a'.repeat(n) + '!', b));
        const w2 = workOf((b) => matchRe2(r, 'a'.repeat(2 * n) + '!', b));
        expect(w1).toBeGreaterThan(0);
        expect(w2 / w1).toBeLessThanOrEqual(2.5);
      }
    });
  }

  it('find-all work grows linearly too', () => {
    const r = compileRe2('(a|ab)(c|bcd)(d*)');
    const w1 = workOf((b) => findAll(r, 'abcd'.repeat(20_000), -1, true, b));
    const w2 = workOf((b) => findAll(r, 'abcd'.repeat(40_000), -1, true, b));
    expect(w2 / w1).toBeLessThanOrEqual(2.5);
  });
});

describe('programs are bounded', () => {
  it('rejects repeat counts over 1000 and programs too large, with Go wording', () => {
    const e = errorOf(() => evaluate('x := regex.match(input.p, "a")', { p: 'a{1001}' }));
    expect(e.message).toContain('error parsing regexp: invalid repeat count: `{1001}`');
    const big = errorOf(() => evaluate('x := regex.match(input.p, "a")', { p: '((a{1000}){1000}){1000}' }));
    expect(big.message).toContain('error parsing regexp: expression too large');
    expect(evaluate('x := regex.match(input.p, input.s)', { p: '^a{1000}$', s: 'a'.repeat(1000) })).toBe(true);
  });
});
