/**
 * Robustness: whatever the input — random token soups, random characters, every prefix of
 * real modules, pathological nesting — the parser returns an AST or throws RegoParseError,
 * never anything else, and never hangs.
 */
import { describe, expect, it } from 'vitest';
import { parseModule, parseQuery, parseTerm, RegoParseError } from './index.ts';

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
      const t0 = Date.now();
      mustNotCrash(() => parseModule(deep), open as string);
      expect(Date.now() - t0).toBeLessThan(5000);
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
    const s = '{'.repeat(300) + 'x' + '}'.repeat(300);
    const t0 = Date.now();
    mustNotCrash(() => parseTerm(s), s);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('parses a 1000-rule module quickly', () => {
    let src = 'package big\n\n';
    for (let i = 0; i < 1000; i++) src += `rule_${i} := x if {\n\tx := input.values[${i}] + ${i}\n\tx > 1\n}\n`;
    parseModule(src); // warm-up
    const t0 = performance.now();
    const m = parseModule(src);
    const ms = performance.now() - t0;
    expect(m.rules).toHaveLength(1000);
    // The budget is ~100 ms on an idle machine; allow for loaded CI hosts.
    expect(ms).toBeLessThan(1500);
  });
});
