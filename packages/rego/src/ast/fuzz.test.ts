/**
 * Robustness: whatever the input — random token soups, random characters, every prefix of
 * real modules, pathological nesting — the parser returns an AST or throws RegoParseError,
 * never anything else, and never hangs. "Never hangs" is checked by counting the parser's
 * work (`ParseStats.steps`: tokens consumed and levels entered, re-reads included) against
 * the number of tokens, and by comparing the work on an input of size n with one of 4n
 * (linear: 4×; quadratic: 16×; exponential backtracking: far more); no test reads a clock.
 */
import { describe, expect, it } from 'vitest';
import { lex, parseModule, parseQuery, parseTerm, RegoParseError, type ParseStats } from './index.ts';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The parser's steps for one parse, whether it succeeds or reports errors. */
function stepsOf(parse: (stats: ParseStats) => unknown): number {
  const stats = { steps: 0 };
  try {
    parse(stats);
  } catch (e) {
    if (!(e instanceof RegoParseError)) throw e;
  }
  return stats.steps;
}

/** At most this many steps per token: each token is consumed once, plus the levels it opens. */
const STEPS_PER_TOKEN = 4;
/** From n to 4n: linear work grows 4×, quadratic 16×; 2.5² leaves room for fixed costs. */
const MAX_GROWTH_4N = 2.5 * 2.5;

const tokenCount = (text: string): number => lex(text, '').tokens.length;

function mustNotCrash(fn: () => unknown, input: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof RegoParseError)) throw new Error(`crash on ${JSON.stringify(input)}: ${String(e)}`, { cause: e });
    expect(e.errors.length).toBeGreaterThan(0);
  }
}

const pieces = [
  'package', 'import', 'p', 'x', 'input', 'data', '.', '[', ']', '{', '}', '(', ')', ',', ';', ':', ':=', '=', '==', '!=', '<', '>=',
  '+', '-', '*', '/', '%', '&', '|', 'if', 'contains', 'else', 'default', 'not', 'some', 'every', 'in', 'with', 'as', 'true', 'null',
  '1', '-2.5e3', '"s"', '`r`', '$"t{x}"', '_', '\n', ' ', '# c\n', 'future.keywords', 'rego.v1', 'and', 'or', '$', '!', '"', '\\',
];

const realModules = [
  `package authz\n\nimport rego.v1\n\n# METADATA\n# title: Allow\ndefault allow := false\n\nallow if {\n\tsome role in input.user.roles\n\trole == "admin"\n\tnot deny\n}\n\ndeny contains msg if {\n\tevery x in input.items { x.ok }\n\tmsg := sprintf("bad %v", [input.user.name])\n}\n\nf(x) := y if { y := x * 2 } else := 0\n\nobj[k] := v if { some k, v in {"a": 1} }\n`,
  `package v0\n\ndeny[msg] {\n  input.kind == "Pod"\n  c := input.spec.containers[_]\n  not startswith(c.image, "registry/")\n  msg := sprintf("%v", [c.name])\n}\n\np = x { x := {y | y := [1,2][_]} } { x := 1 }\n`,
  `package t\n\np := $"hello {input.name} {[x | some x in input.xs]}"\nq := {"a": [1, 2, {3}], "b": set()}\nr := 1 + 2 * 3 - 4 / 5 % 6 | {1} & {2}\n`,
];

describe('fuzz', () => {
  it('survives random token soups', () => {
    const next = rng(42);
    for (let n = 0; n < 3000; n++) {
      const len = 1 + Math.floor(next() * 40);
      let s = n % 2 === 0 ? 'package p\n' : '';
      for (let i = 0; i < len; i++) s += pieces[Math.floor(next() * pieces.length)] + (next() < 0.7 ? ' ' : '');
      mustNotCrash(() => parseModule(s), s);
      mustNotCrash(() => parseQuery(s), s);
      mustNotCrash(() => parseTerm(s), s);
    }
  });

  it('survives random characters', () => {
    const next = rng(7);
    for (let n = 0; n < 1000; n++) {
      const len = Math.floor(next() * 80);
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(next() * (next() < 0.9 ? 128 : 0x10000)));
      mustNotCrash(() => parseModule(s), s);
      mustNotCrash(() => parseQuery(s), s);
    }
  });

  it('survives every prefix of real modules', () => {
    for (const m of realModules) {
      expect(() => parseModule(m)).not.toThrow();
      for (let i = 0; i <= m.length; i++) mustNotCrash(() => parseModule(m.slice(0, i)), m.slice(0, i));
    }
  });

  it('reports deep nesting instead of overflowing the stack', () => {
    for (const [open, close] of [['[', ']'], ['{', '}'], ['(', ')'], ['[1, ', ']'], ['f(', ')'], ['$"{', '}"'], ['[x | ', ']']]) {
      const deep = `package p\np := ${(open as string).repeat(5000)}1${(close as string).repeat(5000)}`;
      const stats = { steps: 0 };
      mustNotCrash(() => parseModule(deep, { stats }), open as string);
      // Bounded work: the parse stops at the depth limit instead of retrying every level.
      expect(stats.steps, open as string).toBeLessThanOrEqual(STEPS_PER_TOKEN * tokenCount(deep));
    }
    const e = (() => {
      try {
        parseTerm('['.repeat(2000) + ']'.repeat(2000));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(RegoParseError);
    expect((e as RegoParseError).errors.some((x) => x.message === 'max parsing recursion depth exceeded')).toBe(true);
    // Moderate nesting is fine.
    expect(() => parseTerm('['.repeat(200) + ']'.repeat(200))).not.toThrow();
    const everyNest = `package p\np if {\n${'every x in y {\n'.repeat(1500)}true\n${'}\n'.repeat(1500)}}`;
    mustNotCrash(() => parseModule(everyNest), 'every nest');
  });

  it('stays linear on ambiguous nested braces (set vs comprehension backtracking)', () => {
    // `{{x} + 1}` and `[[x] + 1]` make every level parse its head term, find an operator, and
    // parse the level again as a term list: without the parseTerm memo that is 2^n work
    // (n = 16 took 360,445 steps), with it each bracket is parsed once.
    const shapes: [string, (n: number) => string][] = [
      ['nested braces', (n) => '{'.repeat(n) + 'x' + '}'.repeat(n)],
      ['braces then an operator', (n) => '{'.repeat(n) + 'x' + '} + 1'.repeat(n)],
      ['brackets then an operator', (n) => '['.repeat(n) + 'x' + '] + 1'.repeat(n)],
    ];
    for (const [name, make] of shapes) {
      const [small, big] = [make(75), make(300)];
      mustNotCrash(() => parseTerm(big), name);
      const [w1, w4] = [stepsOf((stats) => parseTerm(small, { stats })), stepsOf((stats) => parseTerm(big, { stats }))];
      expect(w4, name).toBeLessThanOrEqual(STEPS_PER_TOKEN * tokenCount(big));
      expect(w4 / w1, `${name}: ${w1} → ${w4} steps`).toBeLessThanOrEqual(MAX_GROWTH_4N);
    }
  });

  it('parses a 1000-rule module with work linear in its length', () => {
    const module = (rules: number): string => {
      let src = 'package big\n\n';
      for (let i = 0; i < rules; i++) src += `rule_${i} := x if {\n\tx := input.values[${i}] + ${i}\n\tx > 1\n}\n`;
      return src;
    };
    expect(parseModule(module(1000)).rules).toHaveLength(1000);
    const [small, big] = [module(250), module(1000)];
    const [w1, w4] = [stepsOf((stats) => parseModule(small, { stats })), stepsOf((stats) => parseModule(big, { stats }))];
    expect(w4).toBeLessThanOrEqual(STEPS_PER_TOKEN * tokenCount(big));
    expect(w4 / w1, `${w1} → ${w4} steps`).toBeLessThanOrEqual(MAX_GROWTH_4N);
  });
});
