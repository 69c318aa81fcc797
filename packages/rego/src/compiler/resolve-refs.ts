/**
 * Stage `resolve-refs`: builds, for every module, the name environment its rules are lowered
 * in — the package path, the rule names visible without qualification (every rule of the same
 * package, from any module), and the import aliases — plus the global table of user functions
 * (data path → arity). Later stages look names up here instead of re-scanning modules.
 */
import type { Module, Ref, Var } from '../ast/nodes.ts';
import type { ErrorList } from './errors.ts';

/** Where a non-local name points: a path under `data` or `input`. */
export interface Resolved {
  root: 'data' | 'input';
  path: string[];
}

export interface ModuleEnv {
  module: Module;
  pkg: string[];
  /** First segment of each rule head in this package → the rule's data path prefix. */
  ruleNames: Set<string>;
  imports: Map<string, Resolved>;
  /** Aliases referenced by the module's rules (filled by rewrite-local-vars; strict mode reads it). */
  usedImports: Set<string>;
}

export interface Names {
  envs: Map<Module, ModuleEnv>;
  /** `a.b.f` (data path joined by '.') → arity, for every user function. */
  functions: Map<string, number>;
}

/** The ground string path of a ref rooted at a var (`data.a.b` → ['a','b']), or undefined. */
export function stringPath(t: Ref | Var): { head: string; path: string[] } | undefined {
  if (t.type === 'var') return { head: t.name, path: [] };
  if (t.head.type !== 'var') return undefined;
  const path: string[] = [];
  for (const p of t.path) {
    if (p.type !== 'string') return undefined;
    path.push(p.value);
  }
  return { head: t.head.name, path };
}

/** Package path of a module (`package a.b` → ['a','b']). */
export function packagePath(m: Module): string[] {
  return stringPath(m.package.path)?.path ?? [];
}

export function resolveRefs(modules: Module[], errors: ErrorList): Names {
  const byPkg = new Map<string, Set<string>>();
  const functions = new Map<string, number>();
  for (const m of modules) {
    const pkg = packagePath(m);
    const key = pkg.join('.');
    let names = byPkg.get(key);
    if (!names) byPkg.set(key, (names = new Set()));
    for (const r of m.rules) {
      names.add(r.head.name);
      if (r.head.kind === 'function') {
        const sp = stringPath(r.head.ref);
        if (!sp) continue;
        const path = [...pkg, sp.head, ...sp.path].join('.');
        const arity = r.head.args?.length ?? 0;
        const prev = functions.get(path);
        if (prev !== undefined && prev !== arity) {
          errors.add('rego_type_error', `conflicting rules data.${path} found`, r.loc);
        }
        functions.set(path, arity);
      }
    }
  }
  const envs = new Map<Module, ModuleEnv>();
  for (const m of modules) {
    const pkg = packagePath(m);
    const imports = new Map<string, Resolved>();
    for (const imp of m.imports) {
      const sp = stringPath(imp.path);
      if (!sp) continue;
      if (sp.head === 'future' || sp.head === 'rego') continue;
      if (sp.head !== 'data' && sp.head !== 'input') {
        errors.add('rego_parse_error', `invalid import ${sp.head}: must begin with input or data`, imp.loc);
        continue;
      }
      const alias = imp.alias ?? (sp.path.length > 0 ? sp.path[sp.path.length - 1]! : sp.head);
      if (imports.has(alias)) {
        errors.add('rego_compile_error', `import must not shadow import ${alias}`, imp.loc);
      }
      imports.set(alias, { root: sp.head, path: sp.path });
    }
    envs.set(m, { module: m, pkg, ruleNames: byPkg.get(pkg.join('.')) ?? new Set(), imports, usedImports: new Set() });
  }
  return { envs, functions };
}
