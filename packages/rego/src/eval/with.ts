/**
 * `with … as …`: evaluating an expression under replaced input, data paths or functions.
 * The replacement is installed on the context, the expression runs, and the previous state
 * is restored before the rest of the body continues — and re-installed if the expression is
 * resumed for more solutions (continuations run outside the `with` scope). Rule caches are
 * swapped too, because cached rule values may depend on what was replaced.
 */
import type { Value } from '../value.ts';
import type { EvalContext, FnOverride, OverrideNode, RuleCache } from './context.ts';
import { setPath } from './refs.ts';

export interface WithState {
  input: Value | undefined;
  dataOverrides: OverrideNode | null;
  fnOverrides: Map<string, FnOverride> | null;
  cache: RuleCache;
}

export function saveState(c: EvalContext): WithState {
  return { input: c.input, dataOverrides: c.dataOverrides, fnOverrides: c.fnOverrides, cache: c.cache };
}

export function restoreState(c: EvalContext, s: WithState): void {
  c.input = s.input;
  c.dataOverrides = s.dataOverrides;
  c.fnOverrides = s.fnOverrides;
  c.cache = s.cache;
}

export function withInput(c: EvalContext, path: readonly string[], v: Value): void {
  c.input = path.length === 0 ? v : setPath(c.input, path, v);
}

function cloneOverrides(n: OverrideNode): OverrideNode {
  return { value: n.value, children: new Map([...n.children].map(([k, x]) => [k, cloneOverrides(x)])) };
}

export function withData(c: EvalContext, path: readonly string[], v: Value): void {
  const root: OverrideNode = c.dataOverrides ? cloneOverrides(c.dataOverrides) : { value: undefined, children: new Map() };
  if (path.length === 0) {
    c.dataOverrides = { value: v, children: new Map() };
    return;
  }
  if (root.value !== undefined) {
    root.value = setPath(root.value, path, v);
    c.dataOverrides = root;
    return;
  }
  let n = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    let child = n.children.get(seg);
    if (!child) n.children.set(seg, (child = { value: undefined, children: new Map() }));
    if (child.value !== undefined && i < path.length - 1) {
      // Writing below an existing replacement: fold it into that value.
      child.value = setPath(child.value, path.slice(i + 1), v);
      c.dataOverrides = root;
      return;
    }
    n = child;
  }
  n.value = v;
  n.children = new Map();
  c.dataOverrides = root;
}

export function withFunction(c: EvalContext, name: string, o: FnOverride): void {
  const m = new Map(c.fnOverrides ?? []);
  m.set(name, o);
  c.fnOverrides = m;
}
