/**
 * Stage `build-rule-tree`: groups rule definitions by their ground head path into
 * `RuleGroup`s and hangs them on a tree mirroring the `data` namespace, so a reference such
 * as `data.a.b.c` is resolved to the group it names by walking the tree once at compile time.
 */
import type { ErrorList } from './errors.ts';
import type { IRule } from './ir.ts';
import type { RuleGroup, RuleTree, TreeNode } from '../eval/types.ts';

export function buildRuleTree(rules: IRule[], errors: ErrorList, packages: string[][] = []): RuleTree {
  const root: TreeNode = { path: [], children: new Map(), group: undefined };
  // Every package exists as a document, even one without rules (it is then `{}`).
  for (const pkg of packages) {
    let node = root;
    for (const seg of pkg) {
      let child = node.children.get(seg);
      if (!child) node.children.set(seg, (child = { path: [...node.path, seg], children: new Map(), group: undefined }));
      node = child;
    }
  }
  const groups: RuleGroup[] = [];
  const byName = new Map<string, RuleGroup>();
  for (const r of rules) {
    let node = root;
    for (const seg of r.path) {
      let child = node.children.get(seg);
      if (!child) node.children.set(seg, (child = { path: [...node.path, seg], children: new Map(), group: undefined }));
      node = child;
    }
    let g = node.group;
    if (!g) {
      g = { id: groups.length, path: r.path, name: 'data.' + r.path.join('.'), kind: r.kind, defs: [], defaultRule: undefined, plan: undefined };
      node.group = g;
      groups.push(g);
      byName.set(g.name, g);
    } else if (g.kind !== r.kind) {
      errors.add('rego_type_error', `conflicting rules ${g.name} found`, r.loc);
      continue;
    }
    if (r.isDefault) {
      if (g.defaultRule) errors.add('rego_type_error', `multiple default rules ${g.name} found`, r.loc);
      g.defaultRule = r;
    } else g.defs.push(r);
  }
  return { root, groups, byName, modules: [] };
}

/** Every group in the subtree under `node` (itself included). */
export function groupsUnder(node: TreeNode, out: RuleGroup[] = []): RuleGroup[] {
  if (node.group) out.push(node.group);
  for (const c of node.children.values()) groupsUnder(c, out);
  return out;
}
