/**
 * Compiler stage tests: each stage can be stopped after, errors are collected, sorted and
 * coded, safety reordering works, strict mode reports what `opa check --strict` does.
 */
import { describe, expect, it } from 'vitest';
import { parseModules, compileModules } from './index.ts';
import { stages } from './stages.ts';
import { RegoCompileError } from './errors.ts';
import { compile } from '../index.ts';

function build(src: string, opts: Parameters<typeof compileModules>[1] = {}): ReturnType<typeof compileModules> {
  const { modules } = parseModules({ 'p.rego': src });
  return compileModules(modules, opts);
}

function errorsOf(src: string, opts: Parameters<typeof compileModules>[1] = {}): RegoCompileError {
  try {
    build(src, opts);
  } catch (e) {
    if (e instanceof RegoCompileError) return e;
    throw e;
  }
  throw new Error('expected compile errors');
}

describe('stages', () => {
  it('are listed once each, with a reason', () => {
    expect(new Set(stages.map((s) => s.name)).size).toBe(stages.length);
    for (const s of stages) expect(s.why.length).toBeGreaterThan(10);
  });
  it('can stop after any stage', () => {
    for (const s of stages) expect(() => build('package t\np := 1', { stopAfter: s.name })).not.toThrow();
    const r = build('package t\np if { x > 1; x = 2 }', { stopAfter: 'rewrite-local-vars' });
    expect(r.rules[0]!.body.exprs[0]!.e.k).toBe('term');
  });
});

describe('check-safety', () => {
  it('reorders expressions so variables are bound before use', () => {
    const r = build('package t\np if { x > 1; x = 2 }', { stopAfter: 'check-safety' });
    expect(r.rules[0]!.body.exprs.map((e) => e.e.k)).toEqual(['unify', 'term']);
  });
  it('reports every unsafe variable, sorted by location', () => {
    const e = errorsOf('package t\np if { x > 1 }\nq if { y > 1 }');
    expect(e.errors.map((x) => x.code)).toEqual(['rego_unsafe_var_error', 'rego_unsafe_var_error']);
    expect(e.errors.map((x) => x.loc?.row)).toEqual([2, 3]);
    expect(e.message).toContain('var x is unsafe');
  });
  it('treats head variables as needing a binding', () => {
    expect(errorsOf('package t\np[x] := 1 if true').message).toContain('var x is unsafe');
  });
});

describe('other checks', () => {
  it('recursion', () => {
    const e = errorsOf('package t\np if q\nq if p');
    expect(e.code).toBe('rego_recursion_error');
    expect(e.message).toMatch(/rule data\.t\.(p|q) is recursive/);
  });
  it('type errors from built-in declarations', () => {
    expect(errorsOf('package t\np := count([1], [2])').code).toBe('rego_type_error');
    expect(errorsOf('package t\np := upper(1)').message).toContain('rego_type_error');
  });
  it('conflicting rule kinds and multiple defaults', () => {
    expect(errorsOf('package t\np := 1\np contains 2').message).toContain('conflicting rules data.t.p found');
    expect(errorsOf('package t\ndefault p := 1\ndefault p := 2').message).toContain('multiple default rules data.t.p found');
  });
  it('reports parse errors with their code', () => {
    try {
      compile({ modules: { 'x.rego': 'package' } });
      throw new Error('no error');
    } catch (e) {
      expect((e as RegoCompileError).code).toBe('rego_parse_error');
    }
  });
});

describe('strict mode', () => {
  it('reports unused assignments and imports only when strict', () => {
    const src = 'package t\nimport data.foo\np if { x := 1; true }';
    expect(() => build(src)).not.toThrow();
    const e = errorsOf(src, { strict: true });
    expect(e.message).toContain('assigned var x unused');
    expect(e.message).toContain('import data.foo unused');
  });
  it('reports unused function arguments and shadowed input', () => {
    const e = errorsOf('package t\nf(x, y) := x\np if { input := 1; input > 0; f(1, 2) }', { strict: true });
    expect(e.message).toContain('unused argument y');
    expect(e.message).toContain('variables must not shadow input');
  });
  it('accepts imports that are used', () => {
    expect(() => build('package t\nimport data.foo\np := foo.bar', { strict: true })).not.toThrow();
  });
});
