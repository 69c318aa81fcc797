/**
 * Reading documents: indexing into and iterating over values, and the `data` namespace —
 * base data merged with the virtual documents rules define, with `with data…` overrides
 * applied on top. The planner resolves most `data` refs to a rule group or a base path at
 * compile time; `nodeValue` materialises a whole subtree when a ref stops at a package or
 * iterates over one.
 */
import { ObjectValue, SetValue, equals, isObject, type Value } from '../value.ts';
import { RegoError } from '../compiler/errors.ts';
import type { EvalContext, OverrideNode } from './context.ts';
import type { TreeNode } from './types.ts';
import { groupValue } from './rules.ts';

/** `v[key]` for arrays (integer index), objects (key) and sets (membership). */
export function indexValue(v: Value, key: Value): Value | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    if (typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < v.length) return v[key];
    return undefined;
  }
  if (v instanceof ObjectValue) return v.get(key);
  return v.has(key) ? key : undefined;
}

/** Call `k(key, value)` for each element of a collection; stop when it returns true. */
export function iterate(v: Value, k: (key: Value, val: Value) => boolean): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (k(i, v[i]!)) return true;
    return false;
  }
  if (v instanceof SetValue) {
    for (const x of v.map.values()) if (k(x, x)) return true;
    return false;
  }
  for (const [key, val] of v.strs) if (k(key, val)) return true;
  if (v.size !== v.strs.size) for (const [key, val] of v.others.values()) if (k(key, val)) return true;
  return false;
}

/** Base data at a ground path. */
export function baseAt(data: Value, path: readonly string[], from = 0, to = path.length): Value | undefined {
  let v: Value | undefined = data;
  for (let i = from; i < to; i++) {
    if (!(v instanceof ObjectValue)) return undefined;
    v = v.getStr(path[i]!);
    if (v === undefined) return undefined;
  }
  return v;
}

export type OverrideHit = { exact: true; value: Value | undefined } | { exact: false; node: OverrideNode } | null;

/** The `with data…` override affecting `path`: one at or above it, or ones below it. */
export function overrideAt(root: OverrideNode, path: readonly string[]): OverrideHit {
  if (root.value !== undefined) {
    // `with data as …` replaces the whole namespace.
    let v: Value | undefined = root.value;
    for (let j = 0; j < path.length && v !== undefined; j++) v = indexValue(v, path[j]!);
    return { exact: true, value: v };
  }
  let n: OverrideNode | undefined = root;
  for (let i = 0; i < path.length; i++) {
    n = n.children.get(path[i]!);
    if (!n) return null;
    if (n.value !== undefined) {
      let v: Value | undefined = n.value;
      for (let j = i + 1; j < path.length && v !== undefined; j++) v = indexValue(v, path[j]!);
      return { exact: true, value: v };
    }
  }
  return n.children.size > 0 ? { exact: false, node: n } : null;
}

/** A copy of `v` with the overrides below `node` written in. */
export function patchValue(v: Value | undefined, node: OverrideNode): Value {
  const out = new ObjectValue();
  if (isObject(v)) for (const [k, x] of v.entries()) out.set(k, x);
  for (const [k, n] of node.children) {
    out.set(k, n.value !== undefined ? n.value : patchValue(out.get(k), n));
  }
  return out;
}

/** The full document at a tree node: base data, rule values and children, overrides applied. */
export function nodeValue(c: EvalContext, node: TreeNode): Value | undefined {
  let below: OverrideNode | undefined;
  if (c.dataOverrides) {
    const hit = overrideAt(c.dataOverrides, node.path);
    if (hit?.exact) return hit.value;
    if (hit) below = hit.node;
  }
  let v: Value | undefined;
  const g = node.group;
  if (g) {
    if (g.kind === 'function') return undefined;
    v = groupValue(c, g);
  }
  if (!g || node.children.size > 0) {
    const obj = new ObjectValue();
    obj.structural = true;
    const base = baseAt(c.data, node.path);
    if (isObject(v)) for (const [k, x] of v.entries()) obj.set(k, x);
    for (const [name, child] of node.children) {
      if (child.group?.kind === 'function' && child.children.size === 0) continue;
      const cv = nodeValue(c, child);
      if (cv === undefined) continue;
      const prev = obj.get(name);
      obj.set(name, prev === undefined ? cv : mergeDocs(prev, cv));
    }
    // Where base data and a virtual document define the same key, the base document wins
    // (OPA merges them this way).
    if (isObject(base)) for (const [k, x] of base.entries()) obj.set(k, x);
    if (!g || isObject(v)) v = obj;
  }
  if (below) v = patchValue(v, below);
  return v;
}

/**
 * Walk the data namespace with runtime keys (a `data` ref whose operands are bound
 * variables): follows rule-tree nodes by key, so only the rules on the path are evaluated.
 * Numbers address object keys by their decimal text, as in OPA's storage paths.
 */
export function dataWalk(c: EvalContext, node: TreeNode, keys: Value[], i: number): Value | undefined {
  if (c.dataOverrides) {
    const hit = overrideAt(c.dataOverrides, node.path);
    if (hit?.exact) return indexFrom(hit.value, keys, i);
  }
  if (node.group || i === keys.length) return indexFrom(nodeValue(c, node), keys, i);
  const key = keys[i]!;
  const skey = typeof key === 'string' ? key : typeof key === 'number' ? String(key) : undefined;
  if (skey === undefined) return undefined;
  const child = node.children.get(skey);
  if (child) return dataWalk(c, child, keys, i + 1);
  return indexFrom(baseWithOverrides(c, [...node.path, skey]), keys, i + 1);
}

export function indexFrom(v: Value | undefined, keys: Value[], i: number): Value | undefined {
  for (let j = i; j < keys.length && v !== undefined; j++) {
    const k = keys[j]!;
    let x = indexValue(v, k);
    if (x === undefined && typeof k === 'number' && v instanceof ObjectValue) x = v.getStr(String(k));
    v = x;
  }
  return v;
}

/**
 * Merge two virtual documents defined for the same path by different rules (ref heads such
 * as `p[q] contains r` and `p.b contains "foo"`): objects that only exist as the path to
 * rule values (their `structural` flag) merge key by key, multi-value sets unite, and anything else —
 * including writing into another rule's object value — must be equal.
 */
export function mergeDocs(a: Value, b: Value): Value {
  if (a instanceof ObjectValue && b instanceof ObjectValue && a.structural && b.structural) {
    const out = new ObjectValue();
    out.structural = true;
    for (const [k, x] of a.entries()) out.set(k, x);
    for (const [k, y] of b.entries()) {
      const x = out.get(k);
      out.set(k, x === undefined ? y : mergeDocs(x, y));
    }
    return out;
  }
  if (a instanceof SetValue && b instanceof SetValue && a.structural && b.structural) {
    const out = new SetValue([...a, ...b]);
    out.structural = true;
    return out;
  }
  if (equals(a, b)) return a;
  throw new RegoError('eval_conflict_error', 'object keys must be unique');
}

/** Base data at a path with overrides applied. */
export function baseWithOverrides(c: EvalContext, path: readonly string[]): Value | undefined {
  if (c.dataOverrides) {
    const hit = overrideAt(c.dataOverrides, path);
    if (hit?.exact) return hit.value;
    if (hit) return patchValue(baseAt(c.data, path), hit.node);
  }
  return baseAt(c.data, path);
}

/** Replace the value at `path` inside `v` (copy on write), creating objects as needed. */
export function setPath(v: Value | undefined, path: readonly string[], x: Value, i = 0): Value {
  if (i === path.length) return x;
  const out = new ObjectValue();
  if (isObject(v)) for (const [k, y] of v.entries()) out.set(k, y);
  out.set(path[i]!, setPath(isObject(v) ? v.get(path[i]!) : undefined, path, x, i + 1));
  return out;
}
