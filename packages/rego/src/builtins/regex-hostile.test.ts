/**
 * Hostile policies against the built-ins that take a pattern: catastrophic regexes (which
 * took minutes on a backtracking engine) and globs with many `*`. Each must
 * answer (or fail with a clean limit error) through the public API. Nothing here measures
 * wall time: a super-linear engine would hang these tests until vitest's timeout.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../index.ts';
import { regoErrorOf } from './test-support.ts';
import { backtrackSearch } from './regexp/backtrack.ts';
import { pikeSearch } from './regexp/pikevm.ts';
import { compileRe2, findAll } from './regexp/regexp.ts';

const limits = { timeoutMs: 20_000 };

function evaluate(body: string, input: unknown): unknown {
  const policy = compile({ modules: { 'p.rego': `package p\n\nresult := x if {\n\t${body}\n}` } });
  return policy.evaluate('data.p.result', { input, limits, strictBuiltinErrors: true });
}

const catastrophic = ['^(a+)+$', '(a|a)*b', '(a*)*b', '(.*a){20}z', '(x+x+)+y', '^(\\w+\\s?)*$'];

/** Each regex built-in on pattern `p` and the unmatchable `s`, with Go's answer. */
const builtins: [string, (s: string) => unknown][] = [
  ['x := regex.match(input.p, input.s)', () => false],
  ['x := regex.find_n(input.p, input.s, -1)', () => []],
  ['x := regex.find_all_string_submatch_n(input.p, input.s, 1)', () => []],
  ['x := regex.replace(input.s, input.p, "$1")', (s) => s],
  ['x := regex.split(input.p, input.s)', (s) => [s]],
  ['x := regex.template_match(concat("", ["{", input.p, "}"]), input.s, "{", "}")', () => false],
];

describe('catastrophic patterns run in linear time in every regex built-in', () => {
  it('none of them reaches V8 (only a literal left by a yes/no question does, through indexOf)', () => {
    for (const p of catastrophic) {
      const r = compileRe2(p);
      expect.soft(r.v8, p).toBeUndefined();
      if (r.matcher.v8) expect.soft(r.matcher.prog.literal, p).toBeDefined();
    }
  });

  for (const n of [30, 1_000]) {
    // `a…a!`: no pattern above matches it, which is what makes backtracking explode.
    const s = 'a'.repeat(n) + '!';
    for (const p of catastrophic) {
      it(`${p} on ${n} characters, every built-in`, () => {
        for (const [body, want] of builtins) expect(evaluate(body, { p, s }), body).toEqual(want(s));
      });
    }
  }

  // At 100,000 characters each pattern goes through regex.match and one other built-in, so
  // that every pattern and every built-in meets the long input once.
  const s = 'a'.repeat(100_000) + '!';
  catastrophic.forEach((p, i) => {
    const [body, want] = builtins[1 + (i % (builtins.length - 1))]!;
    it(`${p} on 100000 characters: regex.match and ${body.slice(5, body.indexOf('('))}`, () => {
      expect(evaluate(builtins[0]![0], { p, s })).toBe(false);
      expect(evaluate(body, { p, s })).toEqual(want(s));
    });
  });

  it('regex.globs_match with huge sets and many stars', () => {
    // Each set spans every code point from `a` up.
    const g = `${'[a-\u{10FFFF}]*'.repeat(50)}b`;
    expect(evaluate('x := regex.globs_match(input.a, input.b)', { a: g, b: `${'a*'.repeat(50)}c` })).toBe(false);
    expect(evaluate('x := regex.globs_match(input.a, input.b)', { a: g, b: `${'.*'.repeat(50)}b` })).toBe(true);
  });
});

describe('glob.match with many stars', () => {
  const globs: [string, string[] | null, (n: number) => boolean][] = [
    [`${'*a'.repeat(50)}*b`, [], () => false],
    [`${'**a'.repeat(50)}`, null, (n) => n >= 50],
    [`${'{a,*}'.repeat(50)}b`, ['.'], () => false],
  ];
  for (const n of [30, 1_000, 100_000]) {
    for (const [p, d, want] of globs) {
      it(`${p.slice(0, 6)}… on ${n} characters`, () => {
        const s = 'a'.repeat(n);
        expect(evaluate('x := glob.match(input.p, input.d, input.s)', { p, d, s })).toBe(want(n));
      });
    }
  }
});

describe('matching work is charged to the evaluation', () => {
  it('a long scan stops at the step limit', () => {
    const policy = compile({ modules: { 'p.rego': 'package p\n\nx := regex.match(`(a|b|c|d)*e`, input.s)' } });
    const e = regoErrorOf(() => policy.evaluate('data.p.x', { input: { s: 'abcd'.repeat(250_000) }, limits: { maxSteps: 5_000 } }));
    expect(e.code).toBe('eval_limit_error');
    expect(policy.evaluate('data.p.x', { input: { s: 'abcd'.repeat(250_000) } })).toBe(false);
  });

  /** Work units reported by the engine for one call. */
  const workOf = (f: (budget: (w: number) => void) => void): number => {
    let total = 0;
    f((w) => (total += w));
    return total;
  };

  // Doubling the input at most doubles the work (2.5 leaves room for fixed costs), on each
  // engine (matchRe2 would answer some of these with indexOf, see matchonly.ts).
  for (const p of ['^(a+)+$', '(a|a)*b', '(.*a){20}z', '(?:a?){30}a{30}$']) {
    it(`work grows linearly with the input: ${p}`, () => {
      const r = compileRe2(p);
      for (const engine of [backtrackSearch, pikeSearch]) {
        const w1 = workOf((b) => engine(r.prog, 'a'.repeat(2_000) + '!', 0, 0, b));
        const w2 = workOf((b) => engine(r.prog, 'a'.repeat(4_000) + '!', 0, 0, b));
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
    const e = regoErrorOf(() => evaluate('x := regex.match(input.p, "a")', { p: 'a{1001}' }));
    expect(e.message).toContain('error parsing regexp: invalid repeat count: `{1001}`');
    const big = regoErrorOf(() => evaluate('x := regex.match(input.p, "a")', { p: '((a{1000}){1000}){1000}' }));
    expect(big.message).toContain('error parsing regexp: expression too large');
    expect(evaluate('x := regex.match(input.p, input.s)', { p: '^a{1000}$', s: 'a'.repeat(1000) })).toBe(true);
  });
});
