/**
 * Stage `check-rule-conflicts`: compile-time checks between the definitions of one rule
 * group — a rule and a package or rule nested under it (`p` and `p.q` both complete), (the
 * rest — kinds and defaults — is checked while the tree is built).
 */
import type { ErrorList } from './errors.ts';
import type { RuleTree, TreeNode } from '../eval/types.ts';

export function checkRuleConflicts(tree: RuleTree, errors: ErrorList): void {
  const visit = (node: TreeNode): void => {
    const g = node.group;
    if (g && node.children.size > 0 && (g.kind === 'complete' || g.kind === 'function')) {
      const sub = [...node.children.keys()].map((k) => `${g.name}.${k}`);
      errors.add('rego_type_error', `rule ${g.name} conflicts with [${sub.join(' ')}]`, (g.defs[0] ?? g.defaultRule)?.loc);
    }
    for (const c of node.children.values()) visit(c);
  };
  visit(tree.root);
}
