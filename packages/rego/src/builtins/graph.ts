/**
 * Built-ins of the graph category: `graph.reachable`, `graph.reachable_paths` (graphs are
 * objects from node to an array or set of neighbours) and `walk`, the relation that yields
 * every `[path, value]` pair of a document, root first.
 */
import { isArray, isObject, isSet, makeSet, type ObjectValue, type SetValue, type Value } from '../value.ts';
import { arg, expectObject } from './args.ts';
import { t, type BuiltinContext, type BuiltinDecl } from './decl.ts';
import { operandTypeError } from './errors.ts';

/** Vertices of an array or set (anything else, e.g. null, has none). */
function vertices(v: Value | undefined): Value[] {
  if (v === undefined) return [];
  if (isArray(v)) return v;
  if (isSet(v)) return [...v.values()];
  return [];
}

function initialNodes(fn: string, args: Value[]): Value[] {
  const v = arg(args, 1);
  if (!isArray(v) && !isSet(v)) throw operandTypeError(fn, 2, '{array, set}', v);
  return vertices(v);
}

function reachable(graph: ObjectValue, initial: Value[]): SetValue {
  const reached = makeSet([]);
  const queue = [...initial];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const edges = graph.get(node);
    if (edges === undefined) continue; // nodes not in the graph are ignored
    for (const n of vertices(edges)) if (!reached.has(n)) queue.push(n);
    reached.add(node);
  }
  return reached;
}

/**
 * A dense graph has exponentially many paths: each step is charged to the evaluation (by the
 * length of the path it copies) and the result is checked against the output limit as it
 * grows, so a small graph cannot hang or exhaust memory.
 */
function pathBuilder(ctx: BuiltinContext, graph: ObjectValue, root: Value, path: Value[], out: SetValue, reached: SetValue): void {
  // Copying the path and the visited set here costs several expressions' worth per node.
  ctx.charge(4 * (path.length + 1));
  ctx.reserve(out.size + 1);
  const edges = graph.get(root);
  if (edges === undefined) {
    out.add(path); // the node is not in the graph: commit the path without it
    return;
  }
  const p = [...path, root];
  const next = vertices(edges);
  if (next.length === 0) {
    out.add(p);
    return;
  }
  const seen = makeSet(reached);
  seen.add(root);
  for (const n of next) {
    if (seen.has(n)) out.add(p); // a cycle: commit the path so far
    else pathBuilder(ctx, graph, n, p, out, seen);
  }
}

function reachablePaths(ctx: BuiltinContext, graph: ObjectValue, initial: Value[]): SetValue {
  const out = makeSet([]);
  for (const node of initial) {
    const edges = graph.get(node);
    if (edges === undefined) continue;
    const next = vertices(edges);
    if (next.length === 0) out.add([node]);
    for (const n of next) pathBuilder(ctx, graph, n, [node], out, makeSet([node]));
  }
  return out;
}

function walk(v: Value, path: Value[], out: Value[]): void {
  out.push([path, v]);
  if (isArray(v)) v.forEach((x, i) => walk(x, [...path, i], out));
  else if (isSet(v)) for (const x of v.sorted()) walk(x, [...path, x], out);
  else if (isObject(v)) for (const [k, x] of v.sortedEntries()) walk(x, [...path, k], out);
}

const graphArg = { name: 'graph', type: t.object(t.any, t.union(t.array(t.any), t.set(t.any))), description: 'node → neighbours' };
const initialArg = { name: 'initial', type: t.union(t.array(t.any), t.set(t.any)) };

export const graphBuiltins: BuiltinDecl[] = [
  {
    name: 'graph.reachable',
    category: 'graph',
    args: [graphArg, initialArg],
    result: t.set(t.any),
    description: 'Computes the set of reachable nodes in the graph from a set of starting nodes.',
    impl: (args) => {
      const fn = 'graph.reachable';
      return reachable(expectObject(fn, args, 0), initialNodes(fn, args));
    },
  },
  {
    name: 'graph.reachable_paths',
    category: 'graph',
    args: [graphArg, initialArg],
    result: t.set(t.array(t.any)),
    description: 'Computes the set of reachable paths in the graph from a set of starting nodes.',
    impl: (args, ctx) => {
      const fn = 'graph.reachable_paths';
      return reachablePaths(ctx, expectObject(fn, args, 0), initialNodes(fn, args));
    },
  },
  {
    name: 'walk',
    category: 'graph',
    args: [{ name: 'x', type: t.any }],
    result: t.array(t.any),
    description: 'Generates [path, value] tuples for all nested documents of x (recursively), the root first with path [].',
    relation: true,
    impl: (args) => {
      const out: Value[] = [];
      walk(arg(args, 0), [], out);
      return out;
    },
  },
];
