/**
 * The compiler driver: parses modules, runs the stages of `stages.ts` in order, and returns
 * a `CompiledPolicy` — the rule tree with every group planned into closures, ready to be
 * evaluated many times. Queries are compiled against it on demand (and cached by the API).
 */
import { parseModule, parseQuery } from '../ast/parser.ts';
import { RegoParseError } from '../ast/errors.ts';
import type { Module } from '../ast/nodes.ts';
import { ErrorList, RegoCompileError, RegoError } from './errors.ts';
import { packagePath, resolveRefs, type Names } from './resolve-refs.ts';
import { lowerQuery, rewriteLocalVars } from './rewrite-local-vars.ts';
import { buildRuleTree } from './build-rule-tree.ts';
import { checkRuleConflicts } from './check-rule-conflicts.ts';
import { checkQuerySafety, checkSafety } from './check-safety.ts';
import { checkRecursion } from './check-recursion.ts';
import { checkQueryTypes, checkTypes } from './check-types.ts';
import { checkStrict } from './check-strict.ts';
import { Planner } from './plan.ts';
import { buildIndexes } from './build-indexes.ts';
import type { StageName } from './stages.ts';
import type { IQuery, IRule } from './ir.ts';
import type { BodyFn, RuleTree } from '../eval/types.ts';

export interface CompileModulesOptions {
  regoVersion?: 'v0' | 'v1';
  strict?: boolean;
  /** Stop after this stage (for tests); the result then has no plans after that point. */
  stopAfter?: StageName;
  maxErrors?: number;
}

export interface CompiledPolicy {
  modules: Module[];
  names: Names;
  rules: IRule[];
  tree: RuleTree;
  planner: Planner;
}

export interface CompiledQuery {
  body: BodyFn;
  query: IQuery;
  /** User-visible variables: name → slot. */
  outputs: [string, number][];
}

/** Parse `sources` (file name → text); parse errors are collected and thrown together. */
export function parseModules(sources: Record<string, string>, regoVersion: 'v0' | 'v1' | 'auto' = 'v1'): { modules: Module[]; texts: Map<Module, string> } {
  const modules: Module[] = [];
  const texts = new Map<Module, string>();
  const errors: RegoError[] = [];
  for (const [file, text] of Object.entries(sources)) {
    try {
      const m = parseModule(text, { file, regoVersion });
      modules.push(m);
      texts.set(m, text);
    } catch (e) {
      if (e instanceof RegoParseError) for (const d of e.errors) errors.push(new RegoError('rego_parse_error', d.message, d.loc));
      else throw e;
    }
  }
  if (errors.length > 0) throw new RegoCompileError(errors);
  return { modules, texts };
}

/** Run the compile stages over parsed modules. Throws RegoCompileError with every error found. */
export function compileModules(modules: Module[], opts: CompileModulesOptions = {}): CompiledPolicy {
  const errors = new ErrorList(opts.maxErrors ?? 10);
  const stop = opts.stopAfter;
  const names = resolveRefs(modules, errors);
  errors.throwIfAny();
  const planner = new Planner({ root: { path: [], children: new Map(), group: undefined }, groups: [], byName: new Map(), modules }, errors);
  const partial = (rules: IRule[], tree?: RuleTree): CompiledPolicy => ({ modules, names, rules, tree: tree ?? planner.tree, planner });
  if (stop === 'resolve-refs') return partial([]);
  const rules = rewriteLocalVars(modules, names, errors);
  errors.throwIfAny();
  if (stop === 'rewrite-local-vars') return partial(rules);
  if (opts.strict) checkStrict(modules, names, rules, errors);
  errors.throwIfAny();
  if (stop === 'check-strict') return partial(rules);
  const tree = buildRuleTree(rules, errors, modules.map(packagePath));
  tree.modules = modules;
  errors.throwIfAny();
  if (stop === 'build-rule-tree') return partial(rules, tree);
  checkRuleConflicts(tree, errors);
  errors.throwIfAny();
  if (stop === 'check-rule-conflicts') return partial(rules, tree);
  checkSafety(rules, errors);
  errors.throwIfAny();
  if (stop === 'check-safety') return partial(rules, tree);
  checkRecursion(tree, errors);
  errors.throwIfAny();
  if (stop === 'check-recursion') return partial(rules, tree);
  checkTypes(rules, names, errors);
  errors.throwIfAny();
  if (stop === 'check-types') return partial(rules, tree);
  const p = new Planner(tree, errors);
  p.planGroups();
  errors.throwIfAny();
  if (stop === 'plan') return { modules, names, rules, tree, planner: p };
  buildIndexes(tree);
  return { modules, names, rules, tree, planner: p };
}

/** Compile a query string (e.g. `data.x.p == true; y := input.z`) against a policy. */
export function compileQuery(policy: CompiledPolicy, text: string): CompiledQuery {
  let exprs;
  try {
    exprs = parseQuery(text, { file: '', regoVersion: 'v1' });
  } catch (e) {
    if (e instanceof RegoParseError) throw new RegoCompileError(e.errors.map((d) => new RegoError('rego_parse_error', d.message, d.loc)));
    throw e;
  }
  const errors = new ErrorList();
  const q = lowerQuery(exprs, policy.names, errors);
  errors.throwIfAny();
  checkQuerySafety(q, errors);
  checkQueryTypes(q, policy.names, errors);
  errors.throwIfAny();
  const body = policy.planner.planQuery(q);
  errors.throwIfAny();
  const outputs: [string, number][] = [];
  const seen = new Set<string>();
  q.slotNames.forEach((name, slot) => {
    if (name === '_' || name.startsWith('$') || seen.has(name) || !q.body.locals.has(slot)) return;
    seen.add(name);
    outputs.push([name, slot]);
  });
  return { body, query: q, outputs };
}
