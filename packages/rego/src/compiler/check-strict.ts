/**
 * Stage `check-strict` (strict mode only, like `opa check --strict`): unused imports,
 * duplicate imports, deprecated built-ins, assignments shadowing `input`/`data`, and local
 * variables assigned with `:=` but never used afterwards.
 */
import type { Module } from '../ast/nodes.ts';
import type { ErrorList } from './errors.ts';
import type { IRule, ITerm } from './ir.ts';
import { stringPath, type Names } from './resolve-refs.ts';
import { visitExpr, visitRule, visitTerm } from './walk.ts';

export function checkStrict(modules: Module[], names: Names, rules: IRule[], errors: ErrorList): void {
  for (const m of modules) {
    const seen = new Set<string>();
    const used = names.envs.get(m)?.usedImports ?? new Set<string>();
    for (const imp of m.imports) {
      const sp = stringPath(imp.path);
      if (!sp || sp.head === 'future' || sp.head === 'rego') continue;
      const key = [sp.head, ...sp.path].join('.');
      if (seen.has(key)) errors.add('rego_compile_error', `import ${key} is redundant`, imp.loc);
      seen.add(key);
      const alias = imp.alias ?? sp.path[sp.path.length - 1] ?? sp.head;
      if (!used.has(alias)) {
        errors.add('rego_compile_error', `import ${key}${imp.alias ? ' as ' + imp.alias : ''} unused`, imp.loc);
      }
    }
  }
  for (const r of rules) {
    const uses = new Map<number, number>();
    const assigned = new Map<number, ITerm>();
    for (let e: IRule | undefined = r; e; e = e.else) {
      for (const x of e.body.exprs) {
        if (x.e.k === 'unify' && x.e.assign && x.e.a.k === 'var') assigned.set(x.e.a.slot, x.e.a);
      }
    }
    visitRule(r, (t) => {
      if (t.k === 'var') uses.set(t.slot, (uses.get(t.slot) ?? 0) + 1);
      if (t.k === 'call' && t.fn.kind === 'builtin' && t.fn.decl.deprecated) {
        errors.add('rego_type_error', `deprecated built-in function calls in expression: ${t.fn.name}`, t.loc);
      }
    });
    for (const [slot, t] of assigned) {
      if (t.k === 'var' && (uses.get(slot) ?? 0) <= 1 && t.name !== '_') {
        errors.add('rego_compile_error', `assigned var ${t.name} unused`, t.loc);
      }
    }
  }
  for (const r of rules) {
    if (r.kind !== 'function' || !r.args) continue;
    const argVars = new Map<number, ITerm>();
    for (const a of r.args) if (a.k === 'var' && a.name !== '_' && !a.name.startsWith('$')) argVars.set(a.slot, a);
    const used = new Set<number>();
    for (let e: IRule | undefined = r; e; e = e.else) {
      const visitBodyTerm = (t: ITerm): void => {
        if (t.k === 'var') used.add(t.slot);
      };
      for (const x of e.body.exprs) visitExpr(x, visitBodyTerm);
      if (e.value) visitTerm(e.value, visitBodyTerm);
    }
    for (const [slot, t] of argVars) {
      if (!used.has(slot)) errors.add('rego_compile_error', `unused argument ${t.k === 'var' ? t.name : '?'}. (hint: use _ (wildcard variable) instead)`, t.loc);
    }
  }
  for (const r of rules) {
    for (let e: IRule | undefined = r; e; e = e.else) {
      for (const x of e.body.exprs) {
        if (x.e.k === 'unify' && x.e.assign && x.e.a.k === 'var' && (x.e.a.name === 'input' || x.e.a.name === 'data')) {
          errors.add('rego_compile_error', `variables must not shadow ${x.e.a.name} (use a different variable name)`, x.loc);
        }
      }
    }
  }
  for (const m of modules) {
    for (const r of m.rules) {
      if (r.head.name === 'input' || r.head.name === 'data') {
        errors.add('rego_compile_error', `rules must not shadow ${r.head.name} (use a different rule name)`, r.loc);
      }
    }
  }
}
