/**
 * The V8 fast path: which patterns the safety check (safety.ts) lets through, and a
 * differential property test holding the fast path equal to the linear engine on matches,
 * find-all positions and submatches, for patterns it accepts and patterns it refuses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globToNode } from '../glob.ts';
import { compileRe2, findAll, matchRe2, replaceAll, type Re2 } from './regexp.ts';
import { parseRe2 } from './parse.ts';
import { backtrackSafety } from './safety.ts';
import { PER_START_MAX_INPUT, type V8Path } from './v8.ts';

const safety = (p: string): string => backtrackSafety(parseRe2(p).node).kind;

/** The same pattern on the linear engine only. */
const linear = (r: Re2): Re2 => ({ ...r, v8: undefined, matcher: { ...r.matcher, v8: undefined } });

describe('the safety check', () => {
  it('refuses catastrophic patterns (the hostile tests) and other super-linear shapes', () => {
    const catastrophic = ['^(a+)+$', '(a|a)*b', '(a*)*b', '(.*a){20}z', '(x+x+)+y', '^(\\w+\\s?)*$', '(?:a?){30}a{30}$'];
    const quadraticPerAttempt = ['^a.*b.*c$', '\\d+\\d+x', '.*.*=.*', '^[a-z.]+\\.[a-z.]+\\.x$', '^a\\w*b\\w*c$', '(?:ab|a)+c'];
    const exponentialInPattern = [`${'(?:a|a)'.repeat(5)}b`, `${'a?'.repeat(30)}${'a'.repeat(30)}`, '\\w{0,1000}\\w{0,1000}x'];
    for (const p of [...catastrophic, ...quadraticPerAttempt, ...exponentialInPattern]) {
      expect.soft(safety(p), p).toBe('unsafe');
      expect.soft(compileRe2(p).v8, p).toBeUndefined();
    }
  });

  it('refuses globs with many stars', () => {
    for (const g of [`${'*a'.repeat(50)}*b`, `${'**a'.repeat(50)}`, `${'{a,*}'.repeat(50)}b`]) expect.soft(backtrackSafety(globToNode(g, ['.'])).kind, g).toBe('unsafe');
    expect(backtrackSafety(globToNode('*.example.com', ['.'])).kind).toBe('perStart');
  });

  it('refuses constructs on which V8 answers differently from Go', () => {
    // Empty iterations, and captures a later iteration may skip.
    for (const p of ['(a*)*', '(a|)+', '(a*)?', '(?:a|(?:))+b', '(a|(b))+', '(?:(a)?b)+', '(?:(a)|b){2}']) expect.soft(safety(p), p).toBe('unsafe');
    // A case-folded Unicode property needs JS's `i` flag: not translated.
    expect(compileRe2('(?i)\\p{Lu}').v8).toBeUndefined();
  });

  it('accepts typical policy patterns', () => {
    const anchored = ['^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$', '^v?(\\d+)\\.(\\d+)\\.(\\d+)$', '^[a-z0-9./-]+:[A-Za-z0-9_.-]+$', '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '(?i)^bearer [a-z0-9]+$', '^(GET|POST|PUT)$', '^/api/v[0-9]+/'];
    for (const p of anchored) expect.soft(compileRe2(p).v8?.maxInput, p).toBe(Infinity);
    // Linear for a whole unanchored search: no unbounded loop is followed by what can fail.
    for (const p of ['role=(\\w+)', '[0-9]{3,}', 'AKIA[0-9A-Z]{16}', '\\bfoo\\b', 'x(ab)+']) expect.soft(safety(p), p).toBe('linear');
    // Each attempt linear, the unanchored search not: short inputs only.
    // (A failing attempt of `[ab]{100}c` may cover 101 characters.)
    for (const p of ['[^b]*b', 'a\\d+\\.', '\\w+@example\\.com$', '.*admin.*', '[ab]{100}c']) {
      expect.soft(safety(p), p).toBe('perStart');
      expect.soft(compileRe2(p).v8?.maxInput, p).toBe(PER_START_MAX_INPUT);
    }
    // Every path through overlapping alternatives may repeat the scan: shorter inputs still.
    expect(compileRe2('(?:GET|POST|PUT) /\\w+ ').v8?.maxInput).toBe(Math.floor(PER_START_MAX_INPUT / 3));
    expect(safety('(?:GET|POST|PUT) /\\w+')).toBe('linear');
  });
});

describe('running on V8', () => {
  it('falls back to the linear engine when V8 gives up', () => {
    const r = compileRe2('^(ab)+$');
    const exhausted = (): never => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    const v8: V8Path = { ...r.v8!, re: { exec: exhausted, test: exhausted } as unknown as RegExp };
    const s = 'abab';
    expect(matchRe2({ ...r, matcher: { ...r.matcher, v8 } }, s)).toBe(true);
    expect(v8.maxInput).toBe(s.length - 1);
    expect(findAll({ ...r, v8: { ...v8, maxInput: Infinity } }, s, -1, true).map((m) => m.groups)).toEqual([['abab', 'ab']]);
  });

  it('charges work in proportion to the input', () => {
    const r = compileRe2('^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$');
    const workOf = (s: string): number => {
      let total = 0;
      matchRe2(r, s, (w) => (total += w));
      return total;
    };
    expect(workOf('a'.repeat(10_000))).toBeGreaterThanOrEqual(10_000);
    expect(workOf('a'.repeat(20_000)) / workOf('a'.repeat(10_000))).toBeLessThanOrEqual(2.01);
  });
});

/** Random Go patterns: every construct the translation handles, safe or not. */
const patterns = fc.letrec<{ node: string; leaf: string; cat: string; alt: string; group: string; rep: string }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('cat'), tie('alt'), tie('group'), tie('rep')),
  leaf: fc.constantFrom('a', 'b', 'c', 'k', '.', '[ab]', '[^a]', '\\w', '\\d', '\\s', '\\pL', '[^\\pL]', '(?i:k)', '(?i:[a-c])', '(?s:.)', '😀', '(?:)', '^', '$', '\\b', '\\B', '(?m:^)', '(?m:$)', '\\A', '\\z'),
  cat: fc.tuple(tie('node'), tie('node')).map(([a, b]) => a + b),
  alt: fc.tuple(tie('node'), tie('node')).map(([a, b]) => `(?:${a}|${b})`),
  group: tie('node').map((a) => `(${a})`),
  rep: fc.tuple(tie('node'), fc.constantFrom('*', '+', '?', '*?', '+?', '??', '{2}', '{1,3}', '{0,2}?', '{2,}', '{0}')).map(([a, q]) => `(?:${a})${q}`),
}));

const inputs = fc.array(fc.constantFrom('a', 'b', 'c', 'k', 'K', '\u212a', ' ', '1', '\n', 'é', '😀', '_'), { maxLength: 14 }).map((cs) => cs.join(''));

describe('the fast path agrees with the linear engine (property)', () => {
  it('on match, find-all positions, submatches and replace', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(patterns.node, fc.boolean(), inputs, (body, named, s) => {
        const r = compileRe2(named ? `(?P<all>${body})` : body);
        runs++;
        const lin = linear(r);
        // Yes/no answers come from the reduced pattern (matchonly.ts): the full one must agree.
        expect(matchRe2(r, s)).toBe(findAll(lin, s, 1, false).length > 0);
        if (!r.v8 && !r.matcher.v8) return;
        taken++;
        expect(matchRe2(r, s)).toBe(matchRe2(lin, s));
        const pos = (x: Re2): [number, number][] => findAll(x, s, -1, false).map((m) => [m.start, m.end]);
        expect(pos(r)).toEqual(pos(lin));
        const subs = (x: Re2): (string | undefined)[][] => findAll(x, s, 2, true).map((m) => m.groups);
        expect(subs(r)).toEqual(subs(lin));
        expect(replaceAll(r, s, '<$1>')).toBe(replaceAll(lin, s, '<$1>'));
      }),
      { numRuns: 4000, seed: 20_261_207 },
    );
    // The grammar must exercise both sides of the check.
    expect(taken).toBeGreaterThan(runs / 5);
    expect(taken).toBeLessThan(runs);
  });

  it('with work linear in the input on repetitive text (V8 alone, n and 4n characters)', () => {
    // No absolute time bound: the time of 4n characters over that of n, each the fastest of five
    // timed batches (the fastest is the one least disturbed by other work on the machine).
    // Linear work gives about 4, quadratic about 16; 10 leaves room for noise.
    const cpu = (f: () => void, reps: number): number => {
      let best = Infinity;
      for (let k = 0; k < 5; k++) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < reps; i++) f();
        best = Math.min(best, Number(process.hrtime.bigint() - t0));
      }
      return best;
    };
    fc.assert(
      fc.property(patterns.node, fc.boolean(), fc.array(fc.constantFrom('a', 'b', 'c', ' ', '\n'), { minLength: 1, maxLength: 4 }), (body, anchored, unit) => {
        const v8 = compileRe2((anchored ? '^' : '') + body).v8;
        if (!v8) return;
        const big = Math.min(v8.maxInput, 20_000);
        const small = Math.floor(big / 4);
        if (small < 16) return;
        const text = (len: number) => unit.join('').repeat(len).slice(0, len - 1) + '!';
        const [s, b] = [text(small), text(big)];
        const run = (input: string) => () => {
          v8.re.lastIndex = 0;
          v8.re.test(input);
        };
        const reps = Math.ceil(4_000_000 / big);
        const ratio = cpu(run(b), reps) / Math.max(cpu(run(s), reps), 1);
        expect(ratio, `${body} on ${JSON.stringify(unit.join(''))}: ${small} → ${big} characters`).toBeLessThan(10);
      }),
      { numRuns: 100, seed: 20_261_207 },
    );
  });
});
