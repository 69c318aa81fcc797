/** Unit tests for the parser: shapes, precedence, v0/v1 handling, errors and locations. */
import { describe, expect, it } from 'vitest';
import { parseModule, parseQuery, parseTerm, RegoParseError, printTerm, type Call, type Expr, type Term } from './index.ts';

function errorOf(fn: () => unknown): RegoParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegoParseError) return e;
    throw e;
  }
  throw new Error('expected a RegoParseError');
}

/** Fully parenthesised form of a term, to check precedence. */
function shape(t: Term): string {
  if (t.type === 'call' && t.infix !== undefined) return `(${t.args.map(shape).join(` ${t.infix} `)})`;
  return printTerm(t);
}

function term(e: Expr | undefined): Term {
  if (e === undefined || e.terms.type === 'assign' || e.terms.type === 'unify') throw new Error('not a term');
  return e.terms as Term;
}

describe('terms', () => {
  it('parses scalars, numbers and strings', () => {
    expect(parseTerm('null')).toMatchObject({ type: 'null' });
    expect(parseTerm('-1.5e3')).toMatchObject({ type: 'number', raw: '-1.5e3', value: -1500 });
    expect(parseTerm('12345678901234567890')).toMatchObject({ type: 'number', value: 12345678901234567890n });
    expect(parseTerm('"a\\u00e9\\ud83d\\ude00\\n"')).toMatchObject({ type: 'string', value: 'aé😀\n' });
    expect(parseTerm('`raw\\n`')).toMatchObject({ type: 'string', value: 'raw\\n', raw: true });
    expect(parseTerm('set()')).toMatchObject({ type: 'set', items: [] });
    expect(parseTerm('{}')).toMatchObject({ type: 'object', items: [] });
  });

  it('parses refs, calls and comprehensions', () => {
    expect(printTerm(parseTerm('input.x[y].z'))).toBe('input.x[y].z');
    const call = parseTerm('f(x).y') as Term;
    expect(call).toMatchObject({ type: 'ref', head: { type: 'call' }, path: [{ type: 'string', value: 'y' }] });
    expect(parseTerm('[x | x := 1]')).toMatchObject({ type: 'arraycomprehension' });
    expect(parseTerm('{x | x := 1}')).toMatchObject({ type: 'setcomprehension' });
    expect(parseTerm('{k: v | k := 1; v := 2}')).toMatchObject({ type: 'objectcomprehension' });
    // `{a | b}` prefers the comprehension; `{a | b, c}` is a set containing `a | b`.
    expect(parseTerm('{a | b, c}')).toMatchObject({ type: 'set' });
  });

  it('gives each _ its own wildcard var', () => {
    const t = parseTerm('x[_][_]');
    expect(t).toMatchObject({ type: 'ref', path: [{ name: '$0', wildcard: true }, { name: '$1', wildcard: true }] });
  });

  it('parses template strings', () => {
    const t = parseTerm('$"a {x + 1} \\{b}"');
    expect(t.type).toBe('templatestring');
    if (t.type !== 'templatestring') return;
    expect(t.parts.map((p) => p.type)).toEqual(['string', 'expr', 'string']);
    expect(t.parts[2]).toMatchObject({ value: ' {b}' });
  });
});

describe('operator precedence', () => {
  const cases: Array<[string, string]> = [
    ['a + b * c', '(a + (b * c))'],
    ['a - b - c', '((a - b) - c)'],
    ['a | b & c', '(a | (b & c))'],
    ['a + b == c * d', '((a + b) == (c * d))'],
    ['a == b in c', '((a == b) in c)'],
    ['a < b | c', '(a < (b | c))'],
    ['(a + b) * c', '((a + b) * c)'],
    ['x - -1', '(x - -1)'],
  ];
  for (const [src, want] of cases) {
    it(src, () => {
      expect(shape(parseTerm(src))).toBe(want);
    });
  }

  it('names infix calls after OPA built-ins', () => {
    const c = parseTerm('a % b') as Call;
    expect(c.operator).toMatchObject({ type: 'var', name: 'rem' });
    const m = term(parseQuery('k, v in xs')[0]) as Call;
    expect(m.operator).toMatchObject({ type: 'ref', head: { name: 'internal' }, path: [{ value: 'member_3' }] });
  });
});

describe('queries and bodies', () => {
  it('splits on newlines and semicolons', () => {
    expect(parseQuery('x = 1; y := 2\nnot z')).toHaveLength(3);
    expect(parseQuery('x := [1,\n 2]')).toHaveLength(1);
  });

  it('parses some, every and with', () => {
    const [a, b, c] = parseQuery('some k, v in xs\nevery x in xs { x > 0 }\ndata.p with input as {"a": 1} with data.q as 2');
    expect(a?.terms).toMatchObject({ type: 'somein', key: { name: 'k' }, value: { name: 'v' } });
    expect(b?.terms).toMatchObject({ type: 'every', value: { name: 'x' } });
    expect(c?.with).toHaveLength(2);
    expect(parseQuery('some x, y')[0]?.terms).toMatchObject({ type: 'some', vars: [{ name: 'x' }, { name: 'y' }] });
  });
});

describe('rules', () => {
  it('classifies rule kinds', () => {
    const m = parseModule(
      'package p\nimport rego.v1\na := 1\nb contains x if x := 1\nc[k] := v if { k := 1; v := 2 }\nf(x) := x + 1\nd.e.f := 2\ng.h[i].j := 3 if i := 1\ndefault q := false\nallow if input.ok',
    );
    expect(m.rules.map((r) => r.head.kind)).toEqual(['complete', 'partial_set', 'partial_object', 'function', 'complete', 'partial_object', 'complete', 'complete']);
    expect(m.rules[7]?.head.value).toMatchObject({ type: 'boolean', value: true });
    expect(m.rules[6]?.default).toBe(true);
  });

  it('parses else chains and v0 multi-block bodies', () => {
    const m = parseModule('package p\np := 1 if { input.a } else := 2 if { input.b } else := 3');
    expect(m.rules[0]?.else?.else?.head.value).toMatchObject({ value: 3 });
    const v0 = parseModule('package p\np { input.a } { input.b }', { regoVersion: 'v0' });
    expect(v0.rules).toHaveLength(2);
  });

  it('allows keywords as ref heads and ref elements', () => {
    const m = parseModule('package foo.if.bar\nimport data.x.else as e\nif.foo := 1\nfoo.in := 2\np if { else.foo == 1 }');
    expect(m.rules.map((r) => r.head.name)).toEqual(['if', 'foo', 'p']);
  });

  it('parses METADATA annotations', () => {
    const m = parseModule('# METADATA\n# description: pkg\npackage p\n\n# METADATA\n# title: T\n# authors:\n# - Jane Doe <jane@example.com>\np := 1\n');
    expect(m.annotations).toHaveLength(2);
    expect(m.annotations[0]?.scope).toBe('package');
    expect(m.rules[0]?.annotations[0]).toMatchObject({ scope: 'rule', title: 'T', authors: [{ name: 'Jane Doe', email: 'jane@example.com' }] });
  });

  it('parses the experimental logical operators when imported', () => {
    const m = parseModule('package p\nimport future.keywords.and\nimport future.keywords.or\np if { a or b and c }');
    const t = m.rules[0]?.body[0]?.terms;
    expect(t).toMatchObject({ type: 'or', rhs: [{ terms: { type: 'and' } }] });
    expect(m.futureKeywords).toEqual(['and', 'or']);
  });
});

describe('rego versions', () => {
  const v0 = 'package p\ndeny[msg] { msg := "x" }\nallow { true }';
  it('auto-detects v0 and v1', () => {
    expect(parseModule(v0).regoVersion).toBe('v0');
    expect(parseModule('package p\nallow if true').regoVersion).toBe('v1');
    expect(parseModule('package p\nimport rego.v1\nallow if true', { regoVersion: 'v0' }).regoVersion).toBe('v1');
    expect(parseModule(v0).rules[0]?.head.kind).toBe('partial_set');
  });

  it('reports v0-isms in v1 mode with OPA messages', () => {
    const e = errorOf(() => parseModule('package test\np[x] {\n\tx = "a"\n}', { file: 'test.rego', regoVersion: 'v1' }));
    expect(e.message).toContain('test.rego:2: rego_parse_error: `if` keyword is required before rule body');
    expect(e.message).toContain('test.rego:2: rego_parse_error: `contains` keyword is required for partial set rules');
  });

  it('v0 mode needs future imports for v1 keywords', () => {
    expect(() => parseModule('package p\np if { true }', { regoVersion: 'v0' })).toThrow(RegoParseError);
    expect(parseModule('package p\nimport future.keywords.if\np if { true }', { regoVersion: 'v0' }).rules).toHaveLength(1);
  });
});

describe('errors', () => {
  it('formats errors with file and row, and keeps columns', () => {
    const e = errorOf(() => parseModule('package p\n\np := [1, 2', { file: 'x.rego' }));
    expect(e.code).toBe('rego_parse_error');
    expect(e.file).toBe('x.rego');
    expect(e.row).toBe(3);
    expect(e.message).toMatch(/^1 error occurred: x\.rego:3: rego_parse_error: /);
  });

  it('points lexer errors at the bad token', () => {
    const e = errorOf(() => parseModule('package p\np := "abc', { file: 'y.rego' }));
    expect(e.errors[0]).toMatchObject({ message: 'non-terminated string', loc: { row: 2, col: 6 } });
    expect(errorOf(() => parseTerm('"\\q"')).errors[0]?.message).toBe('illegal escape sequence');
    expect(errorOf(() => parseTerm('01')).errors[0]?.message).toContain('expected number without leading zero');
  });

  it('collects several errors', () => {
    const e = errorOf(() => parseModule('package p\na := [\nb := 1\nc := }\nd := 2', { regoVersion: 'v1' }));
    expect(e.errors.length).toBeGreaterThanOrEqual(2);
  });

  it('reports a missing package, bad imports and default rules', () => {
    expect(errorOf(() => parseModule('p := 1')).errors[0]?.message).toBe('package expected');
    expect(errorOf(() => parseModule('package p\nimport foo.bar')).errors[0]?.message).toContain('unexpected import path, must begin with one of');
    expect(errorOf(() => parseModule('package p\nimport rego.v2')).errors[0]?.message).toBe('invalid import `rego.v2`, must be `rego.v1`');
    expect(errorOf(() => parseModule('package p\ndefault p := x')).errors[0]?.message).toBe('illegal default rule (value cannot contain var)');
    expect(errorOf(() => parseModule('package p\nfoo')).errors[0]?.message).toBe('var cannot be used for rule name');
  });
});
