/**
 * Stage `check-recursion`: Rego forbids recursion. Builds the dependency graph between rule
 * groups (a `data` ref depends on the group it names, or on every group under the package
 * it stops at or iterates over; a call depends on the function) and reports each cycle as
 * `rego_recursion_error: rule data.p is recursive: data.p -> data.q -> data.p`.
 */
import type { ErrorList } from './errors.ts';
import type { ITerm } from './ir.ts';
import { groupsUnder } from './build-rule-tree.ts';
import type { RuleGroup, RuleTree, TreeNode } from '../eval/types.ts';
import { visitRule } from './walk.ts';

/** Groups a data ref (path operands) may read. */
export function refTargets(tree: RuleTree, path: ITerm[]): RuleGroup[] {
  let node: TreeNode = tree.root;
  for (const p of path) {
    if (node.group) return [node.group];
    if (p.k === 'const' && typeof p.v === 'string') {
      const c = node.children.get(p.v);
      if (!c) return [];
      node = c;
    } else return []; // dynamic: cannot be decided statically (runtime depth limit applies)
  }
  return groupsUnder(node);
}

export function dependencies(tree: RuleTree, g: RuleGroup): Set<RuleGroup> {
  const deps = new Set<RuleGroup>();
  const heads = new WeakSet<ITerm>();
  const f = (t: ITerm): void => {
    if (t.k === 'ref' && t.head.k === 'data') {
      heads.add(t.head);
      for (const d of refTargets(tree, t.path)) deps.add(d);
    }
    else if (t.k === 'call' && t.fn.kind === 'user') {
      const d = tree.byName.get(t.fn.name);
      if (d) deps.add(d);
    }
  };
  for (const d of g.defs) visitRule(d, f);
  if (g.defaultRule) visitRule(g.defaultRule, f);
  return deps;
}

export function checkRecursion(tree: RuleTree, errors: ErrorList): void {
  const graph = new Map<RuleGroup, Set<RuleGroup>>();
  for (const g of tree.groups) graph.set(g, dependencies(tree, g));
  const state = new Map<RuleGroup, 1 | 2>();
  const stack: RuleGroup[] = [];
  const reported = new Set<RuleGroup>();
  const visit = (g: RuleGroup): void => {
    state.set(g, 1);
    stack.push(g);
    for (const d of graph.get(g) ?? []) {
      const s = state.get(d);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(d));
        if (!reported.has(d)) {
          reported.add(d);
          const names = [...cycle, d].map((x) => x.name).join(' -> ');
          errors.add('rego_recursion_error', `rule ${d.name} is recursive: ${names}`, (d.defs[0] ?? d.defaultRule)?.loc);
        }
      } else if (s === undefined) visit(d);
    }
    stack.pop();
    state.set(g, 2);
  };
  for (const g of tree.groups) if (!state.has(g)) visit(g);
}
