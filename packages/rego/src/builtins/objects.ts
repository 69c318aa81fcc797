/**
 * Object built-ins: `object.get object.keys object.remove object.filter object.union
 * object.union_n object.subset`, and the JSON-document helpers `json.filter json.remove
 * json.patch` (RFC 6902) which address nested values by JSON-pointer-like paths.
 *
 * Paths for the json.* functions are either strings ("a/b/0", `~1` for "/" and `~0` for
 * "~", leading slashes ignored) or arrays of segments (any values, so non-string object
 * keys and set members can be addressed). Array elements are addressed by decimal index.
 */
import { equals, isArray, isObject, isSet, ObjectValue, SetValue, typeName, type Value } from '../value.ts';
import { arg, elementTypeError, expectArray, expectObject, oneOfTypeError, operandError } from './args.ts';
import { t, type BuiltinDecl } from './decl.ts';
import { BuiltinError } from './errors.ts';

const category = 'objects';

const keysArg = t.union(t.array(), t.set(), t.object());
const pathsArg = t.union(t.array(t.union(t.string, t.array())), t.set(t.union(t.string, t.array())));

/** Keys given as an array, a set, or an object's keys (object.remove / object.filter). */
function keysOperand(fn: string, args: Value[], i: number): SetValue {
  const v = arg(args, i);
  if (isArray(v)) return new SetValue(v);
  if (isSet(v)) return v;
  if (isObject(v)) return new SetValue(v.keys());
  throw oneOfTypeError(fn, i, ['object', 'set', 'array'], v);
}

// ---------------------------------------------------------------------------------------
// Filtering by a tree of paths. A filter tree is an object whose leaves are `null` ("keep
// everything below here") and whose inner nodes are objects ("keep only these children").

/** Keep the parts of `v` selected by `filter` (OPA's Object.Filter). */
function filterValue(v: Value, filter: Value): Value {
  if (filter === null || !isObject(filter)) return v;
  if (isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      // Array elements are selected by their index written as a string.
      const sub = filter.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub));
    });
    return out;
  }
  if (isSet(v)) {
    const out = new SetValue();
    for (const x of v) {
      const sub = filter.get(x);
      if (sub !== undefined) out.add(filterValue(x, sub));
    }
    return out;
  }
  if (isObject(v)) {
    const out = new ObjectValue();
    for (const [k, x] of v.entries()) {
      const sub = filter.get(k);
      if (sub !== undefined) out.set(k, filterValue(x, sub));
    }
    return out;
  }
  return v;
}

/** Drop the parts of `v` whose path in `tree` ends in a `null` leaf (OPA's jsonRemove). */
function removeValue(v: Value, tree: Value | undefined): Value | undefined {
  if (tree === undefined) return v;
  if (tree === null) return undefined;
  if (!isObject(tree)) return v;
  if (isObject(v)) {
    const out = new ObjectValue();
    for (const [k, x] of v.entries()) {
      const r = removeValue(x, tree.get(k));
      if (r !== undefined) out.set(k, r);
    }
    return out;
  }
  if (isSet(v)) {
    const out = new SetValue();
    for (const x of v) {
      const r = removeValue(x, tree.get(x));
      if (r !== undefined) out.add(r);
    }
    return out;
  }
  if (isArray(v)) {
    // Removed elements close up, as JSON Patch removal does.
    const out: Value[] = [];
    v.forEach((x, i) => {
      const r = removeValue(x, tree.get(String(i)));
      if (r !== undefined) out.push(r);
    });
    return out;
  }
  return v;
}

/** Split a string path into segments, undoing JSON-pointer escapes. */
function parseStringPath(p: string): Value[] {
  if (p === '') return [];
  return p
    .replace(/^\/+/, '')
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** One path operand element: a string path or an array of segments. */
function parsePath(fn: string, p: Value): Value[] {
  if (typeof p === 'string') return parseStringPath(p);
  if (isArray(p)) return p;
  throw operandError(fn, 1, `must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`);
}

function pathsOperand(fn: string, args: Value[]): Value[][] {
  const v = arg(args, 1);
  if (!isArray(v) && !isSet(v)) throw oneOfTypeError(fn, 1, ['set', 'array'], v);
  return [...v].map((p) => parsePath(fn, p));
}

/** Merge paths into a filter tree; a shorter path subsumes longer ones under it. */
function pathsToTree(paths: Value[][]): ObjectValue {
  const root = new ObjectValue();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node: ObjectValue | undefined = root;
    for (let i = 0; i < path.length - 1 && node; i++) {
      const child: Value | undefined = node.get(path[i]!);
      if (child === undefined) {
        const next = new ObjectValue();
        node.set(path[i]!, next);
        node = next;
      } else {
        node = isObject(child) ? child : undefined;
      }
    }
    if (node) node.set(path[path.length - 1]!, null);
  }
  return root;
}

// ---------------------------------------------------------------------------------------
// JSON Patch (RFC 6902) on immutable values. Any failure makes json.patch undefined.

class PatchError extends Error {}

/** An array index segment: a non-negative integer, or a decimal string without leading zeros. */
function arrayIndex(seg: Value, len: number, allowEnd: boolean): number {
  let i: number;
  if (typeof seg === 'number' && Number.isInteger(seg)) i = seg;
  else if (typeof seg === 'string' && /^(0|[1-9]\d*)$/.test(seg)) i = Number(seg);
  else if (seg === '-' && allowEnd) i = len;
  else throw new PatchError('invalid array index');
  if (i < 0 || i > (allowEnd ? len : len - 1)) throw new PatchError('array index out of bounds');
  return i;
}

function getAt(doc: Value | undefined, path: Value[]): Value {
  let cur = doc;
  for (const seg of path) {
    if (cur === undefined) break;
    if (isObject(cur)) cur = cur.get(seg);
    else if (isArray(cur)) cur = cur[arrayIndex(seg, cur.length, false)];
    else if (isSet(cur)) cur = cur.has(seg) ? seg : undefined;
    else cur = undefined;
  }
  if (cur === undefined) throw new PatchError('path does not exist');
  return cur;
}

/** A copy of `doc` with `f` applied to the container at `path[..-1]` and the last segment. */
function updateAt(doc: Value | undefined, path: Value[], f: (parent: Value, seg: Value) => Value): Value {
  if (doc === undefined) throw new PatchError('path does not exist');
  if (path.length === 1) return f(doc, path[0]!);
  const [seg, ...rest] = path as [Value, ...Value[]];
  if (isObject(doc)) {
    const out = ObjectValue.fromEntries(doc.entries());
    out.set(seg, updateAt(doc.get(seg), rest, f));
    return out;
  }
  if (isArray(doc)) {
    const i = arrayIndex(seg, doc.length, false);
    const out = [...doc];
    out[i] = updateAt(doc[i], rest, f);
    return out;
  }
  if (isSet(doc)) {
    if (!doc.has(seg)) throw new PatchError('path does not exist');
    // Replacing a member by an updated copy of itself.
    const updated = updateAt(seg, rest, f);
    const out = new SetValue([...doc].filter((x) => !equals(x, seg)));
    out.add(updated);
    return out;
  }
  throw new PatchError('path does not exist');
}

function insertAt(doc: Value | undefined, path: Value[], value: Value): Value {
  if (path.length === 0) return value;
  return updateAt(doc, path, (parent, seg) => {
    if (isObject(parent)) {
      const out = ObjectValue.fromEntries(parent.entries());
      out.set(seg, value);
      return out;
    }
    if (isArray(parent)) {
      const out = [...parent];
      out.splice(arrayIndex(seg, parent.length, true), 0, value);
      return out;
    }
    if (isSet(parent)) {
      // In a set the path segment is the member itself, so it must match the value.
      if (!equals(seg, value)) throw new PatchError('set member does not match value');
      const out = new SetValue(parent);
      out.add(value);
      return out;
    }
    throw new PatchError('cannot add to a scalar');
  });
}

function deleteAt(doc: Value | undefined, path: Value[]): Value | undefined {
  if (path.length === 0) return undefined;
  return updateAt(doc, path, (parent, seg) => {
    if (isObject(parent)) {
      if (!parent.has(seg)) throw new PatchError('path does not exist');
      const out = ObjectValue.fromEntries(parent.entries());
      out.delete(seg);
      return out;
    }
    if (isArray(parent)) {
      const i = arrayIndex(seg, parent.length, false);
      return [...parent.slice(0, i), ...parent.slice(i + 1)];
    }
    if (isSet(parent)) {
      if (!parent.has(seg)) throw new PatchError('path does not exist');
      return new SetValue([...parent].filter((x) => !equals(x, seg)));
    }
    throw new PatchError('cannot remove from a scalar');
  });
}

function patchPath(p: Value | undefined): Value[] {
  if (typeof p === 'string') return parseStringPath(p);
  if (isArray(p)) return p;
  throw new PatchError('invalid path');
}

function applyPatch(doc: Value, operations: Value[]): Value | undefined {
  let cur: Value | undefined = doc;
  for (const opValue of operations) {
    if (!isObject(opValue)) throw new PatchError('patch operation is not an object');
    const op = opValue.get('op');
    const path = patchPath(opValue.get('path'));
    const need = (attr: string): Value => {
      const v = opValue.get(attr);
      if (v === undefined) throw new PatchError(`missing '${attr}' attribute`);
      return v;
    };
    switch (op) {
      case 'add':
        cur = insertAt(cur, path, need('value'));
        break;
      case 'remove':
        cur = deleteAt(cur, path);
        break;
      case 'replace': {
        const value = need('value');
        cur = insertAt(deleteAt(cur, path), path, value);
        break;
      }
      case 'move': {
        const from = patchPath(need('from'));
        const chunk = getAt(cur, from);
        cur = insertAt(deleteAt(cur, from), path, chunk);
        break;
      }
      case 'copy': {
        const from = patchPath(need('from'));
        cur = insertAt(cur, path, getAt(cur, from));
        break;
      }
      case 'test': {
        const value = need('value');
        if (!equals(getAt(cur, path), value)) throw new PatchError('test failed');
        break;
      }
      default:
        throw new PatchError('unrecognized op');
    }
  }
  return cur;
}

// ---------------------------------------------------------------------------------------
// Merging and subsets.

/** Recursive merge: where both sides hold objects they merge, otherwise `b` wins. */
function mergeObjects(a: ObjectValue, b: ObjectValue): ObjectValue {
  const out = ObjectValue.fromEntries(a.entries());
  for (const [k, v] of b.entries()) {
    const old = a.get(k);
    out.set(k, old !== undefined && isObject(old) && isObject(v) ? mergeObjects(old, v) : v);
  }
  return out;
}

function objectSubset(sup: ObjectValue, sub: ObjectValue): boolean {
  for (const [k, v] of sub.entries()) {
    const w = sup.get(k);
    if (w === undefined) return false;
    if (equals(v, w)) continue;
    if (isObject(w) && isObject(v)) {
      if (!objectSubset(w, v)) return false;
    } else if (isSet(w) && isSet(v)) {
      if (!setSubset(w, v)) return false;
    } else if (isArray(w) && isArray(v)) {
      if (!arraySubset(w, v)) return false;
    } else return false;
  }
  return true;
}

function setSubset(sup: SetValue, sub: SetValue): boolean {
  for (const k of sub.map.keys()) if (!sup.map.has(k)) return false;
  return true;
}

/** `sub` appears as a contiguous run inside `sup`. */
function arraySubset(sup: Value[], sub: Value[]): boolean {
  if (sub.length > sup.length) return false;
  outer: for (let start = 0; start + sub.length <= sup.length; start++) {
    for (let j = 0; j < sub.length; j++) if (!equals(sup[start + j]!, sub[j]!)) continue outer;
    return true;
  }
  return false;
}

/** Every member of `sub` occurs in `sup`. An empty `sub` needs a non-empty `sup`, as in OPA. */
function arraySetSubset(sup: Value[], sub: SetValue): boolean {
  let unmatched = sub.size;
  for (const x of sup) {
    if (sub.has(x)) unmatched--;
    if (unmatched <= 0) return true;
  }
  return false;
}

/** Follow `path` through objects (by key), arrays (by integer index) and sets (by member). */
function find(v: Value, path: Value[]): Value | undefined {
  let cur: Value | undefined = v;
  for (const seg of path) {
    if (cur === undefined) return undefined;
    if (isObject(cur)) cur = cur.get(seg);
    else if (isArray(cur)) cur = typeof seg === 'number' && Number.isInteger(seg) ? cur[seg] : undefined;
    else if (isSet(cur)) cur = cur.has(seg) ? seg : undefined;
    else return undefined;
  }
  return cur;
}

export const objectsBuiltins: BuiltinDecl[] = [
  {
    name: 'object.get',
    category,
    args: [
      { name: 'object', type: t.object(), description: 'object to get `key` from' },
      { name: 'key', type: t.any, description: 'key to lookup in `object`; an array is a path of keys' },
      { name: 'default', type: t.any, description: 'default to use when lookup fails' },
    ],
    result: t.any,
    description:
      'Returns value of an object\'s key if present, otherwise a default. If the supplied `key` is an `array`, then `object.get` will search through a nested object or array using each key in turn. For example: `object.get({"a": [{ "b": true }]}, ["a", 0, "b"], false)` results in `true`.',
    impl: (args) => {
      const obj = expectObject('object.get', args, 0);
      const key = arg(args, 1);
      const dflt = arg(args, 2);
      if (!isArray(key)) return obj.get(key) ?? dflt;
      return find(obj, key) ?? dflt;
    },
  },
  {
    name: 'object.keys',
    category,
    args: [{ name: 'object', type: t.object(), description: 'object to get keys from' }],
    result: t.set(),
    description: 'Returns a set of an object\'s keys. For example: `object.keys({"a": 1, "b": true, "c": "d")` results in `{"a", "b", "c"}`.',
    impl: (args) => new SetValue(expectObject('object.keys', args, 0).keys()),
  },
  {
    name: 'object.remove',
    category,
    args: [
      { name: 'object', type: t.object(), description: 'object to remove keys from' },
      { name: 'keys', type: keysArg, description: 'keys to remove from x' },
    ],
    result: t.object(),
    description: 'Removes specified keys from an object.',
    impl: (args) => {
      const obj = expectObject('object.remove', args, 0);
      const keys = keysOperand('object.remove', args, 1);
      const out = new ObjectValue();
      for (const [k, v] of obj.entries()) if (!keys.has(k)) out.set(k, v);
      return out;
    },
  },
  {
    name: 'object.filter',
    category,
    args: [
      { name: 'object', type: t.object(), description: 'object to filter keys' },
      { name: 'keys', type: keysArg, description: 'keys to keep in `object`' },
    ],
    result: t.object(),
    description:
      'Filters the object by keeping only specified keys. For example: `object.filter({"a": {"b": "x", "c": "y"}, "d": "z"}, ["a"])` will result in `{"a": {"b": "x", "c": "y"}}`.',
    impl: (args) => {
      const obj = expectObject('object.filter', args, 0);
      const keys = keysOperand('object.filter', args, 1);
      const out = new ObjectValue();
      for (const k of keys) {
        const v = obj.get(k);
        if (v !== undefined) out.set(k, v);
      }
      return out;
    },
  },
  {
    name: 'object.union',
    category,
    args: [
      { name: 'a', type: t.object(), description: 'left-hand object' },
      { name: 'b', type: t.object(), description: 'right-hand object' },
    ],
    result: t.object(),
    description:
      'Creates a new object of the asymmetric union of two objects. For example: `object.union({"a": 1, "b": 2, "c": {"d": 3}}, {"a": 7, "c": {"d": 4, "e": 5}})` will result in `{"a": 7, "b": 2, "c": {"d": 4, "e": 5}}`.',
    impl: (args) => mergeObjects(expectObject('object.union', args, 0), expectObject('object.union', args, 1)),
  },
  {
    name: 'object.union_n',
    category,
    args: [{ name: 'objects', type: t.array(t.object()), description: 'list of objects to merge' }],
    result: t.object(),
    description:
      'Creates a new object that is the asymmetric union of all objects merged from left to right. For example: `object.union_n([{"a": 1}, {"b": 2}, {"a": 3}])` will result in `{"b": 2, "a": 3}`.',
    impl: (args) => {
      const arr = expectArray('object.union_n', args, 0);
      let out = new ObjectValue();
      for (const x of arr) {
        if (!isObject(x)) throw elementTypeError('object.union_n', 0, arr, x, ['object']);
        out = mergeObjects(out, x);
      }
      return out;
    },
  },
  {
    name: 'object.subset',
    category,
    args: [
      { name: 'super', type: t.union(t.object(), t.set(), t.array()), description: 'object to test if sub is a subset of' },
      { name: 'sub', type: t.union(t.object(), t.set(), t.array()), description: 'object to test if super is a superset of' },
    ],
    result: t.boolean,
    description:
      'Determines if an object `sub` is a subset of another object `super`. Object `sub` is a subset of object `super` if and only if every key in `sub` is also in `super`, **and** for all keys which `sub` and `super` share, they have the same value. This function works with objects, sets, arrays and a set of array and set. If both arguments are objects, then the operation is recursive, e.g. `{"c": {"x": {10, 15, 20}}` is a subset of `{"a": "b", "c": {"x": {10, 15, 20, 25}, "y": "z"}`. If both arguments are sets, then this function checks if every element of `sub` is a member of `super`, but does not attempt to recurse. If both arguments are arrays, then this function checks if `sub` appears contiguously in order within `super`, and also does not attempt to recurse. If `super` is array and `sub` is set, then this function checks if `super` contains every element of `sub` with no consideration of ordering, and also does not attempt to recurse.',
    impl: (args) => {
      const sup = arg(args, 0);
      const sub = arg(args, 1);
      if (isObject(sup) && isObject(sub)) return objectSubset(sup, sub);
      if (isSet(sup) && isSet(sub)) return setSubset(sup, sub);
      if (isArray(sup) && isArray(sub)) return arraySubset(sup, sub);
      if (isArray(sup) && isSet(sub)) return arraySetSubset(sup, sub);
      throw new BuiltinError('eval_type_error', 'object.subset: both arguments object.subset must be of the same type or array and set');
    },
  },
  {
    name: 'json.filter',
    category,
    args: [
      { name: 'object', type: t.object(), description: 'object to filter' },
      { name: 'paths', type: pathsArg, description: 'JSON string paths' },
    ],
    result: t.any,
    description:
      'Filters the object. For example: `json.filter({"a": {"b": "x", "c": "y"}}, ["a/b"])` will result in `{"a": {"b": "x"}}`. Paths are not filtered in-order and are deduplicated before being evaluated.',
    impl: (args) => {
      const obj = expectObject('json.filter', args, 0);
      return filterValue(obj, pathsToTree(pathsOperand('json.filter', args)));
    },
  },
  {
    name: 'json.remove',
    category,
    args: [
      { name: 'object', type: t.object(), description: 'object to remove paths from' },
      { name: 'paths', type: pathsArg, description: 'JSON string paths' },
    ],
    result: t.any,
    description:
      'Removes paths from an object. For example: `json.remove({"a": {"b": "x", "c": "y"}}, ["a/b"])` will result in `{"a": {"c": "y"}}`. Paths are not removed in-order, so that removing `a/0` and `a/1` from `[0, 1, 2]` results in `[2]`.',
    impl: (args) => {
      const obj = expectObject('json.remove', args, 0);
      return removeValue(obj, pathsToTree(pathsOperand('json.remove', args)));
    },
  },
  {
    name: 'json.patch',
    category,
    args: [
      { name: 'object', type: t.any, description: 'the object to patch' },
      { name: 'patches', type: t.array(t.object()), description: 'the JSON patches to apply' },
    ],
    result: t.any,
    description:
      'Patches an object according to RFC6902. For example: `json.patch({"a": {"foo": 1}}, [{"op": "add", "path": "/a/bar", "value": 2}])` results in `{"a": {"foo": 1, "bar": 2}`. The patches are applied atomically: if any of them fails, the result will be undefined. Additionally works on sets, where a value contained in the set is considered to be its path.',
    impl: (args) => {
      const doc = arg(args, 0);
      const ops = expectArray('json.patch', args, 1);
      try {
        return applyPatch(doc, ops);
      } catch (e) {
        // A patch that cannot be applied makes the call undefined, as in OPA.
        if (e instanceof PatchError) return undefined;
        throw e;
      }
    },
  },
];
